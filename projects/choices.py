"""Fixed vocabularies of plans and projects."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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


# The 融媒体中心's opinion on a future-community project's digital plan (§七(一), §七(二)) takes
# the same three answers as a department's opinion in the joint review.
DigitalVerdict = OpinionDecision
