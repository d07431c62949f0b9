"""Operators, operating contracts, operations assessments, satisfaction and supervision reports."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communities.access import ScopedQuerySet
from communities.choices import FacilityType

from . import permissions
from .choices import (
    ACTIVE_REPORT_STATES,
    PASSING_GRADES,
    AssessmentState,
    ContractState,
    Grade,
    OperationKind,
    ReportState,
    SatisfactionSource,
    ServiceLevel,
)
from .validators import validate_credit_code, validate_month, validate_period

MONEY = {"max_digits": 14, "decimal_places": 2}
SCORE = {"max_digits": 5, "decimal_places": 2}
SCORE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
# The five score fields of an assessment and the matching weight fields of its scheme.
KIND_FIELDS = {
    OperationKind.SPACE: "space",
    OperationKind.ACTIVITY: "activity",
    OperationKind.GROUPS: "groups",
    OperationKind.LIFE_SERVICES: "life_services",
    OperationKind.DIGITAL: "digital",
}


def _score_field(kind: OperationKind):
    return models.DecimalField(
        kind.label, **SCORE, default=Decimal("0"), validators=SCORE_VALIDATORS
    )


class OperatorQuerySet(ScopedQuerySet):
    """Operators form one city-wide register that every signed-in user may read."""

    subdistrict_path = None
    rules = permissions.OPERATOR_RULES


class Operator(models.Model):
    """A third-party organisation that runs facilities (运营主体)."""

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, per GB 32100-2015, including its check character."),
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    facility_types = models.JSONField(_("facility types it runs"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OperatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("operator")
        verbose_name_plural = _("operators")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("operations:operator_detail", args=[self.pk])

    def clean(self):
        super().clean()
        self.credit_code = (self.credit_code or "").strip().upper()
        unknown = set(self.facility_types or []) - set(FacilityType.values)
        if unknown:
            raise ValidationError(
                {"facility_types": _("Unknown facility types: %s") % ", ".join(sorted(unknown))}
            )

    @property
    def facility_type_labels(self) -> list[str]:
        """The facility types it runs, as labels."""
        return [str(FacilityType(value).label) for value in self.facility_types]


class OperatingContractQuerySet(ScopedQuerySet):
    """Contracts, scoped by the subdistrict that signed them."""

    subdistrict_path = "subdistrict"
    rules = permissions.CONTRACT_RULES


class OperatingContract(models.Model):
    """A subdistrict's contract with an operator to run some facilities for a term and a fee."""

    subdistrict = models.ForeignKey(
        "communities.Subdistrict",
        verbose_name=_("subdistrict"),
        on_delete=models.PROTECT,
        related_name="operating_contracts",
    )
    operator = models.ForeignKey(
        Operator, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="contracts"
    )
    facilities = models.ManyToManyField(
        "communities.Facility", verbose_name=_("facilities"), related_name="operating_contracts"
    )
    title = models.CharField(pgettext_lazy("operating contract", "title"), max_length=200)
    service_level = models.CharField(
        _("service level"), max_length=16, choices=ServiceLevel, default=ServiceLevel.COMMUNITY
    )
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    annual_fee = models.DecimalField(
        _("annual fee (yuan)"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ContractState,
        default=ContractState.ACTIVE,
        editable=False,
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OperatingContractQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[facilities])

    class Meta:
        ordering = ["subdistrict__code", "-starts_on", "pk"]
        verbose_name = _("operating contract")
        verbose_name_plural = _("operating contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contract_term_ordered"
            ),
            models.CheckConstraint(
                condition=Q(annual_fee__gte=0), name="contract_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ContractState.values), name="contract_state_valid"
            ),
            # Only a terminated contract has the day it was ended.
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(state=ContractState.TERMINATED),
                name="contract_terminated_on_when_terminated",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("operations:contract_detail", args=[self.pk])

    @property
    def standing(self) -> str:
        """The state as a reader means it: an active contract whose term has passed expired."""
        if self.state == ContractState.ACTIVE and self.ends_on < timezone.localdate():
            return str(_("Expired"))
        return self.get_state_display()

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term cannot end before it starts.")})


class AssessmentScheme(models.Model):
    """The weights of the five operation kinds and the grade bands (DESIGN §4 defaults)."""

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)
    weight_space = models.PositiveSmallIntegerField(OperationKind.SPACE.label, default=20)
    weight_activity = models.PositiveSmallIntegerField(OperationKind.ACTIVITY.label, default=20)
    weight_groups = models.PositiveSmallIntegerField(OperationKind.GROUPS.label, default=20)
    weight_life_services = models.PositiveSmallIntegerField(
        OperationKind.LIFE_SERVICES.label, default=20
    )
    weight_digital = models.PositiveSmallIntegerField(OperationKind.DIGITAL.label, default=20)
    excellent_from = models.DecimalField(
        _("excellent from"), **SCORE, default=Decimal("90"), validators=SCORE_VALIDATORS
    )
    good_from = models.DecimalField(
        _("good from"), **SCORE, default=Decimal("80"), validators=SCORE_VALIDATORS
    )
    pass_from = models.DecimalField(
        _("pass from"), **SCORE, default=Decimal("60"), validators=SCORE_VALIDATORS
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "pk"]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    weight_space=100
                    - F("weight_activity")
                    - F("weight_groups")
                    - F("weight_life_services")
                    - F("weight_digital")
                ),
                name="scheme_weights_sum_100",
            ),
            models.CheckConstraint(
                condition=Q(excellent_from__gt=F("good_from"))
                & Q(good_from__gt=F("pass_from"))
                & Q(pass_from__gte=0)
                & Q(excellent_from__lte=100),
                name="scheme_bands_descending",
            ),
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="scheme_one_active"
            ),
        ]

    def __str__(self):
        return self.name

    def weights(self) -> dict[str, int]:
        """Weight of each operation kind, by kind value."""
        return {kind.value: getattr(self, f"weight_{field}") for kind, field in KIND_FIELDS.items()}

    def snapshot(self) -> dict:
        """The weights and band edges as plain data, kept on each assessment graded with them."""
        return {
            "weights": self.weights(),
            "excellent_from": str(self.excellent_from),
            "good_from": str(self.good_from),
            "pass_from": str(self.pass_from),
        }

    def clean(self):
        super().clean()
        total = sum(self.weights().values())
        if total != 100:
            raise ValidationError(
                _("The five weights must add up to 100; they add up to %(total)s.")
                % {"total": total}
            )
        if not (self.excellent_from > self.good_from > self.pass_from >= 0):
            raise ValidationError(
                _("Grade bands must descend: excellent above good above pass, pass at least 0.")
            )


