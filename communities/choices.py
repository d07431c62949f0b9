"""Fixed vocabularies of the communities app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubdistrictKind(models.TextChoices):
    """Whether an implementing body is a town (镇) or a subdistrict (街道)."""

    TOWN = "town", pgettext_lazy("subdistrict kind", "Town")
    SUBDISTRICT = "subdistrict", pgettext_lazy("subdistrict kind", "Subdistrict")


class Route(models.TextChoices):
    """The three improvement routes of the action plan (§四(一))."""

    INTEGRATED = "integrated", _("Integrated land use")
    FUTURE = "future", _("Future community creation")
    GAP = "gap", _("Gap filling")


class DepartmentCode(models.TextChoices):
    """Stable codes of the city departments and bodies named in the policy."""

    DEVELOPMENT = "development", _("Development and Reform Bureau")
    EDUCATION = "education", _("Education Bureau")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil Affairs Bureau")
    FINANCE = "finance", _("Finance Bureau")
    NATURAL_RESOURCES = "natural_resources", _("Natural Resources and Planning Bureau")
    HOUSING = "housing", _("Housing and Urban-Rural Development Bureau")
    CULTURE = "culture", _("Culture, Radio, TV, Tourism and Sports Bureau")
    HEALTH = "health", _("Health Bureau")
    MEDIA_CENTRE = "media_centre", _("Converged Media Centre")
    STATE_ASSETS = "state_assets", _("State-owned Assets Management Centre")
    URBAN_INVESTMENT = "urban_investment", _("Cixi Urban Investment Group")
    TOWNSCAPE_OFFICE = "townscape_office", _("Townscape Office")
    TASKFORCE = "taskforce", _("Gap-filling Task Force Office")


# The departments whose opinions a gap-filling plan's joint review needs (§七(三)); the
# Department.is_joint_reviewer flag makes the list configurable after installation.
JOINT_REVIEW_DEPARTMENTS = (
    DepartmentCode.DEVELOPMENT,
    DepartmentCode.CIVIL_AFFAIRS,
    DepartmentCode.FINANCE,
    DepartmentCode.HOUSING,
    DepartmentCode.CULTURE,
    DepartmentCode.HEALTH,
)


class FacilityType(models.TextChoices):
    """The seven facility types of the action plan (§二)."""

    ELDERLY_CARE = "elderly_care", _("Elderly care")
    CHILDCARE = "childcare", _("Childcare")
    NEIGHBOURHOOD_CENTRE = "neighbourhood_centre", _("Neighbourhood centre")
    PARTY_SERVICE = "party_service", _("Party and masses service centre")
    HEALTH = "health", _("Health service")
    SPORTS = "sports", _("Sports")
    CULTURE = "culture", _("Culture")


# Which department supervises each facility type. The policy names 民政 for elderly care,
# 卫健 for childcare and health, 文广旅体 for sports and culture; it is silent on the
# neighbourhood centre (住建 leads community building) and the party-and-masses centre (民政
# runs community affairs).
SUPERVISING_DEPARTMENT = {
    FacilityType.ELDERLY_CARE: DepartmentCode.CIVIL_AFFAIRS,
    FacilityType.CHILDCARE: DepartmentCode.HEALTH,
    FacilityType.NEIGHBOURHOOD_CENTRE: DepartmentCode.HOUSING,
    FacilityType.PARTY_SERVICE: DepartmentCode.CIVIL_AFFAIRS,
    FacilityType.HEALTH: DepartmentCode.HEALTH,
    FacilityType.SPORTS: DepartmentCode.CULTURE,
    FacilityType.CULTURE: DepartmentCode.CULTURE,
}

# "一老一小": elderly care and childcare are the priority types and weigh double.
PRIORITY_FACILITY_TYPES = (FacilityType.ELDERLY_CARE, FacilityType.CHILDCARE)


class FacilityStatus(models.TextChoices):
    """Whether a facility exists or is still to come."""

    EXISTING = "existing", _("Existing")
    PLANNED = "planned", _("Planned")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")


class StandardKind(models.TextChoices):
    """How a facility standard measures the minimum."""

    AREA_PER_100_HOUSEHOLDS = "area_per_100_households", _("Floor area (m²) per 100 households")
    PLACES_PER_1000_RESIDENTS = "places_per_1000_residents", _("Places per 1,000 residents")
    MUST_EXIST = "must_exist", _("Must exist within the service radius")


class SpaceKind(models.TextChoices):
    """The kinds of premises the policy lists as landing space (§六)."""

    MANAGEMENT = "management", _("Community management premises")
    COMMERCIAL = "commercial", _("Commercial premises")
    PROPERTY = "property", _("Property management premises")
    IDLE_NEARBY = "idle_nearby", _("Idle space nearby")
    GOVERNMENT = "government", _("Government public premises")
    STATE_IDLE = "state_idle", _("Idle state-owned premises")


class SpaceAvailability(models.TextChoices):
    """Whether a space can be given to a plan."""

    AVAILABLE = "available", _("Available")
    IN_USE = "in_use", _("In use")
    UNAVAILABLE = "unavailable", _("Unavailable")


class GapStatus(models.TextChoices):
    """Outcome of the gap assessment for one community and facility type."""

    MEETS = "meets", _("Meets the standard")
    BELOW = "below", _("Below the standard")
    MISSING = "missing", _("Missing")
    OUT_OF_RADIUS = "out_of_radius", _("Out of the service radius")


class OutboxState(models.TextChoices):
    """Where one outbox item stands: written with the change, handed to the broker, run."""

    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent to the worker")
    RUNNING = "running", pgettext_lazy("outbox state", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class EmailState(models.TextChoices):
    """Whether a notification's e-mail went out."""

    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NONE = "none", _("No e-mail address")


