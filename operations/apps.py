"""App configuration for operators, assessments and supervision."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Operators, contracts, operations assessments and supervision reports."""

    name = "operations"
    verbose_name = _("Operations and supervision")
