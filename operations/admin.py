"""Admin of the operations app: records are read here and changed through the pages' services;
the superuser edits the assessment scheme and the supervision rules."""

from django.contrib import admin

from communities.admin import PortalHistoryAdmin, ScopedModelAdmin, WritersOnlyMixin

from .models import (
    AssessmentScheme,
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
    SupervisionRules,
)


class ReadOnlyAdmin(WritersOnlyMixin, ScopedModelAdmin):
    """Lists and opens rows in the user's scope; state and figures change only in services."""


@admin.register(Operator)
class OperatorAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "contact_person", "phone"]
    search_fields = ["name", "credit_code"]


@admin.register(OperatingContract)
class OperatingContractAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "subdistrict",
        "operator",
        "service_level",
        "starts_on",
        "ends_on",
        "annual_fee",
        "state",
        "terminated_on",
    ]
    list_filter = ["subdistrict", "service_level", "state"]
    search_fields = ["title", "operator__name"]
    list_select_related = ["subdistrict", "operator"]


@admin.register(OperationsAssessment)
class OperationsAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "subdistrict", "period", "total", "grade", "state"]
    list_filter = ["subdistrict", "state", "grade"]
    list_select_related = ["subdistrict", "project__community", "contract"]


@admin.register(SatisfactionScore)
class SatisfactionScoreAdmin(ReadOnlyAdmin):
    list_display = ["community", "period", "score", "respondents", "source"]
    list_filter = ["community__subdistrict", "source"]
    search_fields = ["community__name", "period"]
    list_select_related = ["community"]


@admin.register(SupervisionReport)
class SupervisionReportAdmin(ReadOnlyAdmin):
    list_display = ["period", "state", "progress", "requested_by", "requested_at", "finished_at"]
    list_filter = ["state"]
    exclude = ["summary"]


class SuperuserEditsAdmin(WritersOnlyMixin, PortalHistoryAdmin):
    """Policy tables: everyone with access reads them, only the superuser changes them."""

    superuser_writes = True


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(SuperuserEditsAdmin):
    list_display = [
        "name",
        "is_active",
        "weight_space",
        "weight_activity",
        "weight_groups",
        "weight_life_services",
        "weight_digital",
        "excellent_from",
        "good_from",
        "pass_from",
    ]


@admin.register(SupervisionRules)
class SupervisionRulesAdmin(SuperuserEditsAdmin):
    list_display = [
        "name",
        "is_active",
        "start_quotas",
        "approved_not_started_days",
        "joint_review_days",
        "opinion_days",
        "low_satisfaction_below",
    ]
