"""After every app's demo data: the stored gap assessment of the demo communities."""

from communities.services import gap_assessments_refresh


def seed() -> None:
    """Assess every community against this year's standards."""
    gap_assessments_refresh()
