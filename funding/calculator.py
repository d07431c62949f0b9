"""Subsidy arithmetic of DESIGN §3 as pure functions on Decimal: no database, no side effects."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import POLICY_NAMES, PolicyMode, TrancheStage
from .money import ZERO, format_percent, format_yuan_unit, percent_of, to_fen


@dataclass(frozen=True)
class Tier:
    """A band: bases up to ``upper`` (inclusive; None = no limit) get ``rate`` per cent."""

    upper: Decimal | None
    rate: Decimal


@dataclass(frozen=True)
class TrancheShare:
    """One tranche of a schedule: its stage and its percentage of the total."""

    stage: str
    percent: Decimal


@dataclass(frozen=True)
class PolicyRule:
    """What the calculator needs of a SubsidyPolicy row."""

    code: str
    version: int
    case: str
    mode: str
    tiers: tuple[Tier, ...] = ()
    schedule: tuple[TrancheShare, ...] = ()
    fixed_amount: Decimal | None = None
    deducts_policy_fee: bool = False

    @property
    def label(self) -> str:
        """The stable code and version kept on each tranche, e.g. ``gap-filling v1``."""
        return f"{self.code} v{self.version}"

    @property
    def display_name(self) -> str:
        """The policy as readers see it, in their language: its case and version."""
        return policy_display_name(self.case, self.version)

    def as_snapshot(self) -> dict:
        """The rule as JSON-safe data, kept on every tranche computed from it."""
        return {
            "code": self.code,
            "version": self.version,
            "case": self.case,
            "mode": self.mode,
            "tiers": [
                {"upper": None if t.upper is None else str(t.upper), "rate": str(t.rate)}
                for t in self.tiers
            ],
            "schedule": [{"stage": s.stage, "percent": str(s.percent)} for s in self.schedule],
            "fixed_amount": None if self.fixed_amount is None else str(self.fixed_amount),
            "deducts_policy_fee": self.deducts_policy_fee,
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> "PolicyRule":
        """The rule back from ``as_snapshot()``."""
        fixed = data.get("fixed_amount")
        return cls(
            code=data["code"],
            version=data["version"],
            case=data["case"],
            mode=data["mode"],
            tiers=tuple(
                Tier(None if t["upper"] is None else Decimal(t["upper"]), Decimal(t["rate"]))
                for t in data.get("tiers", ())
            ),
            schedule=tuple(
                TrancheShare(s["stage"], Decimal(s["percent"])) for s in data.get("schedule", ())
            ),
            fixed_amount=None if fixed is None else Decimal(fixed),
            deducts_policy_fee=data.get("deducts_policy_fee", False),
        )


@dataclass(frozen=True)
class Slice:
    """The part of the base between ``lower`` (exclusive) and ``upper`` paid at ``rate``."""

    lower: Decimal
    upper: Decimal
    rate: Decimal
    amount: Decimal


@dataclass
class SubsidyResult:
    """Base, rate (None in marginal mode), slices, subsidy, tranches, explanation, warnings."""

    base: Decimal | None
    rate: Decimal | None
    subsidy: Decimal
    slices: list[Slice] = field(default_factory=list)
    tranches: list[tuple[str, Decimal]] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    needs_taskforce_decision: bool = False


def validate_inputs(
    *, investment: Decimal, policy_fee: Decimal = ZERO, settled: Decimal | None = None
) -> None:
    """Raise ValueError with a translated reason when the inputs cannot be calculated."""
    if investment <= 0:
        raise ValueError(_("The investment must be greater than zero."))
    if policy_fee < 0:
        raise ValueError(_("The policy handling fee must not be negative."))
    if policy_fee > investment:
        raise ValueError(_("The policy handling fee must not exceed the investment."))
    if settled is not None and settled <= 0:
        raise ValueError(_("The settled investment must be greater than zero."))


def split_tranches(total: Decimal, schedule: tuple[TrancheShare, ...]) -> list[tuple[str, Decimal]]:
    """Each tranche but the last rounded on its own; the last is what remains of the total."""
    if not schedule:
        return []
    tranches = [(share.stage, percent_of(total, share.percent)) for share in schedule[:-1]]
    tranches.append((schedule[-1].stage, to_fen(total) - sum((a for _s, a in tranches), ZERO)))
    return tranches


def calculate(
    rule: PolicyRule,
    *,
    investment: Decimal = ZERO,
    policy_fee: Decimal = ZERO,
    settled: Decimal | None = None,
    mode: str | None = None,
    entered_amount: Decimal | None = None,
) -> SubsidyResult:
    """The subsidy of one plan or project under ``rule``; ``mode`` overrides band/marginal."""
    mode = mode or rule.mode
    if mode == PolicyMode.NONE:
        return SubsidyResult(
            base=None,
            rate=None,
            subsidy=ZERO,
            explanation=[_("This case is funded by the implementing body: no city subsidy.")],
        )
    if mode in (PolicyMode.MANUAL, PolicyMode.FIXED):
        return _entered(rule, mode=mode, entered_amount=entered_amount)
    validate_inputs(investment=investment, policy_fee=policy_fee, settled=settled)
    lines: list[str] = []
    base = _base(rule, investment=investment, policy_fee=policy_fee, settled=settled, lines=lines)
    warnings: list[str] = []
    top = rule.tiers[-1].upper
    capped = top is not None and base > top
    if capped:
        warnings.append(
            _(
                "The base %(base)s is above the top band of %(top)s, which the policy does not "
                "cover: it is capped at %(top)s and needs a task-force decision."
            )
            % {"base": format_yuan_unit(base), "top": format_yuan_unit(top)}
        )
        base = top
        lines.append(_("Base capped at the top band: %(top)s.") % {"top": format_yuan_unit(top)})
    if mode == PolicyMode.MARGINAL:
        slices = marginal_slices(base, rule.tiers)
        for piece in slices:
            lines.append(
                _("Slice %(lower)s – %(upper)s at %(rate)s: %(amount)s.")
                % {
                    "lower": format_yuan_unit(piece.lower),
                    "upper": format_yuan_unit(piece.upper),
                    "rate": format_percent(piece.rate),
                    "amount": format_yuan_unit(piece.amount),
                }
            )
        subsidy = sum((piece.amount for piece in slices), ZERO)
        rate = None
        lines.append(
            _("Subsidy (sum of the slices): %(amount)s.") % {"amount": format_yuan_unit(subsidy)}
        )
    else:
        slices = []
        tier_index = band_index(base, rule.tiers)
        rate = rule.tiers[tier_index].rate
        subsidy = percent_of(base, rate)
        figures = {
            "rate": format_percent(rate),
            "base": format_yuan_unit(base),
            "amount": format_yuan_unit(subsidy),
        }
        if len(rule.tiers) == 1 and rule.tiers[0].upper is None:
            lines.append(_("One rate of %(rate)s: %(base)s × %(rate)s = %(amount)s.") % figures)
        else:
            band = _band_label(rule.tiers, tier_index)
            lines.append(
                _("Band %(band)s applies at %(rate)s: %(base)s × %(rate)s = %(amount)s.")
                % {"band": band, **figures}
            )
        edge_warning = _band_edge_warning(rule.tiers, tier_index, subsidy)
        if edge_warning and not capped:
            warnings.append(edge_warning)
    tranches = split_tranches(subsidy, rule.schedule)
    lines.extend(_tranche_lines(rule.schedule, tranches))
    lines.append(_("Policy applied: %(policy)s.") % {"policy": rule.display_name})
    return SubsidyResult(
        base=base,
        rate=rate,
        subsidy=subsidy,
        slices=slices,
        tranches=tranches,
        explanation=lines,
        warnings=warnings,
        needs_taskforce_decision=capped,
    )


def band_index(base: Decimal, tiers: tuple[Tier, ...]) -> int:
    """The index of the band a base falls in (upper bounds inclusive); the top band above it."""
    for index, tier in enumerate(tiers):
        if tier.upper is None or base <= tier.upper:
            return index
    return len(tiers) - 1


def marginal_slices(base: Decimal, tiers: tuple[Tier, ...]) -> list[Slice]:
    """The base cut at the band edges, each slice at its own band's rate, rounded per slice."""
    slices = []
    lower = ZERO
    for tier in tiers:
        if base <= lower:
            break
        upper = base if tier.upper is None else min(base, tier.upper)
        slices.append(Slice(lower, upper, tier.rate, percent_of(upper - lower, tier.rate)))
        lower = upper
    return slices