class OperationsAssessmentQuerySet(ScopedQuerySet):
    """Assessments, scoped by the subdistrict of the assessed community or contract."""

    subdistrict_path = "subdistrict"
    rules = permissions.ASSESSMENT_RULES


class OperationsAssessment(models.Model):
    """An operations assessment (运营考核) of a future community or a contract for a period."""

    project = models.ForeignKey(
        "projects.FutureCommunityProject",
        verbose_name=_("future-community project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operations_assessments",
    )
    contract = models.ForeignKey(
        OperatingContract,
        verbose_name=_("operating contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    subdistrict = models.ForeignKey(
        "communities.Subdistrict",
        verbose_name=_("subdistrict"),
        on_delete=models.PROTECT,
        related_name="operations_assessments",
        editable=False,
    )
    period = models.CharField(
        _("period"), max_length=7, validators=[validate_period], help_text=_("e.g. 2025 or 2025-H1")
    )
    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="assessments",
        editable=False,
    )
    score_space = _score_field(OperationKind.SPACE)
    score_activity = _score_field(OperationKind.ACTIVITY)
    score_groups = _score_field(OperationKind.GROUPS)
    score_life_services = _score_field(OperationKind.LIFE_SERVICES)
    score_digital = _score_field(OperationKind.DIGITAL)
    grading = models.JSONField(
        _("weights and bands applied"),
        default=dict,
        editable=False,
        help_text=_("The scheme as it stood when the total was computed."),
    )
    total = models.DecimalField(_("total score"), **SCORE, default=Decimal("0"), editable=False)
    grade = models.CharField(
        _("grade"), max_length=16, choices=Grade, default=Grade.FAIL, editable=False
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=AssessmentState,
        default=AssessmentState.DRAFT,
        editable=False,
    )
    comments = models.TextField(_("comments"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OperationsAssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "subdistrict__code", "pk"]
        verbose_name = _("operations assessment")
        verbose_name_plural = _("operations assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, contract__isnull=True)
                | Q(project__isnull=True, contract__isnull=False),
                name="assessment_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(score_space__gte=0, score_space__lte=100)
                & Q(score_activity__gte=0, score_activity__lte=100)
                & Q(score_groups__gte=0, score_groups__lte=100)
                & Q(score_life_services__gte=0, score_life_services__lte=100)
                & Q(score_digital__gte=0, score_digital__lte=100),
                name="assessment_scores_0_100",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100), name="assessment_total_0_100"
            ),
            models.CheckConstraint(
                condition=Q(state__in=AssessmentState.values), name="assessment_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(grade__in=Grade.values), name="assessment_grade_valid"
            ),
            # A confirmed assessment records who confirmed it and when.
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.CONFIRMED)
                | Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="assessment_confirmation_recorded",
            ),
            models.UniqueConstraint(
                fields=["project", "period"],
                condition=Q(project__isnull=False),
                name="assessment_unique_project_period",
            ),
            models.UniqueConstraint(
                fields=["contract", "period"],
                condition=Q(contract__isnull=False),
                name="assessment_unique_contract_period",
            ),
        ]

    def __str__(self):
        return f"{self.subject} · {self.period}"

    def get_absolute_url(self):
        return reverse("operations:assessment_detail", args=[self.pk])

    @property
    def subject(self):
        """The assessed future-community project or operating contract."""
        return self.project or self.contract

    @property
    def is_passed(self) -> bool:
        """True when the grade is a pass or better."""
        return self.grade in PASSING_GRADES

    def scores(self) -> dict[str, Decimal]:
        """Score of each operation kind, by kind value."""
        return {kind.value: getattr(self, f"score_{field}") for kind, field in KIND_FIELDS.items()}


