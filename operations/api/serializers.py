"""Read-only API representations of the operations records."""

from rest_framework import serializers

from ..models import (
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)


class OperatorSerializer(serializers.ModelSerializer):
    """An operator and the facility types it runs."""

    class Meta:
        model = Operator
        fields = ["id", "name", "credit_code", "contact_person", "phone", "facility_types"]


class ContractSerializer(serializers.ModelSerializer):
    """A contract with the ids of its facilities."""

    class Meta:
        model = OperatingContract
        fields = [
            "id",
            "subdistrict",
            "operator",
            "title",
            "service_level",
            "starts_on",
            "ends_on",
            "annual_fee",
            "state",
            "terminated_on",
            "facilities",
        ]


class AssessmentSerializer(serializers.ModelSerializer):
    """An assessment's subject, scores, total, grade and state."""

    class Meta:
        model = OperationsAssessment
        fields = [
            "id",
            "project",
            "contract",
            "subdistrict",
            "period",
            "score_space",
            "score_activity",
            "score_groups",
            "score_life_services",
            "score_digital",
            "total",
            "grade",
            "state",
            "confirmed_at",
        ]


class SatisfactionSerializer(serializers.ModelSerializer):
    """A community's satisfaction score for a period."""

    class Meta:
        model = SatisfactionScore
        fields = ["id", "community", "period", "score", "respondents", "source"]


class ReportSerializer(serializers.ModelSerializer):
    """A supervision report's state, progress and summary."""

    class Meta:
        model = SupervisionReport
        fields = [
            "id",
            "period",
            "state",
            "progress",
            "requested_by",
            "requested_at",
            "finished_at",
            "error",
            "summary",
        ]


class ReportListSerializer(serializers.ModelSerializer):
    """A supervision report's state and progress, as the list shows it: the summary is read
    from the report's own address."""

    class Meta:
        model = SupervisionReport
        fields = [field for field in ReportSerializer.Meta.fields if field != "summary"]
