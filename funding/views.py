"""Finance pages: the tranche list and detail, payment actions and disbursement-sheet exports."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from communities.access import CHANGE, VIEW
from communities.lifecycle import PAGE
from communities.listing import Column, ListPageMixin
from communities.mixins import RestrictedQuerysetMixin, RoleRequiredMixin, ServiceActionView
from communities.roles import has_role

from . import services
from .choices import SIGNATURE_ROLES, BulkOutcome
from .exports import EXPORT_FOLDER, requested_path
from .filtersets import BudgetEnvelopeFilterSet, ExportFilterSet, TrancheFilterSet
from .forms import BulkPayForm
from .lifecycles import EXPORT, TRANCHE
from .models import BudgetEnvelope, DisbursementExport, Tranche
from .money import ZERO
from .permissions import BUDGET_ENVELOPE_RULES, EXPORT_RULES, TRANCHE_RULES
from .selectors import subject_url, tranche_explanation

# The roles the access table lets read tranches, and change them (finance).
TRANCHE_READERS = TRANCHE_RULES[VIEW].roles
TRANCHE_WRITERS = TRANCHE_RULES[CHANGE].roles


def overdue_label(tranche) -> str:
    """The overdue column of the export: the days overdue, or blank."""
    if not tranche.is_overdue:
        return ""
    return _("%(days)s days overdue") % {"days": tranche.days_overdue}


class TrancheListView(ListPageMixin, RoleRequiredMixin, RestrictedQuerysetMixin, FilterView):
    """Tranches the user may see, filtered by the one TrancheFilterSet, sorted by any column,
    searched by text and exported as filtered; finance ticks rows to approve or pay them."""

    required_roles = TRANCHE_READERS
    model = Tranche
    filterset_class = TrancheFilterSet
    template_name = "funding/tranche_list.html"
    columns = (
        Column("subdistrict", _("Subdistrict"), "subdistrict.name", ("subdistrict__name",)),
        Column(
            "community",
            _("Community"),
            "community.name",
            ("plan__community__name", "project__community__name"),
        ),
        Column(
            "subject",
            _("Project"),
            lambda tranche: str(tranche.subject),
            ("plan__title", "project__community__name"),
            width=30,
        ),
        Column("stage", _("Stage"), "get_stage_display", ("stage",), width=24),
        Column("amount", _("Amount"), "amount", ("amount",)),
        Column("state", _("State"), "get_state_display", ("state",), width=10),
        Column("fiscal_year", _("Fiscal year"), "fiscal_year", ("fiscal_year",), width=10),
        Column("due_on", _("Due on"), "due_on", ("due_on",), width=12),
        Column("voucher", _("Voucher number"), "voucher_number", ("voucher_number",)),
        Column("overdue", _("Overdue"), overdue_label, width=14),
    )
    default_sort = "due_on"
    export_filename = _("tranches")

    def get_queryset(self):
        # The policy is read for the task-force flag of tranches kept without a rule snapshot.
        return super().get_queryset().with_related().select_related("policy").order_by("pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finance = has_role(self.request.user, *TRANCHE_WRITERS)
        # The paginator has counted the filtered rows already; only the sum is left to ask.
        paginator = context.get("paginator")
        context["totals"] = {
            "count": paginator.count if paginator else self.object_list.count(),
            "amount": self.object_list.aggregate(amount=Sum("amount"))["amount"],
        }
        context["can_export"] = context["can_act"] = finance
        context["query"] = self.request.GET.urlencode()
        context["overdue_days"] = settings.TRANCHE_OVERDUE_DAYS
        return context


class TrancheDetailView(RoleRequiredMixin, RestrictedQuerysetMixin, DetailView):
    """One tranche with its explanation, history of events and the buttons of the steps the
    user may take now (``TRANCHE.available``), each as ``<step>_form``."""

    required_roles = TRANCHE_READERS
    model = Tranche
    template_name = "funding/tranche_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_related().select_related("policy")

    def get_context_data(self, **kwargs):
        tranche = self.object
        user = self.request.user
        forms = {f"{step.name}_form": None for step in TRANCHE if step.where == PAGE}
        for step in TRANCHE.available(user, tranche, where=PAGE):
            forms[f"{step.name}_form"] = TRANCHE.form_class(step.name)(
                initial=step_initial(step.name, tranche)
            )
        # A refused step comes back with its form as filled in.
        for name, form in kwargs.pop("bound_forms", {}).items():
            forms[f"{name}_form"] = form
        kwargs.update(
            forms,
            explanation=tranche_explanation(tranche),
            subject_url=subject_url(tranche),
            events=tranche.events.select_related("actor"),
            can_print=has_role(user, *TRANCHE_WRITERS),
        )
        return super().get_context_data(**kwargs)


def step_initial(step: str, tranche) -> dict:
    """What a step's form starts with: the amount finance entered before, if any."""
    if step == "amount":
        return {"amount": tranche.amount or None}
    return {}


