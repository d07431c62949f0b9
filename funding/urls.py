"""Page URLs of the funding app."""

from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.TrancheListView.as_view(), name="tranche_list"),
    path("tranches/<int:pk>/", views.TrancheDetailView.as_view(), name="tranche_detail"),
    path(
        "tranches/<int:pk>/approve/",
        views.TrancheStepView.as_view(),
        {"step": "approve"},
        name="tranche_approve",
    ),
    path(
        "tranches/<int:pk>/pay/",
        views.TrancheStepView.as_view(),
        {"step": "pay"},
        name="tranche_pay",
    ),
    path(
        "tranches/<int:pk>/cancel/",
        views.TrancheStepView.as_view(),
        {"step": "cancel"},
        name="tranche_cancel",
    ),
    path(
        "tranches/<int:pk>/return/",
        views.TrancheStepView.as_view(),
        {"step": "return"},
        name="tranche_return",
    ),
    path(
        "tranches/<int:pk>/amount/",
        views.TrancheStepView.as_view(),
        {"step": "amount"},
        name="tranche_amount",
    ),
    path("tranches/<int:pk>/print/", views.TranchePrintView.as_view(), name="tranche_print"),
    path("tranches/approve/", views.TrancheBulkApproveView.as_view(), name="tranche_bulk_approve"),
    path("tranches/pay/", views.TrancheBulkPayView.as_view(), name="tranche_bulk_pay"),
    path("budgets/", views.BudgetListView.as_view(), name="budget_list"),
    path("exports/", views.ExportListView.as_view(), name="export_list"),
    path("exports/new/", views.ExportCreateView.as_view(), name="export_create"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export_detail"),
    path(
        "exports/<int:pk>/retry/",
        views.ExportRetryView.as_view(),
        {"step": "retry"},
        name="export_retry",
    ),
    path("exports/<int:pk>/status/", views.ExportStatusView.as_view(), name="export_status"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
]
