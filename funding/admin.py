"""Admin of subsidy policies (superuser), budget envelopes (finance) and tranches (read-only)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from communities.access import CHANGE
from communities.admin import PortalHistoryAdmin, ScopedModelAdmin, WritersOnlyMixin

from . import services
from .models import BudgetEnvelope, SubsidyPolicy, Tranche
from .money import format_yuan
from .permissions import BUDGET_ENVELOPE_RULES
from .selectors import envelope_amount_refusal


@admin.register(SubsidyPolicy)
class SubsidyPolicyAdmin(PortalHistoryAdmin):
    """Policies are data: the superuser edits them, finance and the task force read them."""

    list_display = ["name", "code", "version", "route", "case", "mode", "effective_from"]
    list_filter = ["route", "case", "mode"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # A rule that has paid out stays as it was; a change is a new version with new dates.
        if obj is not None and obj.tranches.exists():
            return [field.name for field in obj._meta.fields if field.name != "effective_to"]
        return []

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or not obj.tranches.exists())


class BudgetEnvelopeForm(forms.ModelForm):
    """Refuses an amount below what the envelope has already committed."""

    class Meta:
        model = BudgetEnvelope
        fields = ["fiscal_year", "source", "amount", "note"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "amount" in cleaned:
            refusal = envelope_amount_refusal(
                fiscal_year=self.instance.fiscal_year,
                source=self.instance.source,
                amount=cleaned["amount"],
            )
            if refusal:
                self.add_error("amount", refusal)
        return cleaned


@admin.register(BudgetEnvelope)
class BudgetEnvelopeAdmin(WritersOnlyMixin, PortalHistoryAdmin):
    """Finance keeps the envelopes; committed, paid and remaining come from one query."""

    writer_roles = BUDGET_ENVELOPE_RULES[CHANGE].roles

    form = BudgetEnvelopeForm
    list_display = [
        "fiscal_year",
        "source",
        "envelope_amount",
        "committed",
        "paid",
        "remaining",
        "tranches",
    ]
    list_filter = ["source", "fiscal_year"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_figures()

    def get_readonly_fields(self, request, obj=None):
        return ["fiscal_year", "source"] if obj else []

    @admin.display(description=_("amount (yuan)"), ordering="amount")
    def envelope_amount(self, obj):
        return format_yuan(obj.amount)

    @admin.display(description=_("committed"), ordering="committed")
    def committed(self, obj):
        return format_yuan(obj.committed)

    @admin.display(description=_("paid"), ordering="paid")
    def paid(self, obj):
        return format_yuan(obj.paid)

    @admin.display(description=_("remaining"), ordering="remaining")
    def remaining(self, obj):
        return format_yuan(obj.remaining)

    @admin.display(description=_("tranches"))
    def tranches(self, obj):
        url = reverse("funding:tranche_list")
        query = urlencode({"fiscal_year": obj.fiscal_year, "source": obj.source})
        return format_html('<a href="{}?{}">{}</a>', url, query, _("Show"))

    def save_model(self, request, obj, form, change):
        try:
            services.budget_envelope_save(envelope=obj, actor=request.user)
        except ValidationError as error:
            raise PermissionDenied("; ".join(error.messages)) from error


@admin.register(Tranche)
class TrancheAdmin(WritersOnlyMixin, ScopedModelAdmin):
    """Tranches read-only: their state changes only through finance's pages."""

    list_display = [
        "__str__",
        "subdistrict",
        "stage",
        "tranche_amount",
        "state",
        "fiscal_year",
        "due_on",
    ]
    list_filter = ["state", "stage", "fiscal_year", "subdistrict"]
    list_select_related = ["subdistrict", "plan", "project__community"]
    search_fields = ["voucher_number", "plan__title", "project__community__name"]

    @admin.display(description=_("amount (yuan)"), ordering="amount")
    def tranche_amount(self, obj):
        return format_yuan(obj.amount)