class TranchePrintView(RoleRequiredMixin, RestrictedQuerysetMixin, DetailView):
    """The payment record of a tranche, printed on A4 from the browser and signed by finance."""

    required_roles = TRANCHE_WRITERS
    model = Tranche
    template_name = "funding/tranche_print.html"

    def get_queryset(self):
        return super().get_queryset().with_related().select_related("policy")

    def get_context_data(self, **kwargs):
        kwargs["printed_on"] = timezone.localdate()
        kwargs["signature_roles"] = SIGNATURE_ROLES[:-1]  # each signs with a date
        return super().get_context_data(**kwargs)


class TrancheStepView(ServiceActionView):
    """A finance button on the tranche page: the URL names the step of ``TRANCHE``, whose form
    parses the post and whose service takes it; a refusal shows the tranche page again with
    the reason and the form as filled in."""

    model = Tranche
    lifecycle = TRANCHE
    page_view = TrancheDetailView


class TrancheBulkView(RoleRequiredMixin, View):
    """Base of finance's actions on the tranches ticked on the list: each row goes through the
    same step and checks as the single action, and a page reports each row's result."""

    required_roles = TRANCHE_WRITERS
    http_method_names = ["post"]
    title = ""

    def chosen(self) -> list[Tranche]:
        keys = [key for key in self.request.POST.getlist("tranche") if key.isdigit()]
        tranches = Tranche.objects.restrict(self.request.user, CHANGE).with_related()
        return list(tranches.select_related("policy").filter(pk__in=keys).order_by("pk"))

    def results_page(self, results):
        done = sum(result.outcome == BulkOutcome.DONE for result in results)
        return render(
            self.request,
            "funding/tranche_bulk_result.html",
            {"title": self.title, "results": results, "done": done},
        )


class TrancheBulkApproveView(TrancheBulkView):
    """Approve the ticked tranches."""

    title = _("Approval of the chosen tranches")

    def post(self, request):
        results = services.tranches_approve(tranches=self.chosen(), actor=request.user)
        return self.results_page(results)


class TrancheBulkPayView(TrancheBulkView):
    """First the payment form of the ticked tranches (one date, a voucher number each), then
    the payment of each."""

    title = _("Payment of the chosen tranches")

    def post(self, request):
        tranches = self.chosen()
        if "paid_on" not in request.POST:
            return self.form_page(BulkPayForm(tranches=tranches))
        form = BulkPayForm(request.POST, tranches=tranches)
        if not form.is_valid():
            return self.form_page(form)
        results = services.tranches_mark_paid(
            tranches=tranches,
            actor=request.user,
            vouchers=form.vouchers(),
            paid_on=form.cleaned_data["paid_on"],
        )
        return self.results_page(results)

    def form_page(self, form):
        return render(self.request, "funding/tranche_bulk_pay.html", {"form": form})


class ExportCreateView(ServiceActionView):
    """Ask for the disbursement sheet of the list as filtered ("export what I see")."""

    required_roles = EXPORT_RULES[CHANGE].roles
    list_url_name = "funding:tranche_list"

    def get_filterset(self, query):
        return TrancheFilterSet(query, queryset=Tranche.objects.none())

    def request_export(self, **arguments):
        return services.disbursement_export_request(**arguments)

    def call(self, obj, data):
        query = QueryDict(self.request.POST.get("query", ""))
        filterset = self.get_filterset(query)
        if not filterset.is_valid():
            raise ValidationError(_("The filters are not valid."))
        return self.request_export(
            actor=self.request.user,
            filters={name: query[name] for name in filterset.filters if query.get(name)},
            filter_summary=filterset.summary(),
        )

    def get_success_url(self, obj, result):
        return result.get_absolute_url()

    def get_refusal_url(self, obj):
        return reverse(self.list_url_name)


