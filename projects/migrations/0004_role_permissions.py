"""Grant the projects app's model permissions to the role groups."""

from django.db import migrations

from communities.roles import Role, grant_permissions

READ = [
    "projects.view_gapfillingplan",
    "projects.view_planlineitem",
    "projects.view_reviewopinion",
    "projects.view_planattachment",
    "projects.view_progressreport",
    "projects.view_statuschange",
    "projects.view_futurecommunityproject",
    "projects.view_developmentblock",
    "projects.view_blockunit",
]

ROLE_PERMISSIONS = {
    Role.SUBDISTRICT_STAFF: READ
    + [
        "projects.add_gapfillingplan",
        "projects.change_gapfillingplan",
        "projects.add_planlineitem",
        "projects.change_planlineitem",
        "projects.delete_planlineitem",
        "projects.add_planattachment",
        "projects.add_progressreport",
    ],
    Role.DEPARTMENT_REVIEWER: READ
    + ["projects.add_reviewopinion", "projects.change_reviewopinion"],
    Role.TASKFORCE_APPROVER: READ
    + [
        "projects.change_gapfillingplan",
        "projects.add_futurecommunityproject",
        "projects.change_futurecommunityproject",
        "projects.add_developmentblock",
        "projects.change_developmentblock",
        "projects.add_blockunit",
        "projects.change_blockunit",
        "projects.delete_blockunit",
    ],
    Role.FINANCE_OFFICER: READ,
    Role.OPERATIONS_ASSESSOR: READ,
    Role.SUPERVISOR: READ,
}


def grant(apps, schema_editor):
    grant_permissions(apps, {role.value: names for role, names in ROLE_PERMISSIONS.items()})


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_review_attachments_progress_spaces_blocks")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
