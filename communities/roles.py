"""Roles are Django groups named by a stable code; code checks the code, never a label."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The six working roles of DESIGN §1; the group name is the value."""

    SUBDISTRICT_STAFF = "subdistrict_staff", _("Subdistrict staff")
    DEPARTMENT_REVIEWER = "department_reviewer", _("Department reviewer")
    TASKFORCE_APPROVER = "taskforce_approver", _("Task force approver")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    OPERATIONS_ASSESSOR = "operations_assessor", _("Operations assessor")
    SUPERVISOR = "supervisor", _("Supervisor")


def role_codes(user) -> frozenset[str]:
    """The role codes a user holds, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._role_codes = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of the roles (superusers hold them all)."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(role_codes(user) & set(roles))


def grant_permissions(apps, role_permissions: dict[str, Iterable[str]]) -> None:
    """Give each role group the named model permissions ("app_label.codename").

    Called by data migrations; it creates the permissions first because Django only makes them
    after the whole migrate run.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def users_with_roles(*roles: str):
    """Active users holding one of the roles, e.g. the people a notification goes to."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, groups__name__in=roles).distinct()


def subdistrict_staff_of(subdistrict_id: int):
    """Active staff of one subdistrict."""
    return users_with_roles(Role.SUBDISTRICT_STAFF).filter(subdistrict_id=subdistrict_id)
