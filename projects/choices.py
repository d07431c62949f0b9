"""Fixed vocabularies of plans and projects."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The future-community vocabularies money also needs live in the base app.
from communities.choices import FundingMode, FutureCategory, FutureStage, FutureType  # noqa: F401


class PlanState(models.TextChoices):
    """Life cycle of a gap-filling plan (DESIGN §2, policy §七(三))."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_JOINT_REVIEW = "in_joint_review", _("In joint review")
    APPROVABLE = "approvable", _("Approvable")
    APPROVED = "approved", _("Approved")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned for revision")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OperatingMode(models.TextChoices):
    """Who will run the facilities a plan builds."""

    SELF_RUN = "self_run", _("Self-run")
    THIRD_PARTY = "third_party", _("Third-party operator")


FUTURE_STAGE_ORDER = list(FutureStage.values)


class OpinionDecision(models.TextChoices):
    """A department's opinion in the joint review (会审)."""

    AGREE = "agree", _("Agree")
    AGREE_WITH_CONDITIONS = "agree_with_conditions", _("Agree with conditions")
    DISAGREE = "disagree", _("Disagree")


AGREEING_DECISIONS = (OpinionDecision.AGREE, OpinionDecision.AGREE_WITH_CONDITIONS)


class Scenario(models.TextChoices):
    """The nine scenarios of a future community (三化九场景, policy §四(一)2)."""

    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
    ARCHITECTURE = "architecture", _("Architecture")
    TRANSPORT = "transport", _("Transport")
    LOW_CARBON = "low_carbon", _("Low-carbon")
    SERVICES = "services", _("Services")
    GOVERNANCE = "governance", _("Governance")


class ScenarioState(models.TextChoices):
    """Where one scenario of a project stands: planned, built (the subdistrict reports it),
    accepted (with the project's joint acceptance)."""

    PLANNED = "planned", pgettext_lazy("scenario state", "Planned")
    BUILT = "built", pgettext_lazy("scenario state", "Built")
    ACCEPTED = "accepted", pgettext_lazy("scenario state", "Accepted")


SCENARIO_ORDER = {value: index for index, value in enumerate(Scenario.values)}


def scenario_order(row) -> int:
    """Sort key of a project's scenario rows: the policy's order of the nine."""
    return SCENARIO_ORDER.get(row.scenario, 99)


def scenario_label(value: str) -> str:
    """A scenario's name (the value itself if it is none of the nine), read from the choices
    directly: a list page names hundreds of scenarios."""
    return str(Scenario(value).label) if value in SCENARIO_ORDER else value


# The 融媒体中心's opinion on a future-community project's digital plan (§七(一), §七(二)) takes
# the same three answers as a department's opinion in the joint review.
DigitalVerdict = OpinionDecision
