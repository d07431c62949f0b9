"""The default assessment scheme and supervision rules (DESIGN §4), and the roles' permissions."""

from django.db import migrations

from communities.roles import Role, grant_permissions


def view(*models):
    return [f"operations.view_{model}" for model in models]


def write(*models):
    return [f"operations.{action}_{model}" for model in models for action in ("add", "change")]


ALL = ("operator", "operatingcontract", "operationsassessment", "satisfactionscore")
ROLE_PERMISSIONS = {
    Role.SUBDISTRICT_STAFF: view(*ALL) + write("operator", "operatingcontract", "satisfactionscore"),
    Role.TASKFORCE_APPROVER: view(*ALL, "supervisionreport"),
    Role.FINANCE_OFFICER: view("operator", "operatingcontract", "operationsassessment"),
    Role.OPERATIONS_ASSESSOR: view(*ALL)
    + write("operator", "operatingcontract", "operationsassessment"),
    Role.SUPERVISOR: view(*ALL, "supervisionreport") + write("supervisionreport"),
}


def create_defaults(apps, schema_editor):
    AssessmentScheme = apps.get_model("operations", "AssessmentScheme")
    SupervisionRules = apps.get_model("operations", "SupervisionRules")
    if not AssessmentScheme.objects.exists():
        AssessmentScheme.objects.create(name="运营考核默认方案（五项各20分）")
    if not SupervisionRules.objects.exists():
        SupervisionRules.objects.create(
            name="督导默认规则",
            start_quotas={"2023": 10, "2024": 8, "2025": 8},
        )
    grant_permissions(apps, {role.value: names for role, names in ROLE_PERMISSIONS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
        ("communities", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
