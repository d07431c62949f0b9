"""Gap-filling plans and future-community projects; their state changes only through services."""

from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.access import ScopedQuerySet
from communities.choices import FacilityType
from communities.indexes import TrigramIndex
from funding.models import RequestedExport, done_has_file

from . import permissions
from .choices import (
    FundingMode,
    FutureCategory,
    FutureStage,
    FutureType,
    OperatingMode,
    OpinionDecision,
    PlanState,
    Scenario,
    ScenarioState,
)
from .funding_rule import BATCH_OR_PLAN_YEAR, FUNDING_MODEL_FOLLOWS_BATCH, check_funding_model

MONEY = {"max_digits": 14, "decimal_places": 2}
# A single community project above 100 million yuan is a typing slip, not a plan.
MAX_INVESTMENT = Decimal("100000000.00")


class GapFillingPlanQuerySet(ScopedQuerySet):
    """Plans, scoped by their subdistrict."""

    subdistrict_path = "subdistrict"
    rules = permissions.PLAN_RULES


# A community has one plan at a time: every plan but a withdrawn or a closed one holds it
# (projects.selectors.live_plan_of); once a plan is closed, the next round may begin.
LIVE_PLAN = ~Q(state__in=[PlanState.WITHDRAWN, PlanState.CLOSED])


def follow_community(row) -> None:
    """A row's subdistrict is its community's (the lists filter on the column; the database
    refuses any other value)."""
    if row.community_id is not None:
        row.subdistrict_id = row.community.subdistrict_id


class GapFillingPlan(models.Model):
    """A subdistrict's gap-filling construction plan (补短板建设方案) for one community."""

    subdistrict = models.ForeignKey(
        "communities.Subdistrict",
        verbose_name=_("subdistrict"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2023), MaxValueValidator(2030)]
    )
    title = models.CharField(_("title"), max_length=200)
    total_investment = models.DecimalField(
        _("total investment (yuan)"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_INVESTMENT)],
    )
    policy_fee = models.DecimalField(
        _("policy handling fee (yuan)"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_INVESTMENT)],
    )
    operating_mode = models.CharField(
        _("operating plan"), max_length=16, choices=OperatingMode, default=OperatingMode.SELF_RUN
    )
    operator_name = models.CharField(_("operator"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=24, choices=PlanState, default=PlanState.DRAFT, editable=False
    )
    review_round = models.PositiveSmallIntegerField(_("review round"), default=0, editable=False)
    approval_number = models.CharField(
        _("approval document number"), max_length=100, blank=True, editable=False
    )
    approval_date = models.DateField(_("approval date"), null=True, blank=True, editable=False)
    progress_percent = models.PositiveSmallIntegerField(
        _("construction progress (%)"),
        default=0,
        editable=False,
        validators=[MaxValueValidator(100)],
    )
    acceptance_date = models.DateField(_("acceptance date"), null=True, blank=True, editable=False)
    settled_investment = models.DecimalField(
        _("settled investment (yuan)"),
        **MONEY,
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_INVESTMENT)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GapFillingPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "subdistrict__code", "community__code"]
        verbose_name = _("gap-filling plan")
        verbose_name_plural = _("gap-filling plans")
        # The list's default order and filters; the text search's own columns (the community's
        # name is indexed on its own table).
        indexes = [
            models.Index(fields=["-year", "subdistrict", "community"], name="plan_year_place"),
            models.Index(fields=["state", "-year"], name="plan_state_year"),
            models.Index(fields=["subdistrict", "-year"], name="plan_subdistrict_year"),
            models.Index(fields=["community", "-year"], name="plan_community_year"),
            # The dashboard's communities started and completed, by year and by subdistrict,
            # counted from the index alone.
            models.Index(fields=["year", "community"], include=["state"], name="plan_year_starts"),
            models.Index(
                fields=["subdistrict", "community"], include=["state"], name="plan_place_starts"
            ),
            TrigramIndex(fields=("title", "approval_number"), name="plan_text_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0) & Q(policy_fee__gte=0),
                name="plan_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(policy_fee__lte=models.F("total_investment")),
                name="plan_fee_within_investment",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="plan_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(settled_investment__isnull=True) | Q(settled_investment__gte=0),
                name="plan_settled_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(review_round__gte=0), name="plan_review_round_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2023, year__lte=2030), name="plan_year_2023_2030"
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=LIVE_PLAN,
                name="plan_one_live_per_community",
                violation_error_code="one_live_plan",
                violation_error_message=_(
                    "This community already has a plan under way; revise that plan or withdraw "
                    "it before drafting another."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        follow_community(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:plan_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        follow_community(self)
        super().clean_fields(exclude=exclude)


class PlanLineItem(models.Model):
    """One facility a plan builds: its type, floor area and investment."""

    plan = models.ForeignKey(
        GapFillingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="line_items"
    )
    facility_type = models.CharField(_("facility type"), max_length=32, choices=FacilityType)
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("50000"))],
    )
    investment = models.DecimalField(
        _("investment (yuan)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_INVESTMENT)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("line item")
        verbose_name_plural = _("line items")
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area__gt=0) & Q(investment__gt=0),
                name="line_item_positive",
            )
        ]

    def __str__(self):
        return f"{self.get_facility_type_display()} {self.floor_area} m²"


