"""One FilterSet per listed model, shared by the pages, the API and exports."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .access import bound_subdistrict_id
from .choices import FacilityStatus, FacilityType, Route
from .listing import TextSearchFilter
from .models import Community, Facility, Notification, Subdistrict


def subdistricts_for(request):
    """The subdistricts a user can filter by: those ``restrict`` lets them see."""
    return Subdistrict.objects.restrict(getattr(request, "user", None))


class SummaryMixin:
    """The active filters in words (``everything``: what the words are when none is active),
    for the title of a sheet written from them and the page that follows it."""

    everything = _("everything")

    def summary(self) -> str:
        if not self.is_bound or not self.is_valid():
            return str(self.everything)
        parts = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.form.fields[name]
            shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
            parts.append(_("%(filter)s: %(value)s") % {"filter": field.label, "value": shown})
        return str(_("; ")).join(parts) or str(self.everything)


class SubdistrictFilterMixin:
    """A user who works for one subdistrict sees only its rows, so gets no subdistrict filter."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if bound_subdistrict_id(getattr(self.request, "user", None)) is not None:
            self.filters.pop("subdistrict", None)


class CommunityFilterSet(django_filters.FilterSet):
    """Filters of the community list: subdistrict, route, year or batch, text."""

    q = TextSearchFilter(fields=("name", "code"))
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"), queryset=lambda request: subdistricts_for(request)
    )
    route = django_filters.ChoiceFilter(label=_("Route"), choices=Route.choices)
    plan_year = django_filters.NumberFilter(label=_("Plan year"))
    provincial_batch = django_filters.NumberFilter(label=_("Provincial batch"))

    class Meta:
        model = Community
        fields = ["q", "subdistrict", "route", "plan_year", "provincial_batch"]


class NotificationFilterSet(django_filters.FilterSet):
    """The inbox by text (searched in the portal's language, in which it is stored)."""

    q = TextSearchFilter(fields=("subject", "body"))

    class Meta:
        model = Notification
        fields = ["q"]


class FacilityFilterSet(django_filters.FilterSet):
    """Filters of facility lists: community, type, status."""

    community = django_filters.NumberFilter(field_name="community_id")
    facility_type = django_filters.ChoiceFilter(
        label=_("Facility type"), choices=FacilityType.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FacilityStatus.choices)

    class Meta:
        model = Facility
        fields = ["community", "facility_type", "status"]
