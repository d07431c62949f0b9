"""The row check of the assessment table, word for word: the generated life-cycle cases ask
the table's own condition what to expect, so they cannot tell a wrong one from a right one."""

from types import SimpleNamespace

from django.utils import translation

from operations import selectors
from operations.lifecycles import ASSESSMENT

REWARD = [step for step in ASSESSMENT if step.condition is not None]


def test_one_step_of_the_assessment_table_has_a_condition_the_reward():
    assert [step.name for step in REWARD] == ["reward"]


def test_the_reward_is_offered_while_it_awaits_release(monkeypatch):
    monkeypatch.setattr(selectors, "reward_awaits_release", lambda assessment: True)

    assert REWARD[0].condition(None, SimpleNamespace()) == ""


def test_the_reward_is_refused_with_its_rule_once_it_no_longer_awaits(monkeypatch):
    monkeypatch.setattr(selectors, "reward_awaits_release", lambda assessment: False)

    with translation.override("en"):
        reason = str(REWARD[0].condition(None, SimpleNamespace()))

    assert reason == (
        "The reward is released for a passed assessment of a provincially named future "
        "community, once."
    )
