"""The action plan's subsidy rules cover the whole 2023–2025 programme, including the gap-filling
plans approved in 2023 before the plan was published in December."""

from django.db import migrations

PROGRAMME_START = "2023-01-01"


def backdate(apps, schema_editor):
    SubsidyPolicy = apps.get_model("funding", "SubsidyPolicy")
    SubsidyPolicy.objects.filter(version=1, effective_from="2023-12-01").update(
        effective_from=PROGRAMME_START
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_policies_and_permissions")]

    operations = [migrations.RunPython(backdate, migrations.RunPython.noop)]
