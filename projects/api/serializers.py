"""Read-only API representations of plans, future-community projects and blocks."""

from rest_framework import serializers

from ..models import DevelopmentBlock, FutureCommunityProject, GapFillingPlan, PlanLineItem
from ..services.future import PROJECT_FIELDS
from ..services.plans import PLAN_FIELDS


class PlanLineItemSerializer(serializers.ModelSerializer):
    """One facility a plan builds."""

    class Meta:
        model = PlanLineItem
        fields = ["id", "facility_type", "floor_area", "investment"]


class GapFillingPlanSerializer(serializers.ModelSerializer):
    """A plan with its line items; the state is read-only like everything here."""

    line_items = PlanLineItemSerializer(many=True, read_only=True)

    class Meta:
        model = GapFillingPlan
        fields = [
            "id",
            "subdistrict",
            "community",
            *PLAN_FIELDS,
            "state",
            "review_round",
            "approval_number",
            "approval_date",
            "progress_percent",
            "acceptance_date",
            "settled_investment",
            "line_items",
        ]


class FutureCommunityProjectSerializer(serializers.ModelSerializer):
    """A future-community project and its stage."""

    class Meta:
        model = FutureCommunityProject
        fields = [
            "id",
            "community",
            *PROJECT_FIELDS,
            "stage",
            "approval_date",
            "named_date",
        ]


class DevelopmentBlockSerializer(serializers.ModelSerializer):
    """A development block."""

    class Meta:
        model = DevelopmentBlock
        fields = [
            "id",
            "name",
            "subdistrict",
            "community",
            "area_mu",
            "planned_population",
            "is_pilot",
        ]
