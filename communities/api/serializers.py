"""Read-only API representations of communities and facilities."""

from rest_framework import serializers

from ..models import Community, Facility


class CommunitySerializer(serializers.ModelSerializer):
    """A community with its subdistrict's name."""

    subdistrict_name = serializers.CharField(source="subdistrict.name", read_only=True)

    class Meta:
        model = Community
        fields = [
            "id",
            "code",
            "name",
            "subdistrict",
            "subdistrict_name",
            "route",
            "plan_year",
            "provincial_batch",
            "population",
            "households",
            "assessment_score",
        ]


class FacilitySerializer(serializers.ModelSerializer):
    """A facility of a community."""

    class Meta:
        model = Facility
        fields = [
            "id",
            "community",
            "facility_type",
            "name",
            "floor_area",
            "places",
            "walking_minutes",
            "status",
            "operator_name",
        ]
