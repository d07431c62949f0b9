"""The dashboard's filters: subdistrict (for city roles), route and year."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.access import bound_subdistrict_id
from communities.choices import Route
from communities.filtersets import subdistricts_for
from communities.models import Subdistrict

from .selectors import Filters

YEARS = range(2023, 2027)


class DashboardFilterForm(forms.Form):
    """Narrow every figure of the dashboard at once."""

    subdistrict = forms.ModelChoiceField(
        label=_("Subdistrict"),
        queryset=Subdistrict.objects.none(),
        required=False,
        empty_label=_("All subdistricts"),
    )
    route = forms.ChoiceField(
        label=_("Route"), choices=[("", _("All routes")), *Route.choices], required=False
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        choices=[("", _("All years")), *((year, year) for year in YEARS)],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        if bound_subdistrict_id(request.user) is not None:
            # Subdistrict staff see only their own rows: nothing to choose.
            del self.fields["subdistrict"]
        else:
            self.fields["subdistrict"].queryset = subdistricts_for(request)

    def filters(self) -> Filters:
        """The chosen filters; none when the form does not validate."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            subdistrict=data.get("subdistrict"),
            route=data.get("route") or "",
            year=data.get("year"),
        )
