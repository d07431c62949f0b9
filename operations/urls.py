"""Page URLs of the operations app."""

from django.urls import path

from .views import assessments, operators, reports, satisfaction, search

app_name = "operations"
urlpatterns = [
    path("operators/", operators.OperatorListView.as_view(), name="operator_list"),
    path("operators/search/", search.OperatorSearchView.as_view(), name="operator_search"),
    path("contracts/search/", search.ContractSearchView.as_view(), name="contract_search"),
    path("operators/new/", operators.OperatorCreateView.as_view(), name="operator_add"),
    path("operators/<int:pk>/", operators.OperatorDetailView.as_view(), name="operator_detail"),
    path("operators/<int:pk>/edit/", operators.OperatorUpdateView.as_view(), name="operator_edit"),
    path("contracts/", operators.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", operators.ContractCreateView.as_view(), name="contract_add"),
    path("contracts/<int:pk>/", operators.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", operators.ContractUpdateView.as_view(), name="contract_edit"),
    path(
        "contracts/<int:pk>/terminate/",
        operators.ContractTerminateView.as_view(),
        name="contract_terminate",
    ),
    path("assessments/", assessments.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/new/", assessments.AssessmentCreateView.as_view(), name="assessment_add"),
    path(
        "assessments/<int:pk>/",
        assessments.AssessmentDetailView.as_view(),
        name="assessment_detail",
    ),
    path(
        "assessments/<int:pk>/edit/",
        assessments.AssessmentUpdateView.as_view(),
        name="assessment_edit",
    ),
    path(
        "assessments/<int:pk>/<str:action>/",
        assessments.AssessmentActionView.as_view(),
        name="assessment_action",
    ),
    path("satisfaction/", satisfaction.SatisfactionListView.as_view(), name="satisfaction_list"),
    path(
        "satisfaction/new/",
        satisfaction.SatisfactionCreateView.as_view(),
        name="satisfaction_add",
    ),
    path(
        "satisfaction/import/",
        satisfaction.SatisfactionImportView.as_view(),
        name="satisfaction_import",
    ),
    path(
        "satisfaction/template.xlsx",
        satisfaction.SurveyTemplateView.as_view(),
        name="satisfaction_template",
    ),
    path("reports/", reports.ReportListView.as_view(), name="report_list"),
    path("reports/request/", reports.ReportRequestView.as_view(), name="report_request"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/status/", reports.ReportStatusView.as_view(), name="report_status"),
    path("reports/<int:pk>/file/", reports.ReportFileView.as_view(), name="report_file"),
    path("reports/<int:pk>/retry/", reports.ReportRetryView.as_view(), name="report_retry"),
]