def _base(rule, *, investment, policy_fee, settled, lines) -> Decimal:
    """The subsidy base: gap filling uses the settled investment (capped) minus the fee."""
    investment = to_fen(investment)
    if not rule.deducts_policy_fee:
        lines.append(
            _("Creation investment: %(amount)s.") % {"amount": format_yuan_unit(investment)}
        )
        return investment
    lines.append(_("Approved investment: %(amount)s.") % {"amount": format_yuan_unit(investment)})
    counted = investment
    if settled is not None:
        settled = to_fen(settled)
        if settled > investment:
            lines.append(
                _("Settled investment %(settled)s is above the approved one: %(approved)s counts.")
                % {"settled": format_yuan_unit(settled), "approved": format_yuan_unit(investment)}
            )
        else:
            counted = settled
            lines.append(
                _("Settled investment at acceptance: %(amount)s.")
                % {"amount": format_yuan_unit(settled)}
            )
    fee = to_fen(policy_fee)
    base = max(counted - fee, ZERO)
    lines.append(
        _("Base = %(counted)s − policy handling fee %(fee)s = %(base)s.")
        % {
            "counted": format_yuan_unit(counted),
            "fee": format_yuan_unit(fee),
            "base": format_yuan_unit(base),
        }
    )
    return base


def _band_label(tiers, index) -> str:
    lower = ZERO if index == 0 else tiers[index - 1].upper
    upper = tiers[index].upper
    if upper is None:
        return _("(above %(lower)s)") % {"lower": format_yuan_unit(lower)}
    if index == 0:
        return _("(up to %(upper)s)") % {"upper": format_yuan_unit(upper)}
    return f"({format_yuan_unit(lower)}, {format_yuan_unit(upper)}]"


