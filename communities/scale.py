"""Province-scale data for load measurements: thousands of communities, plans in every state,
tranches, operators and assessments, written in bulk (no per-row save) on top of the demo data.

Every row obeys the model rules: one live plan per community, one tranche per plan or project
and stage, a plan's tranche equals its subsidy (the funding calculator computes it), dates match
states, and each subdistrict has its staff user. Randomness comes from ``random.Random(seed)``.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .choices import FacilityStatus, FacilityType, Route, SubdistrictKind
from .models import Community, Department, Facility, Subdistrict, User
from .roles import Role

CODE_PREFIX = "sc"
APPROVED_ONWARD = ("approved", "under_construction", "completed", "accepted", "closed")
LIVE_STATES = (
    "draft",
    "submitted",
    "in_joint_review",
    "approvable",
    "returned",
    "approved",
    "under_construction",
    "completed",
    "accepted",
)
# The path of each state from the draft; a plan that was returned once goes round again.
PATHS = {
    "draft": ["draft"],
    "submitted": ["draft", "submitted"],
    "in_joint_review": ["draft", "submitted", "in_joint_review"],
    "approvable": ["draft", "submitted", "in_joint_review", "approvable"],
    "returned": ["draft", "submitted", "in_joint_review", "returned"],
}
PATHS["approved"] = PATHS["approvable"] + ["approved"]
PATHS["under_construction"] = PATHS["approved"] + ["under_construction"]
PATHS["completed"] = PATHS["under_construction"] + ["completed"]
PATHS["accepted"] = PATHS["completed"] + ["accepted"]
PATHS["closed"] = PATHS["accepted"] + ["closed"]
RETURN_LOOP = ["in_joint_review", "returned", "submitted"]


@dataclass
class Sizes:
    """How many rows of each kind the province has (totals, the demo rows included)."""

    subdistricts: int = 100
    communities: int = 5600
    facilities: int = 40000
    plans: int = 20000
    line_items: int = 60000
    future_projects: int = 2282
    operators: int = 400
    contracts: int = 3000
    satisfaction_periods: int = 2
    tranches: int = 60000
    seed: int = 13
    batch_size: int = 2000


def already_seeded() -> bool:
    """True once the scale subdistricts exist."""
    return Subdistrict.objects.filter(code__startswith=f"{CODE_PREFIX}-").exists()


def build(sizes: Sizes, *, log=print) -> dict[str, int]:
    """Write the province in one transaction; returns the number of rows of each model."""
    with transaction.atomic():
        return _Builder(sizes, log).run()


def credit_code(rng: random.Random) -> str:
    """A unified social credit code with a right check character."""
    from operations.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

    first = "91" + "330282" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return first + credit_code_check_character(first)


class _Builder:
    def __init__(self, sizes: Sizes, log):
        self.s = sizes
        self.log = log
        self.rng = random.Random(sizes.seed)
        self.now = timezone.now()
        self.counts: dict[str, int] = {}
        self._calc_cache: dict = {}

    def bulk(self, model, rows: list) -> list:
        """bulk_create in batches; counts the rows."""
        created = model.objects.bulk_create(rows, batch_size=self.s.batch_size)
        name = model._meta.label
        self.counts[name] = self.counts.get(name, 0) + len(created)
        return created

    def run(self) -> dict[str, int]:
        self.places()
        facilities = self.counts.get("communities.Facility", 0)
        self.log(f"  {len(self.communities)} communities, {facilities} facilities")
        self.future_projects()
        self.plans()
        self.log(f"  {self.counts.get('projects.GapFillingPlan', 0)} plans")
        self.operations()
        self.envelopes()
        from .services import gap_assessments_refresh

        self.counts["communities.GapAssessment"] = gap_assessments_refresh(
            community_ids=[c.pk for c in self.communities]
        )
        return self.counts

    # ------------------------------------------------------------ places and users

    def places(self) -> None:
        rng, s = self.rng, self.s
        new_subdistricts = max(0, s.subdistricts - Subdistrict.objects.count())
        self.subdistricts = self.bulk(
            Subdistrict,
            [
                Subdistrict(
                    code=f"{CODE_PREFIX}-{i:03d}",
                    name=f"规模镇街{i:03d}",
                    kind=SubdistrictKind.TOWN if i % 3 else SubdistrictKind.SUBDISTRICT,
                )
                for i in range(1, new_subdistricts + 1)
            ],
        )
        if not self.subdistricts:
            raise ValueError("--subdistricts must exceed the subdistricts already present.")
        password = make_password("scale12345")
        self.staff = self.bulk(
            User,
            [
                User(
                    username=f"staff-{sub.code}",
                    password=password,
                    subdistrict=sub,
                    email=f"staff-{sub.code}@cixi.example",
                )
                for sub in self.subdistricts
            ],
        )
        group = Group.objects.get(name=Role.SUBDISTRICT_STAFF)
        Through = User.groups.through
        Through.objects.bulk_create([Through(user_id=u.pk, group_id=group.pk) for u in self.staff])
        self.staff_of = {u.subdistrict_id: u for u in self.staff}

        new_communities = max(0, s.communities - Community.objects.count())
        rows = []
        for i in range(new_communities):
            sub = self.subdistricts[i % len(self.subdistricts)]
            population = rng.randrange(2000, 16000, 10)
            rows.append(
                Community(
                    subdistrict=sub,
                    code=f"{CODE_PREFIX}-{i:05d}",
                    name=f"规模社区{i:05d}",
                    route=Route.GAP,
                    plan_year=rng.choice([2024, 2025, 2026]),
                    population=population,
                    households=population * 10 // 27,
                    area_hectares=Decimal(rng.randrange(2000, 9000)) / 100,
                    assessment_score=Decimal(rng.randrange(4500, 9500)) / 100,
                )
            )
        # The first ones are future communities; the rest are on the gap-filling route.
        for community in rows[: s.future_projects]:
            community.route = Route.FUTURE
        self.communities = self.bulk(Community, rows)
        new_facilities = max(0, s.facilities - Facility.objects.count())
        types = list(FacilityType.values)
        self.bulk(
            Facility,
            [
                Facility(
                    community=(c := self.communities[i % len(self.communities)]),
                    facility_type=(t := types[(i // len(self.communities) + c.pk) % len(types)]),
                    name=f"{c.name}{FacilityType(t).label}",
                    floor_area=Decimal(rng.randrange(80, 900)),
                    places=rng.randrange(10, 60) if t == FacilityType.CHILDCARE else None,
                    walking_minutes=rng.choice([3, 5, 8, 10, 12, 15]),
                    status=rng.choice(
                        [FacilityStatus.EXISTING] * 8
                        + [FacilityStatus.PLANNED, FacilityStatus.UNDER_CONSTRUCTION]
                    ),
                )
                for i in range(new_facilities)
            ],
        )

    # ------------------------------------------------------------ money

    def subsidy(self, case: str, on: date, **inputs):
        """(policy, rule, result) of the funding calculator, cached by its inputs."""
        from funding.calculator import calculate
        from funding.selectors import policy_in_force

        key = (case, on.year, tuple(sorted(inputs.items())))
        if key not in self._calc_cache:
            policy = policy_in_force(case=case, on=on)
            rule = policy.as_rule()
            self._calc_cache[key] = (policy, rule, calculate(rule, **inputs))
        return self._calc_cache[key]

    def tranche(self, *, policy, rule, result, inputs, amount, **fields):
        from funding.models import Tranche

        return Tranche(
            policy=policy,
            policy_version=rule.label,
            policy_snapshot=rule.as_snapshot(),
            inputs={k: str(v) for k, v in inputs.items() if v is not None},
            base=result.base,
            rate=result.rate,
            subsidy_total=result.subsidy,
            amount=amount,
            explanation=[str(line) for line in result.explanation],
            warnings=[str(line) for line in result.warnings],
            **fields,
        )

    # ------------------------------------------------------------ future communities

    def future_projects(self) -> None:
        from funding.choices import PolicyCase, TrancheStage, TrancheState
        from projects.choices import FundingMode, FutureCategory, FutureStage, FutureType
        from projects.funding_rule import expected_funding_mode
        from projects.models import FutureCommunityProject, StatusChange

        rng = self.rng
        stages = list(FutureStage.values)
        approver = User.objects.get(username="taskforce_approver")
        projects = []
        for index, community in enumerate(self.communities[: self.s.future_projects]):
            original = index % 5 == 0
            category = FutureCategory.NEW_BUILD if index % 7 == 0 else FutureCategory.RENOVATION
            stage = rng.choice(stages)
            reached = stages.index(stage)
            approved_on = date(2025, 1, 1) + timedelta(days=rng.randrange(300))
            batch = (index % 7) + 1 if original else None
            plan_year = None if original else rng.choice([2024, 2025])
            projects.append(
                FutureCommunityProject(
                    community=community,
                    category=category,
                    project_type=FutureType.LEADING if index % 9 == 0 else FutureType.INCLUSIVE,
                    provincial_batch=batch,
                    plan_year=plan_year,
                    # The batch decides the model (projects.funding_rule).
                    funding_mode=expected_funding_mode(category, batch, plan_year),
                    creation_investment=Decimal(rng.randrange(20, 80) * 100000),
                    stage=stage,
                    approval_date=approved_on if reached >= 2 else None,
                    named_date=approved_on + timedelta(days=400) if stage == "named" else None,
                )
            )
        projects = self.bulk(FutureCommunityProject, projects)
        changes, tranches = [], []
        for project in projects:
            reached = stages.index(project.stage)
            for before, after in zip(stages[:reached], stages[1 : reached + 1], strict=True):
                changes.append(
                    StatusChange(project=project, from_state=before, to_state=after, actor=approver)
                )
            if reached < 2 or project.category == FutureCategory.NEW_BUILD:
                continue
            fields = {
                "project": project,
                "subdistrict_id": project.community.subdistrict_id,
                "fiscal_year": project.approval_date.year,
            }
            if project.funding_mode == FundingMode.ORIGINAL:
                policy, rule, result = self.subsidy(
                    PolicyCase.FUTURE_ORIGINAL, project.approval_date
                )
                tranches.append(
                    self.tranche(
                        policy=policy,
                        rule=rule,
                        result=result,
                        inputs={},
                        amount=Decimal("0.00"),
                        stage=TrancheStage.ORIGINAL_MODEL,
                        **fields,
                    )
                )
                continue
            inputs = {"investment": project.creation_investment}
            policy, rule, result = self.subsidy(
                PolicyCase.FUTURE_OPTIMISED, project.approval_date, **inputs
            )
            due = {
                TrancheStage.FUTURE_APPROVAL: True,
                TrancheStage.FUTURE_JOINT_ACCEPTANCE: reached >= 4,
                TrancheStage.FUTURE_NAMING: project.stage == "named",
            }
            for stage, amount in result.tranches:
                tranches.append(
                    self.tranche(
                        policy=policy,
                        rule=rule,
                        result=result,
                        inputs=inputs,
                        amount=amount,
                        stage=stage,
                        state=TrancheState.DUE if due.get(stage) else TrancheState.SCHEDULED,
                        due_on=project.approval_date if due.get(stage) else None,
                        **fields,
                    )
                )
        self.bulk(StatusChange, changes)
        from funding.models import Tranche

        self.bulk(Tranche, tranches)
        self.scenarios(projects)
        self.projects = projects

    def scenarios(self, projects) -> None:
        """Each project plans some of the nine scenarios; they are built during construction
        and accepted with the joint acceptance, as the project's stage says."""
        from projects.choices import FutureStage, Scenario, ScenarioState
        from projects.export import SCENARIO
        from projects.models import FutureScenario

        stages = list(FutureStage.values)
        accepted_from = stages.index(FutureStage.JOINT_ACCEPTANCE_PASSED)
        rows = []
        for project in projects:
            reached = stages.index(project.stage)
            chosen = self.rng.sample(Scenario.values, self.rng.randrange(5, 10))
            for number, code in enumerate(chosen):
                if reached >= accepted_from:
                    state = ScenarioState.ACCEPTED
                elif project.stage == FutureStage.CONSTRUCTION_COMPLETE or (
                    project.stage == FutureStage.APPROVED and number % 2
                ):
                    state = ScenarioState.BUILT
                else:
                    state = ScenarioState.PLANNED
                rows.append(
                    FutureScenario(
                        project=project,
                        scenario=code,
                        planned_content=f"{SCENARIO[code]}建设（规模测试）",
                        state=state,
                    )
                )
        self.bulk(FutureScenario, rows)

    # ------------------------------------------------------------ gap-filling plans

    def plans(self) -> None:
        from projects.models import GapFillingPlan

        rng, s = self.rng, self.s
        gap = self.communities[s.future_projects :]
        if not gap:
            self.history_plans = 0
            return
        current = max(0, s.plans)
        live = min(len(gap), int(current * 0.27))
        withdrawn = int(current * 0.10)
        closed = max(0, current - live - withdrawn)
        specs = []  # (community, state, year)
        states = list(LIVE_STATES)
        for i in range(live):
            specs.append((gap[i], states[i % len(states)], 2026))
        for _i in range(withdrawn):
            specs.append(
                (gap[rng.randrange(len(gap))], "withdrawn", rng.choice([2024, 2025, 2026]))
            )
        for i in range(closed):
            specs.append((gap[i % len(gap)], "closed", 2024 + (i // len(gap)) % 2))
        # Earlier rounds' closed plans make up the tranches the current plans do not reach.
        from funding.models import Tranche

        have = Tranche.objects.count() + sum(
            1 for _c, state, _y in specs if state in APPROVED_ONWARD
        )
        self.history_plans = max(0, s.tranches - have)
        for i in range(self.history_plans):
            specs.append((gap[i % len(gap)], "closed", 2023 + (i // len(gap)) % 2))
        self.write_plans(GapFillingPlan, specs)

    def write_plans(self, GapFillingPlan, specs) -> None:
        from funding.choices import PolicyCase, TrancheStage, TrancheState
        from funding.models import Tranche
        from projects.choices import OpinionDecision
        from projects.models import PlanLineItem, ReviewOpinion, StatusChange

        rng, s = self.rng, self.s
        departments = list(Department.objects.filter(is_joint_reviewer=True).order_by("code"))
        reviewers = {
            d.pk: User.objects.filter(department=d).order_by("pk").first() or self.staff[0]
            for d in departments
        }
        approver = User.objects.get(username="taskforce_approver")
        finance = User.objects.get(username="finance_officer")
        types = list(FacilityType.values)
        current = s.plans
        extra_items = max(0, s.line_items - current)  # one line item each, the rest spread
        plans, lines, extra = [], [], []
        for index, (community, state, year) in enumerate(specs):
            is_current = index < current
            count = 1 + (extra_items * 1 // max(current, 1) if is_current else 0)
            if is_current and index < extra_items % max(current, 1):
                count += 1
            items = [
                (types[(index + k) % len(types)], Decimal(rng.randrange(50, 600)))
                for k in range(count)
            ]
            investments = [area * rng.choice([2000, 2500, 3000, 3500]) for _t, area in items]
            total = sum(investments, Decimal("0"))
            fee = (total * Decimal(rng.choice([0, 0, 2, 5])) / 100).quantize(Decimal("1"))
            plan = GapFillingPlan(
                subdistrict_id=community.subdistrict_id,
                community=community,
                year=year,
                title=f"{community.name}{year}年补短板建设方案",
                total_investment=total,
                policy_fee=fee,
                state=state,
                created_by=self.staff_of[community.subdistrict_id],
            )
            path = list(PATHS.get(state, ["draft"]))
            if state == "withdrawn":
                path = PATHS[rng.choice(["draft", "submitted", "returned"])] + ["withdrawn"]
            elif "approvable" in path and rng.random() < 0.2:
                at = path.index("in_joint_review")
                path[at:at] = RETURN_LOOP
            plan.review_round = path.count("in_joint_review")
            approved_on = date(year, 3, 1) + timedelta(days=rng.randrange(200))
            if "approved" in path:
                plan.approval_number = f"慈补批〔{year}〕{index + 1}号"
                plan.approval_date = approved_on
                plan.progress_percent = 100 if "completed" in path else rng.randrange(0, 90)
            if "accepted" in path:
                plan.acceptance_date = approved_on + timedelta(days=rng.randrange(60, 150))
                plan.settled_investment = total
            plans.append(plan)
            extra.append((path, items, investments, is_current))
        plans = self.bulk(GapFillingPlan, plans)
        changes, opinions, tranches = [], [], []
        for plan, (path, items, investments, is_current) in zip(plans, extra, strict=True):
            lines.extend(
                PlanLineItem(plan=plan, facility_type=t, floor_area=area, investment=inv)
                for (t, area), inv in zip(items, investments, strict=True)
            )
            staff = plan.created_by
            if is_current:
                previous = ""
                round_number = 0
                for position, state in enumerate(path):
                    actor = staff if state in ("draft", "submitted", "withdrawn") else approver
                    changes.append(
                        StatusChange(plan=plan, from_state=previous, to_state=state, actor=actor)
                    )
                    previous = state
                    if state != "in_joint_review":
                        continue
                    round_number += 1
                    following = path[position + 1] if position + 1 < len(path) else None
                    given = (
                        departments
                        if following
                        else departments[: rng.randrange(len(departments) + 1)]
                    )
                    for k, department in enumerate(given):
                        decision = OpinionDecision.AGREE
                        if following == "returned" and k == 0:
                            decision = OpinionDecision.DISAGREE
                        opinions.append(
                            ReviewOpinion(
                                plan=plan,
                                review_round=round_number,
                                department=department,
                                decision=decision,
                                reviewer=reviewers[department.pk],
                            )
                        )
            else:
                changes.append(
                    StatusChange(plan=plan, from_state="accepted", to_state="closed", actor=finance)
                )
            if plan.state not in APPROVED_ONWARD:
                continue
            inputs = {"investment": plan.total_investment, "policy_fee": plan.policy_fee}
            if plan.settled_investment is not None:
                inputs["settled"] = plan.settled_investment
            policy, rule, result = self.subsidy(
                PolicyCase.GAP_FILLING, plan.approval_date, **inputs
            )
            fields = {}
            if plan.state == "accepted":
                fields = {"state": TrancheState.DUE, "due_on": plan.acceptance_date}
            elif plan.state == "closed":
                fields = {
                    "state": TrancheState.PAID,
                    "due_on": plan.acceptance_date,
                    "paid_on": plan.acceptance_date + timedelta(days=30),
                    "voucher_number": f"PZ{plan.pk:08d}",
                }
            tranches.append(
                self.tranche(
                    policy=policy,
                    rule=rule,
                    result=result,
                    inputs=inputs,
                    amount=result.subsidy,
                    plan=plan,
                    subdistrict_id=plan.subdistrict_id,
                    stage=TrancheStage.GAP_AFTER_ACCEPTANCE,
                    fiscal_year=plan.approval_date.year,
                    **fields,
                )
            )
        self.bulk(PlanLineItem, lines)
        self.bulk(StatusChange, changes)
        self.bulk(ReviewOpinion, opinions)
        self.bulk(Tranche, tranches)

    # ------------------------------------------------------------ operations

    def operations(self) -> None:
        from operations.choices import AssessmentState, ServiceLevel
        from operations.grading import grade_for, weighted_total
        from operations.models import (
            AssessmentScheme,
            OperatingContract,
            OperationsAssessment,
            Operator,
            SatisfactionScore,
        )

        rng, s = self.rng, self.s
        types = list(FacilityType.values)
        operators = self.bulk(
            Operator,
            [
                Operator(
                    name=f"规模运营机构{i:04d}",
                    credit_code=credit_code(rng),
                    contact_person="联系人",
                    phone=f"0574-6{i:07d}",
                    facility_types=rng.sample(types, 2),
                )
                for i in range(max(0, s.operators - Operator.objects.count()))
            ],
        )
        contracts = []
        for i in range(s.contracts):
            sub = self.subdistricts[i % len(self.subdistricts)]
            starts = date(2024, 1, 1) + timedelta(days=rng.randrange(600))
            contracts.append(
                OperatingContract(
                    subdistrict=sub,
                    operator=operators[i % len(operators)],
                    title=f"{sub.name}设施运营合同{i:04d}",
                    service_level=ServiceLevel.SUBDISTRICT
                    if i % 10 == 0
                    else ServiceLevel.COMMUNITY,
                    starts_on=starts,
                    ends_on=starts + timedelta(days=3 * 365),
                    annual_fee=Decimal(rng.randrange(50, 500) * 1000),
                    created_by=self.staff_of[sub.pk],
                )
            )
        contracts = self.bulk(OperatingContract, contracts)
        facilities_of: dict[int, list[int]] = {}
        for pk, sub_id in Facility.objects.filter(
            community__subdistrict__in=self.subdistricts
        ).values_list("pk", "community__subdistrict_id"):
            facilities_of.setdefault(sub_id, []).append(pk)
        Through = OperatingContract.facilities.through
        links = []
        for i, contract in enumerate(contracts):
            pool = facilities_of.get(contract.subdistrict_id, [])
            # Each contract takes its own facilities of the subdistrict.
            for pk in pool[
                (i // len(self.subdistricts)) * 3 : (i // len(self.subdistricts)) * 3 + 3
            ]:
                links.append(Through(operatingcontract_id=contract.pk, facility_id=pk))
        self.bulk(Through, links)

        scheme = AssessmentScheme.objects.get(is_active=True)
        weights, grading = scheme.weights(), scheme.snapshot()
        assessor = User.objects.get(username="operations_assessor")
        rows = []
        subjects = [
            ("project", p) for p in self.projects if p.stage in ("assessment_passed", "named")
        ]
        subjects += [("contract", c) for c in contracts[: len(contracts) // 2]]
        for kind, subject in subjects:
            scores = {k: Decimal(rng.randrange(5000, 10000)) / 100 for k in weights}
            total = weighted_total(scores, weights)
            state = rng.choice(list(AssessmentState.values))
            rows.append(
                OperationsAssessment(
                    **{kind: subject},
                    subdistrict_id=(
                        subject.community.subdistrict_id
                        if kind == "project"
                        else subject.subdistrict_id
                    ),
                    period="2025",
                    scheme=scheme,
                    score_space=scores["space"],
                    score_activity=scores["activity"],
                    score_groups=scores["groups"],
                    score_life_services=scores["life_services"],
                    score_digital=scores["digital"],
                    grading=grading,
                    total=total,
                    grade=grade_for(total, scheme),
                    state=state,
                    assessed_by=assessor,
                    confirmed_by=assessor if state == AssessmentState.CONFIRMED else None,
                    confirmed_at=self.now if state == AssessmentState.CONFIRMED else None,
                )
            )
        self.bulk(OperationsAssessment, rows)
        periods = ["2025-H1", "2025-H2", "2026-H1", "2026-H2"][: s.satisfaction_periods]
        self.bulk(
            SatisfactionScore,
            [
                SatisfactionScore(
                    community=c,
                    period=period,
                    score=Decimal(rng.randrange(6000, 10000)) / 100,
                    respondents=rng.randrange(30, 400),
                    recorded_by=self.staff_of[c.subdistrict_id],
                )
                for c in self.communities
                for period in periods
            ],
        )

    def envelopes(self) -> None:
        """Each fiscal year's envelope covers what is committed in it, with room to spare."""
        from django.db.models import Sum

        from funding.models import ENVELOPE_YEARS, BudgetEnvelope, Tranche

        committed = (
            Tranche.objects.exclude(state__in=["cancelled", "returned"])
            .values_list("fiscal_year", "source")
            .annotate(total=Sum("amount"))
        )
        for year, source, total in committed:
            if not ENVELOPE_YEARS[0] <= year <= ENVELOPE_YEARS[1]:
                continue  # envelopes begin with the programme; older projects' money had none
            amount = (total * Decimal("1.2")).quantize(Decimal("1"))
            envelope, created = BudgetEnvelope.objects.get_or_create(
                fiscal_year=year, source=source, defaults={"amount": amount}
            )
            if not created and envelope.amount < amount:
                BudgetEnvelope.objects.filter(pk=envelope.pk).update(amount=amount)
            self.counts["funding.BudgetEnvelope"] = self.counts.get("funding.BudgetEnvelope", 0) + 1
