"""URLs of the public window (/public/, no login) and of the staff's suggestion pages."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.ProgressView.as_view(), name="index"),
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("communities/<slug:code>/", views.CommunityView.as_view(), name="community"),
    path("communities/<slug:code>/suggest/", views.SuggestView.as_view(), name="suggest"),
    path("suggestions/", views.SuggestionListView.as_view(), name="suggestions"),
    path("suggestions/sent/", views.SentView.as_view(), name="sent"),
    path("language/<str:code>/", views.language, name="language"),
]

staff_urlpatterns = [
    path("", views.SuggestionStaffListView.as_view(), name="list"),
    path("<int:pk>/", views.SuggestionStaffDetailView.as_view(), name="detail"),
    path("<int:pk>/<slug:step>/", views.SuggestionActionView.as_view(), name="step"),
]
