"""App configuration for the programme dashboard."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """Progress against the policy's targets, money against the budget, facility coverage."""

    name = "dashboard"
    verbose_name = _("Programme dashboard")
    # Its menu entries are in the operations and supervision menu (operations/apps.py).
