"""Read-only API representations of plans, future-community projects and blocks."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..lifecycles import FUTURE, PLAN
from ..models import DevelopmentBlock, FutureCommunityProject, GapFillingPlan, PlanLineItem
from ..services import PLAN_FIELDS, PROJECT_FIELDS


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class LifecycleActionsField(serializers.SerializerMethodField):
    """The steps of the row's life cycle the requesting user may take now, by name."""

    def __init__(self, lifecycle, **kwargs):
        self.lifecycle = lifecycle
        kwargs.setdefault("help_text", "The life-cycle steps the requesting user may take now.")
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        if request is None:
            return []
        return [step.name for step in self.lifecycle.available(request.user, value)]


class PlanLineItemSerializer(serializers.ModelSerializer):
    """One facility a plan builds."""

    class Meta:
        model = PlanLineItem
        fields = ["id", "facility_type", "floor_area", "investment"]


class GapFillingPlanSerializer(serializers.ModelSerializer):
    """A plan with its line items; the state is read-only like everything here."""

    line_items = PlanLineItemSerializer(many=True, read_only=True)
    actions = LifecycleActionsField(PLAN)

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
            "actions",
        ]


class FutureCommunityProjectSerializer(serializers.ModelSerializer):
    """A future-community project and its stage."""

    actions = LifecycleActionsField(FUTURE)

    class Meta:
        model = FutureCommunityProject
        fields = [
            "id",
            "community",
            *PROJECT_FIELDS,
            "stage",
            "approval_date",
            "named_date",
            "actions",
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
