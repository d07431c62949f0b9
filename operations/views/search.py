"""Matches for the searchable operator and contract choices (communities.widgets)."""

from communities.search import ChoiceSearchView

from ..models import OperatingContract, Operator
from ..roles import CONTRACT_READERS


class OperatorSearchView(ChoiceSearchView):
    """Operators by name or credit code, for those who read operators and contracts."""

    model = Operator
    required_roles = CONTRACT_READERS
    search_fields = ("name", "credit_code")
    ordering = ("name", "pk")


class ContractSearchView(ChoiceSearchView):
    """Contracts the user may see, by title, operator or subdistrict."""

    model = OperatingContract
    required_roles = CONTRACT_READERS
    search_fields = ("title", "operator__name", "subdistrict__name")
    ordering = ("subdistrict__code", "-starts_on", "pk")

    def get_queryset(self):
        return super().get_queryset().select_related("operator")
