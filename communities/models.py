"""Organisations, users, communities, facilities, standards and landing spaces."""

import re
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import permissions
from .access import ScopedQuerySet
from .choices import (
    SUPERVISING_DEPARTMENT,
    DepartmentCode,
    EmailState,
    FacilityStatus,
    FacilityType,
    GapStatus,
    OutboxState,
    Route,
    SpaceAvailability,
    SpaceKind,
    StandardKind,
    SubdistrictKind,
)
from .gap import Assessed, reason, shortfall_words
from .indexes import TrigramIndex
from .texts import render

# Upper bounds that catch typing slips (an extra zero) before they reach a plan or a report.
MAX_FLOOR_AREA = Decimal("50000")
MAX_WALKING_MINUTES = 120
MAX_POPULATION = 200_000
MAX_COMMUNITY_HECTARES = Decimal("10000")
MAX_PLACES = 5000
FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 2015, 2035


class SubdistrictQuerySet(ScopedQuerySet):
    """Subdistricts themselves, scoped like their rows: staff see and choose only their own."""

    subdistrict_path = "pk"
    rules = permissions.SUBDISTRICT_RULES


class Subdistrict(models.Model):
    """A town (镇) or subdistrict (街道): the implementing body and payee of subsidies."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=SubdistrictKind, default=SubdistrictKind.SUBDISTRICT
    )

    objects = SubdistrictQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")

    def __str__(self):
        return self.name


class Department(models.Model):
    """A city department or body; some give opinions in the joint review of plans."""

    code = models.SlugField(_("code"), max_length=32, unique=True, choices=DepartmentCode)
    name = models.CharField(_("name"), max_length=50)
    is_joint_reviewer = models.BooleanField(
        _("required in joint review"),
        default=False,
        help_text=_("Plans need this department's agreement before they can be approved."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.get_code_display()


_HAN_NAME = re.compile(r"[\u3400-\u9fff]")


class User(AbstractUser):
    """A portal user; each belongs to one organisation unit, a subdistrict or a department."""

    subdistrict = models.ForeignKey(
        Subdistrict,
        verbose_name=_("subdistrict"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(subdistrict__isnull=True) | Q(department__isnull=True),
                name="user_one_organisation_unit",
            ),
        ]

    def __str__(self):
        # People are named by their names wherever the portal shows who did something; the
        # username is only for those who have not given one.
        return self.get_full_name() or self.username

    def get_full_name(self):
        """The person's name as written: a Chinese name family name first, without a space;
        a Latin one given name first."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if _HAN_NAME.search(first + last):
            return f"{last}{first}"
        return " ".join(part for part in (first, last) if part)

    @property
    def organisation(self):
        """The subdistrict or department this user works for."""
        return self.subdistrict or self.department

    def clean(self):
        super().clean()
        if self.subdistrict_id and self.department_id:
            raise ValidationError(
                _("A user belongs to one organisation unit: a subdistrict or a department.")
            )
        if not self.is_superuser and not (self.subdistrict_id or self.department_id):
            raise ValidationError(_("Choose the subdistrict or department this user works for."))

    def validate_constraints(self, exclude=None):
        # clean() says in words what the organisation-unit constraint refuses; it is the
        # database's guard against writes that skip it.
        super().validate_constraints(exclude={*(exclude or ()), "subdistrict", "department"})


class CommunityQuerySet(ScopedQuerySet):
    """Communities, scoped by their subdistrict."""

    subdistrict_path = "subdistrict"
    rules = permissions.COMMUNITY_RULES

    def with_facility_count(self):
        """Add ``facility_count`` (existing facilities) as a subquery of each row, so a page of
        25 rows counts the facilities of those 25 only: PostgreSQL evaluates a select-list
        subquery after the sort and the limit unless the rows are sorted by it."""
        existing = (
            Facility.objects.filter(community=models.OuterRef("pk"), status=FacilityStatus.EXISTING)
            .order_by()
            .values("community")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            facility_count=Coalesce(
                models.Subquery(existing, output_field=models.IntegerField()), 0
            )
        )


