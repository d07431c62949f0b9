"""App configuration for subsidies, tranches and budgets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from communities.roles import Role

from .permissions import SUBSIDY_READERS


class FundingConfig(AppConfig):
    """Subsidy policies, tranches, budget envelopes and disbursement sheets."""

    name = "funding"
    verbose_name = _("Funding")
    nav = [
        (_("Subsidies"), "funding:tranche_list", SUBSIDY_READERS),
        (_("Budget envelopes"), "funding:budget_list", (Role.FINANCE_OFFICER,)),
    ]
