"""The one FilterSet of tranches, shared by the list page, the API and the disbursement sheet."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from communities.filtersets import SummaryMixin, subdistricts_for
from communities.listing import TextSearchFilter

from .choices import BudgetSource, ExportState, PolicyRoute, TrancheStage, TrancheState
from .models import BudgetEnvelope, DisbursementExport, Tranche


class TrancheFilterSet(SummaryMixin, django_filters.FilterSet):
    """Text, state, stage, route, subdistrict, fiscal year, budget source, due-date range and
    overdue."""

    everything = _("all tranches")

    q = TextSearchFilter(
        fields=(
            "plan__community__name",
            "project__community__name",
            "plan__title",
            "voucher_number",
        )
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=TrancheState.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=TrancheStage.choices)
    route = django_filters.ChoiceFilter(
        label=_("Route"), choices=PolicyRoute.choices, method="filter_route"
    )
    subdistrict = django_filters.ModelChoiceFilter(
        label=_("Subdistrict"), queryset=lambda request: subdistricts_for(request)
    )
    fiscal_year = django_filters.NumberFilter(label=_("Fiscal year"))
    source = django_filters.ChoiceFilter(label=_("Budget source"), choices=BudgetSource.choices)
    due_from = django_filters.DateFilter(
        label=_("Due from"),
        field_name="due_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_to = django_filters.DateFilter(
        label=_("Due until"),
        field_name="due_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=(("yes", _("Overdue only")),),
        method="filter_overdue",
    )

    class Meta:
        model = Tranche
        fields = [
            "q",
            "state",
            "stage",
            "route",
            "subdistrict",
            "fiscal_year",
            "source",
            "due_from",
            "due_to",
            "overdue",
        ]

    def filter_route(self, queryset, name, value):
        if value == PolicyRoute.GAP:
            return queryset.filter(plan__isnull=False)
        return queryset.filter(project__isnull=False)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value == "yes" else queryset


class BudgetEnvelopeFilterSet(django_filters.FilterSet):
    """Fiscal year and funding source of the budget envelopes."""

    fiscal_year = django_filters.NumberFilter(label=_("Fiscal year"))
    source = django_filters.ChoiceFilter(label=_("Funding source"), choices=BudgetSource.choices)

    class Meta:
        model = BudgetEnvelope
        fields = ["fiscal_year", "source"]


class ExportFilterSet(django_filters.FilterSet):
    """Text of the filters and state of the disbursement-sheet exports."""

    q = TextSearchFilter(fields=("filter_summary",))
    state = django_filters.ChoiceFilter(label=_("State"), choices=ExportState.choices)

    class Meta:
        model = DisbursementExport
        fields = ["q", "state"]
