"""Page URLs of the projects app."""

from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("new/", views.PlanFormView.as_view(), name="plan_create"),
    path("new/spaces/", views.PlanSpaceChoicesView.as_view(), name="plan_space_choices"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", views.PlanFormView.as_view(), name="plan_edit"),
    path(
        "<int:pk>/approval/print/",
        views.PlanApprovalPrintView.as_view(),
        name="plan_approval_print",
    ),
    path(
        "<int:pk>/acceptance/print/",
        views.PlanAcceptancePrintView.as_view(),
        name="plan_acceptance_print",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    path("<int:pk>/<slug:action>/", views.PlanStepView.as_view(), name="plan_action"),
    path("future/", views.FutureProjectListView.as_view(), name="future_list"),
    path("future/export.xlsx", views.FutureProjectExportView.as_view(), name="future_export"),
    path("future/search/", views.FutureProjectSearchView.as_view(), name="future_search"),
    path("future/plan-tables/new/", views.PlanTableCreateView.as_view(), name="plan_table_create"),
    path(
        "future/plan-tables/<int:pk>/",
        views.PlanTableDetailView.as_view(),
        name="plan_table_detail",
    ),
    path(
        "future/plan-tables/<int:pk>/retry/",
        views.PlanTableRetryView.as_view(),
        {"step": "retry"},
        name="plan_table_retry",
    ),
    path(
        "future/plan-tables/<int:pk>/status/",
        views.PlanTableStatusView.as_view(),
        name="plan_table_status",
    ),
    path(
        "future/plan-tables/<int:pk>/download/",
        views.PlanTableDownloadView.as_view(),
        name="plan_table_download",
    ),
    path("future/<int:pk>/", views.FutureProjectDetailView.as_view(), name="future_detail"),
    path(
        "future/<int:pk>/scenarios/", views.FutureScenariosView.as_view(), name="future_scenarios"
    ),
    path(
        "future/<int:pk>/scenarios/built/",
        views.FutureScenariosBuiltView.as_view(),
        name="future_scenarios_built",
    ),
    path(
        "future/<int:pk>/documents/<slug:kind>/<int:record_pk>/",
        views.FutureDocumentView.as_view(),
        name="future_document",
    ),
    path("future/<int:pk>/<slug:step>/", views.FutureStepView.as_view(), name="future_action"),
    path("blocks/", views.BlockListView.as_view(), name="block_list"),
    path("blocks/<int:pk>/", views.BlockDetailView.as_view(), name="block_detail"),
]
