"""Fixed vocabularies of plans and projects."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


FUTURE_STAGE_ORDER = list(FutureStage.values)


class OpinionDecision(models.TextChoices):
    """A department's opinion in the joint review (会审)."""

    AGREE = "agree", _("Agree")
    AGREE_WITH_CONDITIONS = "agree_with_conditions", _("Agree with conditions")
    DISAGREE = "disagree", _("Disagree")


AGREEING_DECISIONS = (OpinionDecision.AGREE, OpinionDecision.AGREE_WITH_CONDITIONS)
