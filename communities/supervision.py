"""The supervision limits other apps highlight overdue steps by, read without importing the app
that keeps them (operations.SupervisionRules; communities is the base and imports no app)."""

from django.apps import apps
from django.conf import settings

# DESIGN §4's defaults, used while no rules row is in use (or operations is not installed).
DEFAULT_LIMITS = {"approved_not_started_days": 60, "joint_review_days": 30}


def supervision_limits() -> dict[str, int]:
    """Days a plan may stay approved without starting, and in joint review."""
    defaults = {**DEFAULT_LIMITS, **getattr(settings, "SUPERVISION_LIMITS", {})}
    try:
        rules = apps.get_model("operations", "SupervisionRules")
    except LookupError:
        return defaults
    row = rules.objects.filter(is_active=True).values(*DEFAULT_LIMITS).first()
    return row or defaults
