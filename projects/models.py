"""Gap-filling plans and future-community projects; their state changes only through services."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.choices import FacilityType
from communities.scoping import ScopedQuerySet

from .choices import (
    FundingMode,
    FutureCategory,
    FutureStage,
    FutureType,
    OperatingMode,
    PlanState,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
# A single community project above 100 million yuan is a typing slip, not a plan.
MAX_INVESTMENT = Decimal("100000000.00")


class GapFillingPlanQuerySet(ScopedQuerySet):
    """Plans, scoped by their subdistrict."""

    subdistrict_path = "subdistrict"


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
        ]

    def __str__(self):
        return self.title


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
        _("approval (立项) date"), null=True, blank=True, editable=False
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
        ]

    def __str__(self):
        return str(self.community)


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

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, project__isnull=True)
                | Q(plan__isnull=True, project__isnull=False),
                name="status_change_one_subject",
            )
        ]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"
