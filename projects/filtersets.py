"""One FilterSet per listed model, shared by the pages, the API and the Excel export."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from communities.listing import TextSearchFilter
from communities.models import Subdistrict

from .choices import FundingMode, FutureCategory, FutureStage, FutureType, PlanState
from .models import DevelopmentBlock, FutureCommunityProject, GapFillingPlan
from .selectors import with_overdue


class SubdistrictStaffFilterMixin:
    """A subdistrict's own staff see only their subdistrict, so they get no subdistrict filter."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if getattr(user, "subdistrict_id", None) and not user.is_superuser:
            self.filters.pop("subdistrict", None)


class PlanFilterSet(SubdistrictStaffFilterMixin, django_filters.FilterSet):
    """Filters of the plan list: text, state, year, subdistrict."""

    q = TextSearchFilter(fields=("title", "community__name", "approval_number"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=PlanState.choices)
    year = django_filters.NumberFilter(label=_("Year"))
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"), queryset=Subdistrict.objects.all()
    )

    overdue = django_filters.BooleanFilter(
        label=_("Past the supervision limit"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = GapFillingPlan
        fields = ["q", "state", "year", "subdistrict", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if "is_overdue" not in queryset.query.annotations:
            queryset = with_overdue(queryset)
        return queryset.filter(is_overdue=value)


class FutureProjectFilterSet(SubdistrictStaffFilterMixin, django_filters.FilterSet):
    """Filters of the future-community list and its three-year-plan export."""

    q = TextSearchFilter(fields=("community__name", "community__subdistrict__name"))
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"),
        field_name="community__subdistrict",
        queryset=Subdistrict.objects.all(),
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=FutureStage.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=FutureCategory.choices)
    project_type = django_filters.ChoiceFilter(label=_("Type"), choices=FutureType.choices)
    funding_mode = django_filters.ChoiceFilter(label=_("Funding mode"), choices=FundingMode.choices)
    plan_year = django_filters.NumberFilter(label=_("City plan year"))
    provincial_batch = django_filters.NumberFilter(label=_("Provincial batch"))

    class Meta:
        model = FutureCommunityProject
        fields = [
            "q",
            "subdistrict",
            "stage",
            "category",
            "project_type",
            "funding_mode",
            "plan_year",
            "provincial_batch",
        ]


class DevelopmentBlockFilterSet(django_filters.FilterSet):
    """Filters of the development-block list."""

    q = TextSearchFilter(fields=("name", "community__name", "subdistrict__name", "note"))
    is_pilot = django_filters.BooleanFilter(
        label=_("Pilot block"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = DevelopmentBlock
        fields = ["q", "is_pilot"]
