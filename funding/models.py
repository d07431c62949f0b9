"""Subsidy policies, tranches with their audit trail, budget envelopes and sheet exports."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.access import ScopedQuerySet

from .calculator import PolicyRule, Tier, TrancheShare, calculate
from .choices import (
    ENTERED_STAGES,
    PAYABLE_STATES,
    RELEASED_STATES,
    BudgetSource,
    EventNote,
    ExportState,
    PolicyCase,
    PolicyMode,
    PolicyRoute,
    TrancheStage,
    TrancheState,
    route_of,
)
from .money import HUNDRED, ZERO, format_yuan_unit
from .permissions import BUDGET_ENVELOPE_RULES, EXPORT_RULES, POLICY_RULES, TRANCHE_RULES

MONEY = {"max_digits": 14, "decimal_places": 2}
MONEY_OUTPUT = DecimalField(**MONEY)
# The fiscal years a tranche and an envelope may carry (the validators say the same to forms):
# tranches of the provincial batches' original model go back to the first batch (2019).
TRANCHE_YEARS = (2019, 2035)
ENVELOPE_YEARS = (2023, 2035)
PAYABLE_OR_PAID = (TrancheState.DUE, TrancheState.APPROVED, TrancheState.PAID)


def _year_between(name: str, years: tuple[int, int]) -> models.CheckConstraint:
    first, last = years
    return models.CheckConstraint(
        condition=Q(fiscal_year__gte=first, fiscal_year__lte=last), name=name
    )


class SubsidyPolicyQuerySet(ScopedQuerySet):
    """Policies: a city-wide register."""

    subdistrict_path = None
    rules = POLICY_RULES


class SubsidyPolicy(models.Model):
    """One subsidy rule of DESIGN §3 with its tiers, tranche schedule and effective dates."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    route = models.CharField(_("route"), max_length=16, choices=PolicyRoute)
    case = models.CharField(_("case"), max_length=32, choices=PolicyCase)
    mode = models.CharField(_("mode"), max_length=16, choices=PolicyMode)
    tiers = models.JSONField(
        _("tiers"),
        default=list,
        blank=True,
        help_text=_(
            'Bands in ascending order, e.g. [{"upper": "4000000.00", "rate": "95"}, '
            '{"upper": null, "rate": "50"}]; upper bounds are inclusive, null means no limit.'
        ),
    )
    schedule = models.JSONField(
        _("tranche schedule"),
        default=list,
        blank=True,
        help_text=_('Tranches in order, e.g. [{"stage": "future_approval", "percent": "30"}, …].'),
    )
    fixed_amount = models.DecimalField(_("fixed amount (yuan)"), **MONEY, null=True, blank=True)
    deducts_policy_fee = models.BooleanField(
        _("base is the investment less the policy handling fee"), default=False
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source in the policy"), max_length=200, blank=True)

    objects = SubsidyPolicyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["route", "case", "-effective_from"]
        verbose_name = _("subsidy policy")
        verbose_name_plural = _("subsidy policies")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="policy_code_version_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="policy_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def clean(self):
        errors = {}
        try:
            tiers = parse_tiers(self.tiers)
        except (TypeError, ValueError, KeyError, ArithmeticError):
            errors["tiers"] = _("Each tier needs an upper bound (or null) and a rate.")
            tiers = ()
        try:
            schedule = parse_schedule(self.schedule)
        except (TypeError, ValueError, KeyError, ArithmeticError):
            errors["schedule"] = _("Each tranche needs a stage and a percentage.")
            schedule = ()
        if self.mode in (PolicyMode.BAND, PolicyMode.MARGINAL):
            if not tiers:
                errors.setdefault("tiers", _("Band and marginal modes need at least one tier."))
            uppers = [tier.upper for tier in tiers]
            if None in uppers[:-1] or any(
                a >= b for a, b in zip(uppers, uppers[1:], strict=False) if b is not None
            ):
                errors.setdefault(
                    "tiers", _("Upper bounds must ascend; only the last may be open.")
                )
            if any(not ZERO <= tier.rate <= HUNDRED for tier in tiers):
                errors.setdefault("tiers", _("Rates must lie between 0 and 100 %."))
        if self.mode == PolicyMode.FIXED and not self.fixed_amount:
            errors["fixed_amount"] = _("A fixed-amount policy needs its amount.")
        if schedule:
            if sum((share.percent for share in schedule), ZERO) != HUNDRED:
                errors.setdefault("schedule", _("The tranche percentages must add up to 100 %."))
            stages = [share.stage for share in schedule]
            if len(set(stages)) != len(stages) or not set(stages) <= set(TrancheStage.values):
                errors.setdefault("schedule", _("Each tranche needs a distinct, known stage."))
        elif self.mode != PolicyMode.NONE:
            errors.setdefault("schedule", _("A policy that pays needs a tranche schedule."))
        if errors:
            raise ValidationError(errors)

    def as_rule(self) -> PolicyRule:
        """The plain description the calculator works on."""
        return PolicyRule(
            code=self.code,
            version=self.version,
            case=self.case,
            mode=self.mode,
            tiers=parse_tiers(self.tiers),
            schedule=parse_schedule(self.schedule),
            fixed_amount=self.fixed_amount,
            deducts_policy_fee=self.deducts_policy_fee,
        )


def parse_tiers(raw) -> tuple[Tier, ...]:
    """Tiers from their JSON form; raises on malformed entries."""
    return tuple(
        Tier(
            upper=None if item["upper"] in (None, "") else Decimal(str(item["upper"])),
            rate=Decimal(str(item["rate"])),
        )
        for item in raw or ()
    )


def parse_schedule(raw) -> tuple[TrancheShare, ...]:
    """A tranche schedule from its JSON form; raises on malformed entries."""
    return tuple(
        TrancheShare(stage=str(item["stage"]), percent=Decimal(str(item["percent"])))
        for item in raw or ()
    )


def overdue_cutoff() -> date:
    """A payable tranche due before this day is overdue."""
    return timezone.localdate() - timedelta(days=settings.TRANCHE_OVERDUE_DAYS)


class TrancheQuerySet(ScopedQuerySet):
    """Tranches, scoped by their payee subdistrict."""

    subdistrict_path = "subdistrict"
    rules = TRANCHE_RULES

    def holding_budget(self):
        """Tranches that still hold budget (not cancelled or returned)."""
        return self.exclude(state__in=RELEASED_STATES)

    def overdue(self):
        """Due or approved tranches unpaid longer than settings.TRANCHE_OVERDUE_DAYS."""
        return self.filter(state__in=PAYABLE_STATES, due_on__lt=overdue_cutoff())

    def with_related(self):
        """Everything a list row or sheet row shows, in one query."""
        return self.select_related(
            "subdistrict", "plan", "plan__community", "project", "project__community"
        )


class Tranche(models.Model):
    """One disbursement (拨付) of a subsidy to a subdistrict, with the inputs it came from."""

    plan = models.ForeignKey(
        "projects.GapFillingPlan",
        verbose_name=_("gap-filling plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tranches",
    )
    project = models.ForeignKey(
        "projects.FutureCommunityProject",
        verbose_name=_("future-community project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tranches",
    )
    # Copied from the plan's or the project's community when the tranche is made, and then a
    # fact of the disbursement: unlike a plan, whose subdistrict the database ties to its
    # community's and moves along with it, money paid to a subdistrict stays recorded as paid
    # to that subdistrict when its community later moves to another.
    subdistrict = models.ForeignKey(
        "communities.Subdistrict",
        verbose_name=_("payee subdistrict"),
        on_delete=models.PROTECT,
        related_name="tranches",
    )
    stage = models.CharField(_("stage"), max_length=32, choices=TrancheStage)
    amount = models.DecimalField(
        _("amount (yuan)"), **MONEY, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=TrancheState,
        default=TrancheState.SCHEDULED,
        editable=False,
        db_index=True,
    )
    source = models.CharField(
        _("budget source"), max_length=16, choices=BudgetSource, default=BudgetSource.CITY
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=[MinValueValidator(TRANCHE_YEARS[0]), MaxValueValidator(TRANCHE_YEARS[1])],
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # The year and month of ``paid_on`` as one number (202405), kept by the database: the
    # dashboard sums the money paid month by month from an index of it.
    paid_month = models.GeneratedField(
        expression=ExtractYear("paid_on") * 100 + ExtractMonth("paid_on"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        verbose_name=_("month paid"),
    )
    voucher_number = models.CharField(_("voucher number"), max_length=64, blank=True)
    policy = models.ForeignKey(
        SubsidyPolicy,
        verbose_name=_("policy"),
        on_delete=models.PROTECT,
        related_name="tranches",
    )
    policy_version = models.CharField(_("policy version"), max_length=60)
    policy_snapshot = models.JSONField(_("policy as applied"), default=dict, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    base = models.DecimalField(_("subsidy base (yuan)"), **MONEY, null=True, blank=True)
    rate = models.DecimalField(
        _("subsidy rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    subsidy_total = models.DecimalField(_("subsidy total (yuan)"), **MONEY, default=ZERO)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TrancheQuerySet.as_manager()
    # The month paid follows from the day paid, which the history keeps.
    history = HistoricalRecords(excluded_fields=["paid_month"])

    class Meta:
        ordering = ["pk"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "stage"],
                condition=Q(plan__isnull=False),
                name="tranche_one_per_plan_stage",
            ),
            models.UniqueConstraint(
                fields=["project", "stage"],
                condition=Q(project__isnull=False),
                name="tranche_one_per_project_stage",
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=False, project__isnull=True)
                | Q(plan__isnull=True, project__isnull=False),
                name="tranche_one_subject",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tranche_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(state=TrancheState.PAID) | ~Q(voucher_number=""),
                name="tranche_paid_has_voucher",
            ),
            models.CheckConstraint(
                condition=~Q(state=TrancheState.PAID) | Q(paid_on__isnull=False),
                name="tranche_paid_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=PAYABLE_OR_PAID) | Q(due_on__isnull=False),
                name="tranche_payable_has_due_date",
            ),
            models.CheckConstraint(
                condition=Q(subsidy_total__gte=0), name="tranche_total_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(base__isnull=True) | Q(base__gte=0), name="tranche_base_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=0, rate__lte=100),
                name="tranche_rate_0_100",
            ),
            _year_between("tranche_fiscal_year_in_range", TRANCHE_YEARS),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "source"]),
            # The tranche list's default order (due date, empty last, then id) and its filters.
            models.Index(fields=["due_on", "id"], name="tranche_list_order"),
            models.Index(fields=["state", "due_on"], name="tranche_state_due"),
            models.Index(fields=["subdistrict", "state"], name="tranche_subdistrict_state"),
            # What a plan or a project has been paid to date (the disbursement sheet's column),
            # summed over its paid tranches alone rather than over every paid tranche.
            models.Index(
                fields=["plan", "amount"],
                condition=Q(state=TrancheState.PAID),
                name="tranche_paid_by_plan",
            ),
            models.Index(
                fields=["project", "amount"],
                condition=Q(state=TrancheState.PAID),
                name="tranche_paid_by_project",
            ),
            # The dashboard's money figures, summed from the index alone: by source, fiscal
            # year and stage, and the money paid month by month.
            models.Index(
                fields=["source", "fiscal_year", "stage", "state"],
                include=["amount"],
                name="tranche_money_sums",
            ),
            models.Index(
                fields=["paid_month"],
                include=["amount"],
                condition=Q(state=TrancheState.PAID),
                name="tranche_paid_month",
            ),
        ]

    def __str__(self):
        return f"{self.subject} · {self.get_stage_display()}"

    def get_absolute_url(self):
        return reverse("funding:tranche_detail", args=[self.pk])

    @property
    def subject(self):
        """The plan or project this tranche pays for."""
        return self.plan if self.plan_id else self.project

    @property
    def community(self):
        return self.subject.community

    @property
    def record_number(self) -> str:
        """The number of the printed payment record (拨付记录), e.g. BF-2024-000012."""
        return f"BF-{self.fiscal_year}-{self.pk:06d}"

    @property
    def is_overdue(self) -> bool:
        """Due or approved and still unpaid longer than settings.TRANCHE_OVERDUE_DAYS."""
        return (
            self.state in PAYABLE_STATES
            and self.due_on is not None
            and self.due_on < overdue_cutoff()
        )

    @property
    def days_overdue(self) -> int:
        """Days since the tranche fell due (for the overdue badge)."""
        return (timezone.localdate() - self.due_on).days if self.due_on else 0

    @property
    def awaiting_amount(self) -> bool:
        """An original-model or pass-through tranche whose amount finance has not entered yet."""
        return (
            self.stage in ENTERED_STAGES
            and self.state == TrancheState.SCHEDULED
            and not self.amount
        )

    @property
    def needs_taskforce_decision(self) -> bool:
        """The base was above the policy's top band and capped: the task force must decide."""
        if self.base is None or not self.inputs:
            return False
        try:
            inputs = {key: Decimal(value) for key, value in self.inputs.items()}
            inputs.pop("entered", None)
            return calculate(self.applied_rule(), **inputs).needs_taskforce_decision
        except (ValueError, TypeError, KeyError, ArithmeticError):
            return False

    @property
    def route(self) -> str:
        return route_of(self.plan_id)

    @property
    def policy_name(self) -> str:
        """The policy as applied, named in the reader's language (never its code)."""
        return self.applied_rule().display_name

    def applied_rule(self) -> PolicyRule:
        """The rule as it stood when this tranche was computed, even if the row changed since."""
        if self.policy_snapshot:
            return PolicyRule.from_snapshot(self.policy_snapshot)
        return self.policy.as_rule()


class TrancheEvent(models.Model):
    """One audited change of a tranche: from, to, who, when and why."""

    tranche = models.ForeignKey(
        Tranche, verbose_name=_("tranche"), on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("tranche event")
        verbose_name_plural = _("tranche events")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="tranche_event_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.from_label} → {self.to_label}"

    @property
    def from_label(self) -> str:
        return str(TrancheState(self.from_state).label) if self.from_state else "—"

    @property
    def to_label(self) -> str:
        return str(TrancheState(self.to_state).label)

    @property
    def comment_text(self) -> str:
        """The comment in the reader's language when the system wrote it, else as typed; a
        payment's comment is the voucher number finance typed."""
        if self.comment == EventNote.AMOUNT_ENTERED:
            return _("Amount entered: %(amount)s.") % {"amount": format_yuan_unit(self.amount)}
        if self.to_state == TrancheState.PAID and self.from_state == TrancheState.APPROVED:
            return _("voucher %(number)s") % {"number": self.comment}
        for vocabulary in (EventNote, TrancheStage):
            if self.comment in vocabulary.values:
                return str(vocabulary(self.comment).label)
        return self.comment


class BudgetEnvelopeQuerySet(ScopedQuerySet):
    """Envelopes (a city-wide register) with committed, paid and remaining computed in the same
    query."""

    subdistrict_path = None
    rules = BUDGET_ENVELOPE_RULES

    def with_figures(self):
        """Annotate committed (tranches holding budget), paid and remaining."""
        committed = _tranche_sum(Tranche.objects.holding_budget())
        paid = _tranche_sum(Tranche.objects.filter(state=TrancheState.PAID))
        return self.annotate(committed=committed, paid=paid).annotate(
            remaining=models.F("amount") - models.F("committed")
        )


def _tranche_sum(tranches):
    """The sum of the envelope's tranches (same fiscal year and source) as a subquery."""
    total = (
        tranches.filter(fiscal_year=OuterRef("fiscal_year"), source=OuterRef("source"))
        .order_by()
        .values("fiscal_year")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(total, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT
    )


class BudgetEnvelope(models.Model):
    """The money available for one fiscal year from one source."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=[MinValueValidator(ENVELOPE_YEARS[0]), MaxValueValidator(ENVELOPE_YEARS[1])],
    )
    source = models.CharField(_("funding source"), max_length=16, choices=BudgetSource)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(ZERO)])
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = BudgetEnvelopeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-fiscal_year", "source"]
        verbose_name = _("budget envelope")
        verbose_name_plural = _("budget envelopes")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "source"], name="envelope_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="envelope_not_negative"),
            _year_between("envelope_fiscal_year_in_range", ENVELOPE_YEARS),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.get_source_display()}"


class DisbursementExportQuerySet(ScopedQuerySet):
    """Disbursement-sheet exports: a city-wide register."""

    subdistrict_path = None
    rules = EXPORT_RULES

    def visible_to(self, user):
        """The exports ``restrict`` lets the user see, and those the user asked for."""
        own = self.filter(requested_by_id=getattr(user, "pk", None))
        return self.restrict(user) | own


class RequestedExport(models.Model):
    """A sheet one user asked for, written by a background job: its filters, progress, private
    file and, when it failed, the error."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    filter_summary = models.CharField(_("filters"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ExportState, default=ExportState.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_state_display()}"

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_written * 100 // self.total_rows)


def done_has_file(name: str) -> models.CheckConstraint:
    """A finished export has its file."""
    return models.CheckConstraint(
        condition=~Q(state=ExportState.DONE) | ~Q(file_name=""), name=name
    )


class DisbursementExport(RequestedExport):
    """A requested disbursement sheet: its filters, progress and private file."""

    objects = DisbursementExportQuerySet.as_manager()

    class Meta(RequestedExport.Meta):
        verbose_name = _("disbursement sheet export")
        verbose_name_plural = _("disbursement sheet exports")
        constraints = [done_has_file("export_done_has_file")]

    def get_absolute_url(self):
        return reverse("funding:export_detail", args=[self.pk])
