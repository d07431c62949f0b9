"""One FilterSet per listed model, shared by the pages, the API and the Excel export."""

import datetime

import django_filters
from django import forms
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.filtersets import SubdistrictFilterMixin, SummaryMixin, subdistricts_for
from communities.listing import TextSearchFilter

from .choices import FundingMode, FutureCategory, FutureStage, FutureType, PlanState
from .models import DevelopmentBlock, FutureCommunityProject, GapFillingPlan, StatusChange
from .selectors import with_overdue

# A plan has started once construction has begun; completed and accepted include what follows.
PROGRESS_STATES = {
    "started": (
        PlanState.UNDER_CONSTRUCTION,
        PlanState.COMPLETED,
        PlanState.ACCEPTED,
        PlanState.CLOSED,
    ),
    "completed": (PlanState.COMPLETED, PlanState.ACCEPTED, PlanState.CLOSED),
    "accepted": (PlanState.ACCEPTED, PlanState.CLOSED),
}
PROGRESS_CHOICES = [
    ("started", _("Started (construction begun)")),
    ("completed", _("Completed or later")),
    ("accepted", _("Accepted or later")),
]


def entered_state_at():
    """When a plan last moved into the state it is in, from its state history (a subquery)."""
    return Subquery(
        StatusChange.objects.filter(plan=OuterRef("pk"), to_state=OuterRef("state"))
        .values("plan")
        .annotate(at=Max("at"))
        .values("at")
    )


class PlanFilterSet(SubdistrictFilterMixin, django_filters.FilterSet):
    """Filters of the plan list: text, state, year, subdistrict."""

    q = TextSearchFilter(fields=("title", "community__name", "approval_number"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=PlanState.choices)
    year = django_filters.NumberFilter(label=_("Year"))
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"), queryset=lambda request: subdistricts_for(request)
    )
    # The dashboard's links: plans that have started (启动), been completed or accepted.
    progress = django_filters.ChoiceFilter(
        label=_("Progress"), choices=PROGRESS_CHOICES, method="filter_progress"
    )
    # The dashboard's overdue steps: plans longer than a supervision limit in their state.
    days_in_state = django_filters.NumberFilter(
        label=_("In its state for more than (days)"), method="filter_days_in_state"
    )

    overdue = django_filters.BooleanFilter(
        label=_("Past the supervision limit"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = GapFillingPlan
        fields = ["q", "state", "year", "subdistrict", "overdue", "progress", "days_in_state"]

    def filter_progress(self, queryset, name, value):
        return queryset.filter(state__in=PROGRESS_STATES[value])

    def filter_days_in_state(self, queryset, name, value):
        since = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.annotate(entered_state_at=entered_state_at()).filter(
            entered_state_at__lt=since
        )

    def filter_overdue(self, queryset, name, value):
        if "is_overdue" not in queryset.query.annotations:
            queryset = with_overdue(queryset)
        return queryset.filter(is_overdue=value)


class FutureProjectFilterSet(SummaryMixin, SubdistrictFilterMixin, django_filters.FilterSet):
    """Filters of the future-community list and its three-year-plan export."""

    everything = _("all future-community projects")

    q = TextSearchFilter(fields=("community__name", "community__subdistrict__name"))
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"),
        field_name="community__subdistrict",
        queryset=lambda request: subdistricts_for(request),
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=FutureStage.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=FutureCategory.choices)
    project_type = django_filters.ChoiceFilter(label=_("Type"), choices=FutureType.choices)
    funding_mode = django_filters.ChoiceFilter(label=_("Funding mode"), choices=FundingMode.choices)
    plan_year = django_filters.NumberFilter(label=_("City plan year"))
    provincial_batch = django_filters.NumberFilter(label=_("Provincial batch"))
    batch_kind = django_filters.ChoiceFilter(
        label=_("Provincial batches or city plan"),
        choices=[
            ("provincial", _("Provincial batches 1–7")),
            ("city", _("2024–2025 city plan")),
        ],
        method="filter_batch_kind",
    )

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
            "batch_kind",
        ]

    def filter_batch_kind(self, queryset, name, value):
        return queryset.filter(provincial_batch__isnull=(value != "provincial"))


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
