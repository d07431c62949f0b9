"""An entered amount was noted on its event as the figure itself; it becomes a code, shown
with the event's amount and unit in the reader's language."""

import re

from django.db import migrations

FIGURE = re.compile(r"^[0-9][0-9,]*\.[0-9]{2}$")


def figures_to_code(apps, schema_editor):
    TrancheEvent = apps.get_model("funding", "TrancheEvent")
    entered = TrancheEvent.objects.filter(
        to_state="due", tranche__stage__in=["original_model", "ningbo_passthrough"]
    )
    for event in entered.exclude(comment="").iterator():
        if FIGURE.match(event.comment):
            TrancheEvent.objects.filter(pk=event.pk).update(comment="amount_entered")


class Migration(migrations.Migration):
    dependencies = [("funding", "0008_event_notes_as_codes")]

    operations = [migrations.RunPython(figures_to_code, migrations.RunPython.noop)]
