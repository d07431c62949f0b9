"""App configuration for the improvement routes and gap-filling plans."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Gap-filling plans, future-community projects and development blocks."""

    name = "projects"
    verbose_name = _("Plans and projects")
    nav = [
        (_("Gap-filling plans"), "projects:plan_list", ()),
        (_("Future communities"), "projects:future_list", ()),
        (_("Development blocks"), "projects:block_list", ()),
    ]

    def ready(self):
        from . import invariants

        # On SQLite the subdistrict triggers stand aside while migrations rebuild tables.
        pre_migrate.connect(invariants.before_migrate, sender=self)
        post_migrate.connect(invariants.after_migrate, sender=self)
