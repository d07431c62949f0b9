"""Page URLs of the operations app."""

from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("operators/", views.OperatorListView.as_view(), name="operator_list"),
    path("operators/search/", views.OperatorSearchView.as_view(), name="operator_search"),
    path("contracts/search/", views.ContractSearchView.as_view(), name="contract_search"),
    path("operators/new/", views.OperatorCreateView.as_view(), name="operator_add"),
    path("operators/<int:pk>/", views.OperatorDetailView.as_view(), name="operator_detail"),
    path("operators/<int:pk>/edit/", views.OperatorUpdateView.as_view(), name="operator_edit"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", views.ContractCreateView.as_view(), name="contract_add"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.ContractUpdateView.as_view(), name="contract_edit"),
    path(
        "contracts/<int:pk>/terminate/",
        views.ContractTerminateView.as_view(),
        name="contract_terminate",
    ),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/new/", views.AssessmentCreateView.as_view(), name="assessment_add"),
    path(
        "assessments/<int:pk>/",
        views.AssessmentDetailView.as_view(),
        name="assessment_detail",
    ),
    path(
        "assessments/<int:pk>/edit/",
        views.AssessmentUpdateView.as_view(),
        name="assessment_edit",
    ),
    path(
        "assessments/<int:pk>/<str:action>/",
        views.AssessmentActionView.as_view(),
        name="assessment_action",
    ),
    path("satisfaction/", views.SatisfactionListView.as_view(), name="satisfaction_list"),
    path(
        "satisfaction/new/",
        views.SatisfactionCreateView.as_view(),
        name="satisfaction_add",
    ),
    path(
        "satisfaction/import/",
        views.SatisfactionImportView.as_view(),
        name="satisfaction_import",
    ),
    path(
        "satisfaction/template.xlsx",
        views.SurveyTemplateView.as_view(),
        name="satisfaction_template",
    ),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/request/", views.ReportRequestView.as_view(), name="report_request"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/status/", views.ReportStatusView.as_view(), name="report_status"),
    path("reports/<int:pk>/file/", views.ReportFileView.as_view(), name="report_file"),
    path("reports/<int:pk>/retry/", views.ReportRetryView.as_view(), name="report_retry"),
]
