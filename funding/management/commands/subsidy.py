"""Command-line subsidy calculator: prints one JSON object, or a one-line error on stderr."""

import json
import sys
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from funding.calculator import calculate
from funding.choices import PolicyCase, PolicyMode
from funding.selectors import policy_in_force


class UsageError(Exception):
    """Bad input: reported on one line, without a traceback."""


def money_argument(value: str) -> Decimal:
    """A yuan amount from the command line; never a float."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise UsageError(f"not a number: {value!r}") from None
    if not amount.is_finite():
        raise UsageError(f"not a number: {value!r}")
    return amount


def money_text(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Compute a subsidy: --route future --investment 4500000 [--mode band|marginal] "
        "[--category renovation|new_build], or --route gap --investment 1260000 "
        "--policy-fee 60000 [--settled 1200000]."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = self._fail
        return parser

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("--route", choices=["future", "gap"], required=True)
        parser.add_argument("--investment", required=True)
        parser.add_argument("--policy-fee", default="0")
        parser.add_argument("--settled")
        parser.add_argument("--mode", choices=[PolicyMode.BAND, PolicyMode.MARGINAL])
        parser.add_argument("--category", choices=["renovation", "new_build"], default="renovation")
        parser.add_argument("--on", help="date the policy must be in force (YYYY-MM-DD)")

    def handle(self, *args, **options):
        try:
            result = self._calculate(options)
        except (UsageError, ValueError, ValidationError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            self._fail(str(message))
        payload = {
            "base": money_text(result.base),
            "rate": None if result.rate is None else f"{result.rate:f}",
            "subsidy": money_text(result.subsidy),
            "tranches": [
                {"stage": stage, "amount": money_text(amount)} for stage, amount in result.tranches
            ],
            "explanation": [str(line) for line in result.explanation],
            "warnings": [str(line) for line in result.warnings],
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False))

    def _calculate(self, options):
        investment = money_argument(options["investment"])
        fee = money_argument(options["policy_fee"])
        settled = options["settled"]
        settled = money_argument(settled) if settled is not None else None
        on = timezone.localdate()
        if options["on"]:
            try:
                on = timezone.datetime.strptime(options["on"], "%Y-%m-%d").date()
            except ValueError:
                raise UsageError(f"not a date: {options['on']!r}") from None
        if options["route"] == "future" and (fee or settled is not None):
            raise UsageError("--policy-fee and --settled apply to the gap route only")
        if options["route"] == "gap":
            case = PolicyCase.GAP_FILLING
        elif options["category"] == "new_build":
            case = PolicyCase.FUTURE_NEW_BUILD
        else:
            case = PolicyCase.FUTURE_OPTIMISED
        rule = policy_in_force(case=case, on=on).as_rule()
        return calculate(
            rule, investment=investment, policy_fee=fee, settled=settled, mode=options["mode"]
        )

    def _fail(self, message: str):
        sys.stderr.write(f"subsidy: error: {message}\n")
        sys.exit(2)
