"""docs/lifecycles.md is the life-cycle tables as people read them: a change of a step's states,
roles, button, form, service or texts is a change of that reference, made with
``manage.py lifecycles``."""

import pytest
from django.core.management import CommandError, call_command

from communities.management.commands import lifecycles


def test_the_committed_reference_is_the_tables():
    call_command("lifecycles", "--check")


def test_a_reference_that_differs_from_the_tables_fails_the_check(tmp_path, monkeypatch):
    stale = tmp_path / "lifecycles.md"
    stale.write_text(lifecycles.render().replace("`approved`", "`draft`", 1), encoding="utf-8")
    monkeypatch.setattr(lifecycles, "REFERENCE", stale)

    with pytest.raises(CommandError, match="differs from the life-cycle tables"):
        call_command("lifecycles", "--check")


def test_the_reference_says_who_takes_each_step_from_where_to_where():
    text = lifecycles.render()

    assert (
        "| `pay` | Record the payment | `approved` | `paid` | Finance officer | page "
        "| `funding.forms.PayForm` | `funding.services.tranche_mark_paid` |"
    ) in text
    assert "condition: `funding.lifecycles._entered_by_finance`" in text
