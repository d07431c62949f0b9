"""The seeded policy rows as calculator rules, read from the data migration without a database."""

import importlib
from decimal import Decimal

from funding.calculator import PolicyRule
from funding.models import parse_schedule, parse_tiers

_seed = importlib.import_module("funding.migrations.0002_policies_and_permissions")


def seeded_rows() -> list[dict]:
    """The policy rows the data migration seeds."""
    return _seed.POLICIES


def seeded_rule(code: str) -> PolicyRule:
    """The calculator rule of the seeded policy with this code."""
    row = next(row for row in _seed.POLICIES if row["code"] == code)
    return PolicyRule(
        code=code,
        version=1,
        case=row["case"],
        mode=row["mode"],
        tiers=parse_tiers(row.get("tiers")),
        schedule=parse_schedule(row.get("schedule")),
        fixed_amount=Decimal(row["fixed_amount"]) if row.get("fixed_amount") else None,
        deducts_policy_fee=row.get("deducts_policy_fee", False),
    )


FUTURE = seeded_rule("future-optimised")
GAP = seeded_rule("gap-filling")
ORIGINAL = seeded_rule("future-original")
NEW_BUILD = seeded_rule("future-new-build")
PASSTHROUGH = seeded_rule("future-passthrough")
OPERATIONS = seeded_rule("future-operations")
