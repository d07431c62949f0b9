"""Audit comments the system wrote in the actor's language become codes, shown in the reader's."""

from django.conf import settings
from django.db import migrations
from django.utils import translation

# The system's notes as they stood when this migration was written: code → English source text.
NOTES = {
    "committed_at_plan_approval": "Committed at plan approval.",
    "settled_at_acceptance": "Settled at acceptance.",
    "awaiting_finance_amount": "Awaiting the amount from finance.",
    "committed_at_project_approval": "Committed at project approval.",
    "operations_assessment_passed": "Operations assessment passed.",
    "awaiting_ningbo": "Awaiting Ningbo's subsidy.",
    "future_joint_acceptance": "Future community, at joint acceptance",
    "future_naming": "Future community, at provincial naming",
}


def notes_to_codes(apps, schema_editor):
    """Every language's wording of a system note is replaced by its code."""
    TrancheEvent = apps.get_model("funding", "TrancheEvent")
    for code, source in NOTES.items():
        wordings = {source}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                wordings.add(translation.gettext(source))
        TrancheEvent.objects.filter(comment__in=wordings).update(comment=code)


class Migration(migrations.Migration):
    dependencies = [("funding", "0007_envelope_funding_source")]

    operations = [migrations.RunPython(notes_to_codes, migrations.RunPython.noop)]
