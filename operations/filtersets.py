"""One FilterSet per listed model, shared by the pages and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from communities.choices import FacilityType
from communities.filtersets import SubdistrictFilterMixin, subdistricts_for
from communities.listing import TextSearchFilter
from communities.models import Community
from communities.widgets import SearchSelect

from .choices import AssessmentState, ContractState, Grade, ReportState, ServiceLevel
from .models import (
    OperatingContract,
    OperationsAssessment,
    Operator,
    SatisfactionScore,
    SupervisionReport,
)


class OperatorFilterSet(django_filters.FilterSet):
    """Operators by name or credit code, and by a facility type they run."""

    q = TextSearchFilter(fields=("name", "credit_code", "contact_person", "phone"))
    facility_type = django_filters.ChoiceFilter(
        label=_("Facility type"), choices=FacilityType.choices, method="filter_type"
    )

    class Meta:
        model = Operator
        fields = ["q", "facility_type"]

    def filter_type(self, queryset, name, value):
        # JSON containment is not available on SQLite; the list is short, so match the text.
        return queryset.filter(facility_types__icontains=f'"{value}"')


def communities_in_scope(request):
    """The communities a filter may offer: those the user may see."""
    if request is None:
        return Community.objects.none()
    return Community.objects.restrict(request.user).order_by("subdistrict__code", "code")


class ContractFilterSet(SubdistrictFilterMixin, django_filters.FilterSet):
    """Contracts by text, subdistrict, operator, level, state and the day they cover."""

    q = TextSearchFilter(fields=("title", "operator__name", "subdistrict__name"))
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"), queryset=subdistricts_for
    )
    operator = django_filters.ModelChoiceFilter(
        label=_("Operator"),
        queryset=Operator.objects.order_by("name"),
        widget=SearchSelect("operations:operator_search"),
    )
    service_level = django_filters.ChoiceFilter(
        label=_("Service level"), choices=ServiceLevel.choices
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=ContractState.choices)
    active_on = django_filters.DateFilter(
        label=_("In force on"),
        method="filter_active_on",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_by = django_filters.DateFilter(
        label=_("Term ends by"),
        field_name="ends_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = OperatingContract
        fields = ["q", "subdistrict", "operator", "service_level", "state", "active_on", "ends_by"]

    def filter_active_on(self, queryset, name, value):
        # A terminated contract was in force up to the day before it was ended.
        return queryset.filter(starts_on__lte=value, ends_on__gte=value).exclude(
            terminated_on__lte=value
        )


class AssessmentFilterSet(SubdistrictFilterMixin, django_filters.FilterSet):
    """Assessments by text, subdistrict, period, state and grade."""

    q = TextSearchFilter(
        fields=("project__community__name", "contract__title", "contract__operator__name")
    )
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"), queryset=subdistricts_for
    )
    period = django_filters.CharFilter(label=_("Period"), lookup_expr="startswith")
    state = django_filters.ChoiceFilter(label=_("State"), choices=AssessmentState.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Grade.choices)

    class Meta:
        model = OperationsAssessment
        fields = ["q", "subdistrict", "period", "state", "grade"]


class SatisfactionFilterSet(SubdistrictFilterMixin, django_filters.FilterSet):
    """Satisfaction scores by text, subdistrict, community, period and a ceiling."""

    q = TextSearchFilter(fields=("community__name", "community__code"))
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"),
        queryset=subdistricts_for,
        field_name="community__subdistrict",
    )
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        queryset=communities_in_scope,
        widget=SearchSelect("communities:community_search"),
    )
    period = django_filters.CharFilter(label=_("Period"), lookup_expr="startswith")
    below = django_filters.NumberFilter(
        label=_("Score below"), field_name="score", lookup_expr="lt"
    )

    class Meta:
        model = SatisfactionScore
        fields = ["q", "subdistrict", "community", "period", "below"]


class ReportFilterSet(django_filters.FilterSet):
    """Supervision reports by text (month, who asked), month and state."""

    q = TextSearchFilter(fields=("period", "requested_by__first_name", "requested_by__last_name"))
    period = django_filters.CharFilter(label=_("Month"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=ReportState.choices)

    class Meta:
        model = SupervisionReport
        fields = ["q", "period", "state"]
