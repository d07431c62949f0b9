"""App configuration for operators, assessments and supervision."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .permissions import ASSESSMENT_READERS, CONTRACT_READERS, REPORT_READERS, SATISFACTION_READERS


class OperationsConfig(AppConfig):
    """Operators, contracts, operations assessments and supervision reports."""

    name = "operations"
    verbose_name = _("Operations and supervision")
    nav_menu = _("Operations and supervision")
    nav = [
        # The programme dashboard (its own app) sits in this menu: the top row has no room.
        (_("Programme dashboard"), "dashboard:index", ()),
        (_("Coverage matrix"), "dashboard:coverage", ()),
        (_("Operators"), "operations:operator_list", CONTRACT_READERS),
        (_("Operations assessments"), "operations:assessment_list", ASSESSMENT_READERS),
        (_("Satisfaction"), "operations:satisfaction_list", SATISFACTION_READERS),
        (_("Supervision reports"), "operations:report_list", REPORT_READERS),
    ]