class FutureCommunityProjectQuerySet(ScopedQuerySet):
    """Future-community projects, scoped by their community's subdistrict."""

    subdistrict_path = "community__subdistrict"
    rules = permissions.FUTURE_PROJECT_RULES


class FutureCommunityProject(models.Model):
    """A future-community creation project (未来社区创建) and the stage it has reached."""

    community = models.OneToOneField(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="future_project",
    )
    category = models.CharField(_("category"), max_length=16, choices=FutureCategory)
    project_type = models.CharField(_("type"), max_length=16, choices=FutureType)
    provincial_batch = models.PositiveSmallIntegerField(
        _("provincial batch"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    plan_year = models.PositiveSmallIntegerField(
        _("city plan year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2023), MaxValueValidator(2030)],
    )
    funding_mode = models.CharField(_("funding mode"), max_length=16, choices=FundingMode)
    creation_investment = models.DecimalField(
        _("creation investment (yuan)"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(MAX_INVESTMENT)],
    )
    stage = models.CharField(
        _("stage"),
        max_length=32,
        choices=FutureStage,
        default=FutureStage.PLANNING,
        editable=False,
    )
    approval_date = models.DateField(
        _("project approval date"), null=True, blank=True, editable=False
    )
    named_date = models.DateField(
        _("provincial naming date"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FutureCommunityProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["community__subdistrict__code", "community__code"]
        verbose_name = _("future-community project")
        verbose_name_plural = _("future-community projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(creation_investment__gte=0), name="future_investment_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(provincial_batch__isnull=True) | Q(plan_year__isnull=True),
                name="future_batch_or_plan_year",
            ),
            models.CheckConstraint(
                condition=Q(provincial_batch__isnull=True)
                | Q(provincial_batch__gte=1, provincial_batch__lte=7),
                name="future_batch_1_7",
            ),
            models.CheckConstraint(condition=BATCH_OR_PLAN_YEAR, name="future_has_batch_or_year"),
            models.CheckConstraint(
                condition=FUNDING_MODEL_FOLLOWS_BATCH, name="future_funding_follows_batch"
            ),
        ]

    def __str__(self):
        return str(self.community)

    def get_absolute_url(self):
        return reverse("projects:future_detail", args=[self.pk])

    def clean(self):
        super().clean()
        check_funding_model(
            category=self.category,
            batch=self.provincial_batch,
            plan_year=self.plan_year,
            funding_mode=self.funding_mode,
        )


class FutureScenario(models.Model):
    """One of the nine scenarios a future-community project builds: what is planned and how
    far it has come."""

    project = models.ForeignKey(
        FutureCommunityProject,
        verbose_name=_("future-community project"),
        on_delete=models.CASCADE,
        related_name="scenarios",
    )
    scenario = models.CharField(_("scenario"), max_length=24, choices=Scenario)
    planned_content = models.TextField(_("planned content"), max_length=1000)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ScenarioState,
        default=ScenarioState.PLANNED,
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "scenario"], name="scenario_one_per_project"
            ),
            models.CheckConstraint(
                condition=Q(scenario__in=Scenario.values), name="scenario_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ScenarioState.values), name="scenario_state_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_scenario_display()} · {self.get_state_display()}"


class StatusChange(models.Model):
    """One audited transition of a plan or a project: from, to, who, when and why."""

    plan = models.ForeignKey(
        GapFillingPlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    project = models.ForeignKey(
        FutureCommunityProject,
        verbose_name=_("future-community project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    comment = models.TextField(_("comment"), blank=True)
    # A comment the system wrote: its code and parameters (projects.history), put into words
    # in the reader's language; ``comment`` holds what a user typed.
    comment_code = models.CharField(_("comment code"), max_length=32, blank=True)
    comment_params = models.JSONField(_("comment parameters"), default=dict, blank=True)
    # The day the change happened, as the user reported it (a stage reached on a past day is
    # recorded later); ``at`` is when it was recorded.
    on_date = models.DateField(_("date"), null=True, blank=True)
    # The month of ``at`` in the portal's time zone, kept by the database from ``at`` itself:
    # the dashboard's trend counts the moves of each month from an index of it, instead of
    # converting every change's time.
    month = models.GeneratedField(
        expression=TruncMonth("at", output_field=models.DateField()),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("month"),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # The dashboard's trend: the plans that reached a state, month by month.
            models.Index(
                fields=["to_state", "month", "plan"],
                condition=Q(plan__isnull=False),
                name="status_change_plan_month",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, project__isnull=True)
                | Q(plan__isnull=True, project__isnull=False),
                name="status_change_one_subject",
            )
        ]

    def __str__(self):
        return f"{self.from_label} → {self.to_label}"

    def _label(self, value: str) -> str:
        choices = PlanState if self.plan_id else FutureStage
        return str(choices(value).label) if value in choices.values else value

    @property
    @admin.display(description=_("comment"))
    def comment_text(self) -> str:
        """The comment in the reader's language when the system wrote it, else as typed."""
        from .history import render_comment

        if self.comment_code:
            return render_comment(self.comment_code, self.comment_params) or self.comment
        return self.comment

    @property
    @admin.display(description=_("from"))
    def from_label(self) -> str:
        """The state left, in words."""
        return self._label(self.from_state)

    @property
    @admin.display(description=_("to"))
    def to_label(self) -> str:
        """The state reached, in words."""
        return self._label(self.to_state)


class ReviewOpinion(models.Model):
    """One required department's opinion on a plan in one joint-review round."""

    plan = models.ForeignKey(
        GapFillingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="opinions"
    )
    review_round = models.PositiveSmallIntegerField(_("review round"))
    department = models.ForeignKey(
        "communities.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    decision = models.CharField(_("decision"), max_length=24, choices=OpinionDecision)
    comments = models.TextField(_("comments"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        ordering = ["plan", "-review_round", "department__code"]
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "review_round", "department"],
                name="opinion_one_per_department_and_round",
            ),
            # Opinions are given in a review round, and the first round is round 1.
            models.CheckConstraint(condition=Q(review_round__gte=1), name="opinion_round_positive"),
        ]

    def __str__(self):
        return f"{self.department} · {self.get_decision_display()}"


def private_storage():
    """Attachments live outside every public URL; only the attachment view serves them."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


class PlanAttachment(models.Model):
    """A document attached to a plan, stored privately and served only to those who may see it."""

    plan = models.ForeignKey(
        GapFillingPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="plans/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class ProgressReport(models.Model):
    """A construction progress update of an approved plan."""

    plan = models.ForeignKey(
        GapFillingPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "date", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_at_most_100")
        ]

    def __str__(self):
        return f"{self.date} {self.percent}%"


class SpaceAllocation(models.Model):
    """A landing space given to a plan; a space serves at most one active plan at a time."""

    plan = models.ForeignKey(
        GapFillingPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="space_allocations",
    )
    space = models.ForeignKey(
        "communities.SpaceResource",
        verbose_name=_("space"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    is_active = models.BooleanField(_("active"), default=True)
    allocated_at = models.DateTimeField(_("allocated at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "space__name"]
        verbose_name = _("space allocation")
        verbose_name_plural = _("space allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(is_active=True),
                name="space_one_active_plan",
            )
        ]

    def __str__(self):
        return str(self.space)


class DevelopmentBlockQuerySet(ScopedQuerySet):
    """Development blocks, scoped by their subdistrict."""

    subdistrict_path = "subdistrict"
    rules = permissions.BLOCK_RULES


class DevelopmentBlock(models.Model):
    """A new development block whose facilities are built as integrated units (集成落地)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    subdistrict = models.ForeignKey(
        "communities.Subdistrict",
        verbose_name=_("subdistrict"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development_blocks",
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development_blocks",
        help_text=_("The community rebuilt this way, if any (e.g. 群丰)."),
    )
    area_mu = models.DecimalField(
        _("land area (mu)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100000"))],
    )
    planned_population = models.PositiveIntegerField(
        _("planned population"), validators=[MaxValueValidator(1_000_000)]
    )
    is_pilot = models.BooleanField(_("pilot block"), default=False)
    note = models.TextField(_("note"), blank=True)

    objects = DevelopmentBlockQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("development block")
        verbose_name_plural = _("development blocks")
        constraints = [
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="block_area_positive"),
            # A block in a community lies in that community's subdistrict (save() sets it; the
            # database also checks the pair against the community).
            models.CheckConstraint(
                condition=Q(community__isnull=True) | Q(subdistrict__isnull=False),
                name="block_community_has_subdistrict",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        follow_community(self)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        follow_community(self)
        super().clean_fields(exclude=exclude)


class BlockUnit(models.Model):
    """One planned integrated facility building of a development block and the types it houses."""

    block = models.ForeignKey(
        DevelopmentBlock, verbose_name=_("block"), on_delete=models.CASCADE, related_name="units"
    )
    number = models.PositiveSmallIntegerField(_("unit number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name or location"), max_length=100, blank=True)
    facility_types = models.JSONField(_("facility types"), default=list, blank=True)

    class Meta:
        ordering = ["block", "number"]
        verbose_name = _("planned unit")
        verbose_name_plural = _("planned units")
        constraints = [
            models.UniqueConstraint(fields=["block", "number"], name="block_unit_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="block_unit_number_positive"),
        ]

    def __str__(self):
        return _("Unit %(number)s") % {"number": self.number}

    def clean(self):
        super().clean()
        unknown = set(self.facility_types or []) - set(FacilityType.values)
        if unknown:
            raise ValidationError(
                {
                    "facility_types": _("Unknown facility types: %(types)s.")
                    % {"types": ", ".join(sorted(unknown))}
                }
            )

    @property
    def facility_type_labels(self) -> list[str]:
        """The housed facility types, in words."""
        return [label for value, label in FacilityType.choices if value in self.facility_types]


def _document_path(record, filename: str) -> str:
    return f"future/{record.document_folder}/{timezone.now():%Y/%m}/{filename}"


class DocumentedRecord(models.Model):
    """A record of a project's step that cites its document by number, by an uploaded file
    (kept privately), or both, and says who recorded it and when."""

    document_folder = ""

    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document = models.FileField(
        _("document"), storage=private_storage, upload_to=_document_path, blank=True
    )
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True


def _one_evidence(name: str) -> models.CheckConstraint:
    """A record cites its document by number, or by an uploaded file, or both."""
    return models.CheckConstraint(condition=~Q(document_number="") | ~Q(document=""), name=name)


class DigitalPlanReview(DocumentedRecord):
    """The 融媒体中心's review opinion on the digital part of a project's implementation plan
    (policy §七(一), §七(二)); the latest one decides whether the plan review may be recorded."""

    document_folder = "reviews"

    project = models.ForeignKey(
        FutureCommunityProject,
        verbose_name=_("future-community project"),
        on_delete=models.CASCADE,
        related_name="digital_reviews",
    )
    verdict = models.CharField(_("opinion"), max_length=24, choices=OpinionDecision)
    comments = models.TextField(_("comments"), blank=True)
    reviewed_on = models.DateField(_("date of the opinion"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-recorded_at", "-pk"]
        verbose_name = _("digital-plan review")
        verbose_name_plural = _("digital-plan reviews")
        constraints = [_one_evidence("digital_review_evidence")]

    def __str__(self):
        return f"{self.project} · {self.get_verdict_display()}"

    @property
    def agrees(self) -> bool:
        """Agree, or agree with conditions: the plan review may go ahead."""
        return self.verdict != OpinionDecision.DISAGREE


class JointAcceptance(DocumentedRecord):
    """The joint acceptance (联合验收) of a completed project: led by 市住建局 with 慈溪城投集团
    and the departments concerned (policy §七(一)), on a day, with its document."""

    document_folder = "acceptance"

    project = models.OneToOneField(
        FutureCommunityProject,
        verbose_name=_("future-community project"),
        on_delete=models.CASCADE,
        related_name="joint_acceptance",
    )
    accepted_on = models.DateField(_("acceptance date"))
    lead_unit = models.ForeignKey(
        "communities.Department",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants = models.ManyToManyField(
        "communities.Department",
        verbose_name=_("participating units"),
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("joint acceptance")
        verbose_name_plural = _("joint acceptances")
        constraints = [_one_evidence("joint_acceptance_evidence")]

    def __str__(self):
        return f"{self.project} · {self.accepted_on}"


class PlanTableExportQuerySet(ScopedQuerySet):
    """Three-year plan tables written in the background: a private register, each row its
    requester's."""

    subdistrict_path = None
    owner_field = "requested_by"
    rules = permissions.PLAN_TABLE_RULES


class PlanTableExport(RequestedExport):
    """A requested three-year creation plan table: its filters, progress and private file."""

    objects = PlanTableExportQuerySet.as_manager()

    class Meta(RequestedExport.Meta):
        verbose_name = _("three-year plan table export")
        verbose_name_plural = _("three-year plan table exports")
        constraints = [done_has_file("plan_table_done_has_file")]

    def get_absolute_url(self):
        return reverse("projects:plan_table_detail", args=[self.pk])