class Community(models.Model):
    """An urban community (社区) of the central area and the route it is improved by."""

    subdistrict = models.ForeignKey(
        Subdistrict,
        verbose_name=_("subdistrict"),
        on_delete=models.PROTECT,
        related_name="communities",
    )
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    population = models.PositiveIntegerField(
        _("resident population"), default=0, validators=[MaxValueValidator(MAX_POPULATION)]
    )
    households = models.PositiveIntegerField(
        _("households"), default=0, validators=[MaxValueValidator(MAX_POPULATION)]
    )
    area_hectares = models.DecimalField(
        _("area (ha)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(MAX_COMMUNITY_HECTARES),
        ],
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    route = models.CharField(_("route"), max_length=16, choices=Route)
    plan_year = models.PositiveSmallIntegerField(
        _("plan year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(LAST_PLAN_YEAR)],
    )
    provincial_batch = models.PositiveSmallIntegerField(
        _("provincial batch"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text=_("Future communities already in the provincial batches 1–7."),
    )
    assessment_score = models.DecimalField(
        _("facility assessment score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    is_demo = models.BooleanField(_("illustrative demo record"), default=False, editable=False)

    objects = CommunityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["subdistrict__code", "code"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        indexes = [TrigramIndex(fields=("name", "code"), name="community_search")]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "name"], name="community_unique_name_in_subdistrict"
            ),
            models.CheckConstraint(
                condition=Q(assessment_score__isnull=True)
                | Q(assessment_score__gte=0, assessment_score__lte=100),
                name="community_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(provincial_batch__isnull=True)
                | Q(provincial_batch__gte=1, provincial_batch__lte=7),
                name="community_batch_1_7",
            ),
            models.CheckConstraint(
                condition=Q(population__gte=0, population__lte=MAX_POPULATION)
                & Q(households__gte=0, households__lte=MAX_POPULATION),
                name="community_population_sane",
            ),
            models.CheckConstraint(
                condition=Q(area_hectares__isnull=True)
                | Q(area_hectares__gt=0, area_hectares__lte=MAX_COMMUNITY_HECTARES),
                name="community_area_positive",
            ),
            models.CheckConstraint(
                condition=Q(plan_year__isnull=True)
                | Q(plan_year__gte=FIRST_PLAN_YEAR, plan_year__lte=LAST_PLAN_YEAR),
                name="community_plan_year_sane",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def schedule_label(self) -> str:
        """The batch or year the community is scheduled for, as shown in lists."""
        if self.provincial_batch:
            return _("Provincial batch %(batch)s") % {"batch": self.provincial_batch}
        if self.plan_year:
            return str(self.plan_year)
        return ""


class FacilityQuerySet(ScopedQuerySet):
    """Facilities, scoped by their community's subdistrict."""

    subdistrict_path = "community__subdistrict"
    rules = permissions.FACILITY_RULES


class Facility(models.Model):
    """An existing or planned public-service facility of a community."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="facilities",
    )
    facility_type = models.CharField(_("facility type"), max_length=32, choices=FacilityType)
    name = models.CharField(_("name"), max_length=100)
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_FLOOR_AREA)],
    )
    places = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PLACES)],
        help_text=_("Beds or childcare places, where the type has them."),
    )
    walking_minutes = models.PositiveSmallIntegerField(
        _("walking minutes from the centre"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_WALKING_MINUTES)],
    )
    status = models.CharField(
        _("status"), max_length=24, choices=FacilityStatus, default=FacilityStatus.EXISTING
    )
    operator_name = models.CharField(_("operator"), max_length=100, blank=True)

    objects = FacilityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["community", "facility_type", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area__gt=0) & Q(floor_area__lte=MAX_FLOOR_AREA),
                name="facility_floor_area_positive",
            ),
            models.CheckConstraint(
                condition=Q(walking_minutes__isnull=True)
                | Q(walking_minutes__lte=MAX_WALKING_MINUTES),
                name="facility_walking_minutes_sane",
            ),
            models.CheckConstraint(
                condition=Q(places__isnull=True) | Q(places__gte=0, places__lte=MAX_PLACES),
                name="facility_places_sane",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def supervising_department(self) -> str:
        """The department code that supervises this facility's type."""
        return SUPERVISING_DEPARTMENT[self.facility_type]


class FacilityStandard(models.Model):
    """The configured minimum for one facility type, from a year on, with its source."""

    facility_type = models.CharField(_("facility type"), max_length=32, choices=FacilityType)
    effective_from_year = models.PositiveSmallIntegerField(_("effective from year"), default=2023)
    kind = models.CharField(_("kind of minimum"), max_length=32, choices=StandardKind)
    minimum = models.DecimalField(
        _("minimum"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    radius_minutes = models.PositiveSmallIntegerField(
        _("service radius (walking minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["facility_type", "effective_from_year"]
        verbose_name = _("facility standard")
        verbose_name_plural = _("facility standards")
        constraints = [
            models.UniqueConstraint(
                fields=["facility_type", "effective_from_year"],
                name="facility_standard_unique_per_year",
            ),
            models.CheckConstraint(
                condition=Q(kind=StandardKind.MUST_EXIST) | Q(minimum__isnull=False),
                name="facility_standard_minimum_given",
            ),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True) | Q(minimum__gte=0),
                name="facility_standard_minimum_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(radius_minutes__gte=1, radius_minutes__lte=60),
                name="facility_standard_radius_1_60",
            ),
        ]

    def __str__(self):
        return f"{self.get_facility_type_display()} ({self.effective_from_year})"

    def clean(self):
        super().clean()
        if self.kind != StandardKind.MUST_EXIST and self.minimum is None:
            raise ValidationError({"minimum": _("This kind of standard needs a minimum.")})


class SpaceResourceQuerySet(ScopedQuerySet):
    """Landing spaces, scoped by their community's subdistrict."""

    subdistrict_path = "community__subdistrict"
    rules = permissions.SPACE_RULES


class SpaceResource(models.Model):
    """Premises (落地空间) that can host a facility of a gap-filling plan."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="spaces",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SpaceKind)
    name = models.CharField(_("name or address"), max_length=100)
    area = models.DecimalField(
        _("area (m²)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_FLOOR_AREA)],
    )
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=16,
        choices=SpaceAvailability,
        default=SpaceAvailability.AVAILABLE,
    )

    objects = SpaceResourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["community", "kind", "name"]
        verbose_name = _("space resource")
        verbose_name_plural = _("space resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__gt=0) & Q(area__lte=MAX_FLOOR_AREA),
                name="space_area_positive",
            ),
        ]

    def __str__(self):
        return self.name


# Outbox, inbox and heartbeats -----------------------------------------------------------

# Items the worker still owes: written but not finished.
UNDELIVERED_STATES = (OutboxState.PENDING, OutboxState.SENT, OutboxState.RUNNING)


class OutboxItem(models.Model):
    """Something that must follow a committed change (an e-mail, a report, an export): written
    in the change's transaction, handed to Celery after commit, re-sent by the sweeper."""

    job = models.CharField(_("job"), max_length=200, help_text=_("Dotted path of the job."))
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    label = models.CharField(_("what"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=OutboxState, default=OutboxState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    available_at = models.DateTimeField(_("next try"), db_index=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox items")
        indexes = [models.Index(fields=["state", "available_at"], name="outbox_state_due")]

    def __str__(self):
        return self.label or self.job

    @property
    def is_undelivered(self) -> bool:
        return self.state in UNDELIVERED_STATES


class Notification(models.Model):
    """One message to one user: an entry in the portal inbox and, where the user has an address,
    an e-mail sent by the outbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # The text in the portal's language, as the e-mail sends it; the message and its parameters
    # (communities.texts), from which the inbox shows it in the reader's language.
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    subject_text = models.JSONField(null=True, blank=True, editable=False)
    body_text = models.JSONField(null=True, blank=True, editable=False)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=16, choices=EmailState, default=EmailState.PENDING
    )
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return self.shown_subject

    @property
    def shown_subject(self) -> str:
        """The subject in the reader's language (as stored, for entries written before)."""
        return render(self.subject_text, self.subject)

    @property
    def shown_body(self) -> str:
        return render(self.body_text, self.body)


class Heartbeat(models.Model):
    """When a background process last showed it was alive (the worker, the beat scheduler)."""

    name = models.CharField(_("process"), max_length=32, primary_key=True)
    beat_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


# Stored gap assessment ------------------------------------------------------------------


class GapAssessmentQuerySet(ScopedQuerySet):
    """Stored assessments, scoped by their community's subdistrict."""

    subdistrict_path = "community__subdistrict"
    rules = permissions.GAP_ASSESSMENT_RULES


class GapAssessment(models.Model):
    """The gap assessment of one facility type in one community against the standards of a
    year: written by ``services.gap_assessments_refresh`` whenever a facility, the community's
    population or households, or a standard changes; read by every page instead of recomputing."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="gap_assessments",
    )
    facility_type = models.CharField(_("facility type"), max_length=32, choices=FacilityType)
    year = models.PositiveSmallIntegerField(_("standards of year"))
    status = models.CharField(_("status"), max_length=16, choices=GapStatus, db_index=True)
    have = models.DecimalField(_("has"), max_digits=12, decimal_places=2, null=True, blank=True)
    need = models.DecimalField(_("needs"), max_digits=12, decimal_places=2, null=True, blank=True)
    shortfall = models.DecimalField(
        _("shortfall"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=8, blank=True)
    radius_minutes = models.PositiveSmallIntegerField(_("service radius"), null=True, blank=True)
    points = models.PositiveSmallIntegerField(_("points"))
    weight = models.PositiveSmallIntegerField(_("weight"))
    computed_at = models.DateTimeField(_("computed at"))

    objects = GapAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["community", "facility_type"]
        verbose_name = _("gap assessment")
        verbose_name_plural = _("gap assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "facility_type"], name="gap_assessment_one_per_type"
            ),
            models.CheckConstraint(condition=Q(points__lte=100), name="gap_points_at_most_100"),
            models.CheckConstraint(
                condition=(Q(have__isnull=True) | Q(have__gte=0))
                & (Q(need__isnull=True) | Q(need__gte=0))
                & (Q(shortfall__isnull=True) | Q(shortfall__gt=0)),
                name="gap_figures_non_negative",
            ),
        ]
        # The coverage figure counts the assessments by type and status from the index alone.
        indexes = [models.Index(fields=["facility_type", "status"], name="gap_type_status")]

    def __str__(self):
        return f"{self.community_id} {self.get_facility_type_display()}"

    @property
    def assessed(self):
        """The numbers as the assessment function returned them."""
        return Assessed(
            self.status,
            have=self.have,
            need=self.need,
            unit=self.unit,
            radius_minutes=self.radius_minutes,
        )

    @property
    def reason_text(self) -> str:
        """Why the type has its status, in the reader's language."""
        return reason(self.assessed)

    @property
    def shortfall_text(self) -> str:
        """The shortfall in words, in the reader's language."""
        return shortfall_words(self.assessed, self.community)


class GapStanding(models.Model):
    """What a community's stored gap assessment makes of it for the priority order: its
    "一老一小" gaps, its existing facilities and its gap score. Written with the assessment rows
    by ``services.gap_assessments_refresh``, so the ranking sorts in the database."""

    community = models.OneToOneField(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="gap_standing",
    )
    priority_gaps = models.PositiveSmallIntegerField(_("“one old, one young” gaps"))
    facility_count = models.PositiveIntegerField(_("existing facilities"))
    gap_score = models.DecimalField(
        _("gap score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("gap standing")
        verbose_name_plural = _("gap standings")

    def __str__(self):
        return str(self.community_id)
