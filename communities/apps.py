"""App configuration for places, organisations and facilities."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    """Subdistricts, departments, users, communities and their facilities."""

    name = "communities"
    verbose_name = _("Communities and facilities")
    nav = [(_("Communities"), "communities:list", ())]

    def ready(self):
        """Connect the login receiver that starts a session's idle clock, and register the
        app's system checks."""
        from . import checks, sessions  # noqa: F401
