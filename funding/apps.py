"""App configuration for subsidies, tranches and budgets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    """Subsidy policies, tranches, budget envelopes and disbursement sheets."""

    name = "funding"
    verbose_name = _("Funding")
