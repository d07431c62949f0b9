"""Fixed vocabularies of operators, assessments, satisfaction and supervision reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Shared with funding, which checks a confirmed, passed assessment before paying the reward.
from communities.choices import PASSING_GRADES, AssessmentState, Grade  # noqa: F401


class OperationKind(models.TextChoices):
    """The five kinds of operation a future community is assessed on (DESIGN §4)."""

    SPACE = "space", _("Space and venue operation")
    ACTIVITY = "activity", _("Scene and activity operation")
    GROUPS = "groups", _("Community groups and clubs operation")
    LIFE_SERVICES = "life_services", _("Life services operation")
    DIGITAL = "digital", _("Digital operation")


class ServiceLevel(models.TextChoices):
    """Whether a contract covers a subdistrict-level institution or community-level ones."""

    SUBDISTRICT = "subdistrict", _("Subdistrict-level institution")
    COMMUNITY = "community", _("Community-level facilities")


class ContractState(models.TextChoices):
    """Whether a contract still binds its facilities."""

    ACTIVE = "active", _("Active")
    TERMINATED = "terminated", _("Terminated")


class SatisfactionSource(models.TextChoices):
    """How a satisfaction score reached the portal."""

    ENTERED = "entered", _("Entered by the subdistrict")
    SURVEY_IMPORT = "survey_import", _("Imported from a survey spreadsheet")


class ReportState(models.TextChoices):
    """Progress of a supervision report's build."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_REPORT_STATES = (ReportState.QUEUED, ReportState.RUNNING)
