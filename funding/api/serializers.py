"""Read-only API representation of tranches."""

from rest_framework import serializers

from funding.models import Tranche


class TrancheSerializer(serializers.ModelSerializer):
    """A tranche with its amounts as strings with two decimals."""

    subdistrict_name = serializers.CharField(source="subdistrict.name", read_only=True)
    route = serializers.CharField(read_only=True)

    class Meta:
        model = Tranche
        fields = [
            "id",
            "plan",
            "project",
            "subdistrict",
            "subdistrict_name",
            "route",
            "stage",
            "amount",
            "state",
            "source",
            "fiscal_year",
            "due_on",
            "paid_on",
            "voucher_number",
            "base",
            "rate",
            "subsidy_total",
            "policy_version",
            "inputs",
            "explanation",
            "warnings",
        ]
        read_only_fields = fields