def _band_edge_warning(tiers, index, subsidy) -> str:
    """Warn when a project just above a band edge gets less than one exactly at the edge."""
    if index == 0:
        return ""
    edge = tiers[index - 1].upper
    at_edge = percent_of(edge, tiers[index - 1].rate)
    if subsidy >= at_edge:
        return ""
    return _(
        "Just above the band edge of %(edge)s: this gets %(amount)s, less than the %(at_edge)s "
        "a project of exactly %(edge)s would get."
    ) % {
        "edge": format_yuan_unit(edge),
        "amount": format_yuan_unit(subsidy),
        "at_edge": format_yuan_unit(at_edge),
    }


def _tranche_lines(schedule, tranches) -> list[str]:
    lines = []
    for share, (stage, amount) in zip(schedule, tranches, strict=True):
        lines.append(
            _("Tranche “%(stage)s” (%(percent)s): %(amount)s.")
            % {
                "stage": stage_label(stage),
                "percent": format_percent(share.percent),
                "amount": format_yuan_unit(amount),
            }
        )
    if len(tranches) > 1:
        lines.append(
            _("The last tranche is the total less the earlier ones, so they add up exactly.")
        )
    return lines


def _entered(rule, *, mode, entered_amount) -> SubsidyResult:
    """Manual and fixed amounts: nothing to compute, only to explain and schedule."""
    if mode == PolicyMode.FIXED:
        amount = to_fen(rule.fixed_amount or ZERO)
        line = _("Fixed amount of the policy: %(amount)s.") % {"amount": format_yuan_unit(amount)}
    elif entered_amount is None:
        amount = ZERO
        line = _("The amount is entered by finance; none has been entered yet.")
    else:
        amount = to_fen(entered_amount)
        line = _("Amount entered by finance: %(amount)s.") % {"amount": format_yuan_unit(amount)}
    tranches = split_tranches(amount, rule.schedule)
    lines = [line, *_tranche_lines(rule.schedule, tranches)]
    lines.append(_("Policy applied: %(policy)s.") % {"policy": rule.display_name})
    return SubsidyResult(base=None, rate=None, subsidy=amount, tranches=tranches, explanation=lines)


def policy_display_name(case: str, version: int) -> str:
    """A policy's translated name with its version, e.g. “Gap filling, … (version 1)”."""
    name = POLICY_NAMES.get(case, case)
    return _("%(name)s (version %(version)s)") % {"name": name, "version": version}


def stage_label(stage: str) -> str:
    """The translated label of a tranche stage code."""
    try:
        return str(TrancheStage(stage).label)
    except ValueError:
        return stage