class ExportAccessMixin:
    """An export is visible to whoever asked for it and to finance; to others it is a 404.
    Another kind of requested export names its own rows in ``visible_exports``."""

    def visible_exports(self):
        return DisbursementExport.objects.visible_to(self.request.user)

    def get_export(self):
        return get_object_or_404(self.visible_exports(), pk=self.kwargs["pk"])


class ExportListView(ListPageMixin, RoleRequiredMixin, FilterView):
    """The user's disbursement-sheet exports, sorted, searched and listed to Excel as filtered."""

    required_roles = EXPORT_RULES[VIEW].roles
    filterset_class = ExportFilterSet
    template_name = "funding/export_list.html"
    paginate_by = 25
    columns = (
        Column("created_at", _("Requested at"), "created_at", ("created_at",)),
        Column("filters", _("Filters"), "filter_summary", ("filter_summary",), width=40),
        Column("state", _("State"), "get_state_display", ("state",), width=10),
        Column("rows", _("Rows"), "rows_written", ("rows_written",), width=8),
    )
    default_sort = "-created_at"
    export_filename = _("disbursement sheets")

    def get_queryset(self):
        return DisbursementExport.objects.restrict(self.request.user).filter(
            requested_by=self.request.user
        )


class BudgetListView(ListPageMixin, RoleRequiredMixin, FilterView):
    """Budget envelopes with what is committed, paid and remaining; read-only (the task force
    and finance change them in the administration)."""

    required_roles = BUDGET_ENVELOPE_RULES[VIEW].roles
    filterset_class = BudgetEnvelopeFilterSet
    template_name = "funding/budget_list.html"
    columns = (
        Column("fiscal_year", _("Fiscal year"), "fiscal_year", ("fiscal_year",), width=10),
        Column("source", _("Funding source"), "get_source_display", ("source",)),
        Column("amount", _("Budget"), "amount", ("amount",)),
        Column("committed", _("Committed"), "committed", ("committed",)),
        Column("paid", _("Paid"), "paid", ("paid",)),
        Column("remaining", _("Remaining"), "remaining", ("remaining",)),
        Column("note", _("Note"), "note", ("note",), width=30),
    )
    default_sort = "-fiscal_year"
    export_filename = _("budget envelopes")

    def get_queryset(self):
        envelopes = BudgetEnvelope.objects.restrict(self.request.user)
        return envelopes.with_figures().order_by("-fiscal_year", "source")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A handful of envelopes a year: summed here, since the figures are subqueries.
        envelopes = list(self.object_list)
        context["totals"] = {
            name: sum((getattr(envelope, name) for envelope in envelopes), ZERO)
            for name in ("amount", "committed", "paid")
        }
        return context


class ExportDetailView(ExportAccessMixin, DetailView):
    """An export's progress, polled by the page, and its download link once done."""

    template_name = "funding/export_detail.html"
    context_object_name = "export"
    lifecycle = EXPORT

    def get_object(self, queryset=None):
        return self.get_export()

    def get_context_data(self, **kwargs):
        kwargs["can_retry"] = bool(self.lifecycle.decide(self.request.user, "retry", self.object))
        return super().get_context_data(**kwargs)


class ExportRetryView(ServiceActionView):
    """Ask again, with the same filters, for a sheet whose export failed; then the new export's
    page (a refusal: the failed one's page, with the reason)."""

    model = DisbursementExport
    lifecycle = EXPORT

    def get_success_url(self, obj, result):
        return result.get_absolute_url()


class ExportStatusView(ExportAccessMixin, View):
    """The export's progress as JSON for the polling page."""

    def get(self, request, pk):
        export = self.get_export()
        return JsonResponse(
            {
                "state": export.state,
                "state_label": str(export.get_state_display()),
                "percent": export.percent,
                "rows_written": export.rows_written,
                "total_rows": export.total_rows,
            }
        )


class ExportDownloadView(ExportAccessMixin, View):
    """Serve a finished export's file after checking who asks."""

    folder = EXPORT_FOLDER

    def get(self, request, pk):
        export = self.get_export()
        path = requested_path(export, self.folder) if export.file_name else None
        if path is None or not path.is_file():
            raise Http404
        return FileResponse(path.open("rb"), as_attachment=True, filename=export.file_name)
