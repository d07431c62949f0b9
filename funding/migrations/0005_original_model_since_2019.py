"""The original funding model of the provincial batches 1–7 predates the action plan: the
first provincial batch of future communities was named in 2019, so its tranches (amounts entered
by finance) may be committed from then on."""

from django.db import migrations

FIRST_PROVINCIAL_BATCH = "2019-01-01"


def backdate(apps, schema_editor):
    SubsidyPolicy = apps.get_model("funding", "SubsidyPolicy")
    SubsidyPolicy.objects.filter(code="future-original", version=1).update(
        effective_from=FIRST_PROVINCIAL_BATCH
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0004_tranche_policy_snapshot")]

    operations = [migrations.RunPython(backdate, migrations.RunPython.noop)]
