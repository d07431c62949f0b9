"""URLs of the dashboard, under /dashboard/."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="index"),
    path("summary/", views.SummaryView.as_view(), name="summary"),
    path("coverage/", views.CoverageMatrixView.as_view(), name="coverage"),
]
