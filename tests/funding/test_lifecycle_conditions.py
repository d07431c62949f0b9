"""The row check of the tranche table, word for word: the generated life-cycle cases ask the
table's own condition what to expect, so they cannot tell a wrong condition from a right one."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from funding.choices import ENTERED_STAGES, TrancheStage
from funding.lifecycles import TRANCHE


@pytest.mark.parametrize("stage", ENTERED_STAGES)
def test_finance_enters_the_amount_of_an_original_model_or_pass_through_tranche(stage):
    assert TRANCHE["amount"].condition(None, SimpleNamespace(stage=stage)) == ""


@pytest.mark.parametrize(
    "stage", [stage for stage in TrancheStage.values if stage not in ENTERED_STAGES]
)
def test_a_computed_tranche_takes_no_amount_from_finance(stage):
    with translation.override("en"):
        reason = str(TRANCHE["amount"].condition(None, SimpleNamespace(stage=stage)))

    assert reason == "This tranche's amount is computed by the policy."
