"""App configuration for places, organisations and facilities."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    """Subdistricts, departments, users, communities and their facilities."""

    name = "communities"
    verbose_name = _("Communities and facilities")
    nav = [(_("Communities"), "communities:list", ())]

    def ready(self):
        """Register the app's system checks."""
        from . import checks  # noqa: F401