# The vocabularies of future-community projects that the subsidies also need: they live in the
# base app so that funding reads them without importing the projects app.


class FutureCategory(models.TextChoices):
    """旧改类 or 新建类 future community."""

    RENOVATION = "renovation", _("Renovation")
    NEW_BUILD = "new_build", _("New build")


class FutureType(models.TextChoices):
    """普惠型 or 引领型 future community."""

    INCLUSIVE = "inclusive", _("Inclusive")
    LEADING = "leading", _("Leading")


class FundingMode(models.TextChoices):
    """How a future community's creation is funded (policy §五(一))."""

    ORIGINAL = "original", _("Original model (provincial batches 1–7)")
    OPTIMISED = "optimised", _("Optimised model (tiered city subsidy)")
    SELF_FUNDED = "self_funded", _("Funded by the implementing body")


class FutureStage(models.TextChoices):
    """Stages of a future-community project, in order (policy §七(一))."""

    PLANNING = "planning", _("Planning")
    PLAN_REVIEWED = "plan_reviewed", _("Implementation plan reviewed")
    APPROVED = "approved", _("Project approved")
    CONSTRUCTION_COMPLETE = "construction_complete", _("Construction complete")
    JOINT_ACCEPTANCE_PASSED = "joint_acceptance_passed", _("Joint acceptance passed")
    ASSESSMENT_PASSED = "assessment_passed", _("Assessment passed")
    NAMED = "named", _("Provincially named")


class AssessmentState(models.TextChoices):
    """Life cycle of an operations assessment."""

    DRAFT = "draft", pgettext_lazy("assessment state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("assessment state", "Submitted")
    CONFIRMED = "confirmed", pgettext_lazy("assessment state", "Confirmed")


class Grade(models.TextChoices):
    """Grades of an operations assessment, from the scheme's bands."""

    EXCELLENT = "excellent", pgettext_lazy("assessment grade", "Excellent")
    GOOD = "good", pgettext_lazy("assessment grade", "Good")
    PASS = "pass", pgettext_lazy("assessment grade", "Pass")
    FAIL = "fail", pgettext_lazy("assessment grade", "Fail")


# A pass or better passes the assessment; the operations reward needs one.
PASSING_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS)