class SatisfactionScoreQuerySet(ScopedQuerySet):
    """Satisfaction scores, scoped by the community's subdistrict."""

    subdistrict_path = "community__subdistrict"
    rules = permissions.SATISFACTION_RULES


class SatisfactionScore(models.Model):
    """Residents' satisfaction (群众满意度, 0–100) with a community's services in a period."""

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="satisfaction_scores",
    )
    period = models.CharField(
        _("period"), max_length=7, validators=[validate_period], help_text=_("e.g. 2025 or 2025-H1")
    )
    score = models.DecimalField(_("satisfaction score"), **SCORE, validators=SCORE_VALIDATORS)
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=SatisfactionSource,
        default=SatisfactionSource.ENTERED,
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = SatisfactionScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "community__subdistrict__code", "community__code"]
        verbose_name = _("satisfaction score")
        verbose_name_plural = _("satisfaction scores")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "period"], name="satisfaction_unique_community_period"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="satisfaction_score_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.community} · {self.period}: {self.score}"


class SupervisionRules(models.Model):
    """The limits a supervision report applies: quotas, overdue days (of plans and of the
    departments' opinions), satisfaction thresholds."""

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)
    start_quotas = models.JSONField(
        _("gap-filling starts per year"),
        default=dict,
        help_text=_('Communities to start per year, e.g. {"2023": 10, "2024": 8, "2025": 8}.'),
    )
    approved_not_started_days = models.PositiveSmallIntegerField(
        _("days from approval to start"), default=60
    )
    joint_review_days = models.PositiveSmallIntegerField(_("days in joint review"), default=30)
    opinion_days = models.PositiveSmallIntegerField(
        _("days for a department's opinion"),
        default=15,
        help_text=_(
            "A department's joint-review opinion is overdue this many days after the review "
            "round opened."
        ),
    )
    low_satisfaction_below = models.DecimalField(
        _("low satisfaction below"), **SCORE, default=Decimal("80"), validators=SCORE_VALIDATORS
    )
    praise_satisfaction_from = models.DecimalField(
        _("praiseworthy satisfaction from"),
        **SCORE,
        default=Decimal("90"),
        validators=SCORE_VALIDATORS,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "pk"]
        verbose_name = _("supervision rules")
        verbose_name_plural = _("supervision rules")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="rules_one_active"
            ),
            models.CheckConstraint(
                condition=Q(low_satisfaction_below__gte=0, low_satisfaction_below__lte=100)
                & Q(praise_satisfaction_from__gte=0, praise_satisfaction_from__lte=100),
                name="rules_satisfaction_0_100",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        quotas = self.start_quotas
        if not isinstance(quotas, dict) or not all(
            str(year).isdigit() and isinstance(count, int) and count >= 0
            for year, count in quotas.items()
        ):
            raise ValidationError(
                {"start_quotas": _('Give whole numbers by year, e.g. {"2023": 10}.')}
            )


class SupervisionReportQuerySet(ScopedQuerySet):
    """Supervision reports; city-wide, read by supervisors and the task force."""

    subdistrict_path = None
    rules = permissions.REPORT_RULES

    def active(self):
        """Reports queued or being built."""
        return self.filter(state__in=ACTIVE_REPORT_STATES)


class SupervisionReport(models.Model):
    """One supervision report (督导报表) for a month: its build state, figures and Excel file."""

    period = models.CharField(_("month"), max_length=7, validators=[validate_month])
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState, default=ReportState.QUEUED, editable=False
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)], editable=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the monthly schedule asked for it."),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)

    objects = SupervisionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("supervision report")
        verbose_name_plural = _("supervision reports")
        constraints = [
            # Two requests for one month never build at the same time.
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(state__in=ACTIVE_REPORT_STATES),
                name="report_one_active_per_period",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="report_progress_0_100"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.period} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("operations:report_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        """True while the report is queued or being built."""
        return self.state in ACTIVE_REPORT_STATES

    @property
    def file_path(self):
        """Where the Excel file lives, under the private media root."""
        return settings.PRIVATE_MEDIA_ROOT / "supervision" / self.file_name
