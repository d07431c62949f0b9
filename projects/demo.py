"""Illustrative demo plans, opinions, future-community projects and development blocks.

Every state is reached through the services, so the state history is the real one. Amounts,
areas and populations are made up, drawn from generators seeded by the community code; a second
run skips whatever already exists.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from communities.choices import DepartmentCode, FacilityType, Route, SpaceAvailability
from communities.models import Community, Department, Subdistrict, User
from funding import services as funding_services
from funding.choices import TrancheState
from funding.models import Tranche

from . import services
from .choices import FUTURE_STAGE_ORDER, FutureStage, PlanState, Scenario
from .models import DevelopmentBlock, FutureCommunityProject, GapFillingPlan, StatusChange

# Target states of the gap-filling plans, by plan year, in the communities' order: older plans
# are further along. Both demo subdistricts get a draft and a returned plan, and each keeps one
# community without a plan (None), so that its clerk can draft a new one.
PLAN_STATES = {
    2023: [
        PlanState.CLOSED,
        PlanState.ACCEPTED,
        PlanState.COMPLETED,
        PlanState.UNDER_CONSTRUCTION,
        PlanState.UNDER_CONSTRUCTION,
        PlanState.APPROVED,
        PlanState.APPROVED,
        PlanState.ACCEPTED,
        PlanState.CLOSED,
        PlanState.COMPLETED,
    ],
    2024: [
        PlanState.APPROVABLE,
        PlanState.IN_JOINT_REVIEW,
        PlanState.RETURNED,
        PlanState.RETURNED,
        PlanState.APPROVED,
        PlanState.IN_JOINT_REVIEW,
        PlanState.DRAFT,
        PlanState.WITHDRAWN,
    ],
    2025: [
        PlanState.DRAFT,
        None,  # 湾底 (浒山)
        PlanState.SUBMITTED,
        PlanState.DRAFT,
        None,  # 古塘示例二 (古塘)
        PlanState.WITHDRAWN,
        PlanState.SUBMITTED,
        PlanState.DRAFT,
    ],
}
# The steps that lead from a draft to each state.
REVIEWED = ["submit", "open_review", "agree"]
BUILT = [*REVIEWED, "approve", "start", "progress"]
STEPS = {
    PlanState.DRAFT: [],
    PlanState.SUBMITTED: ["submit"],
    PlanState.IN_JOINT_REVIEW: ["submit", "open_review", "partial"],
    PlanState.APPROVABLE: REVIEWED,
    PlanState.APPROVED: [*REVIEWED, "approve"],
    PlanState.UNDER_CONSTRUCTION: BUILT,
    PlanState.COMPLETED: [*BUILT, "complete"],
    PlanState.ACCEPTED: [*BUILT, "complete", "accept"],
    PlanState.CLOSED: [*BUILT, "complete", "accept", "pay", "close"],
    PlanState.RETURNED: ["submit", "open_review", "disagree", "return"],
    PlanState.WITHDRAWN: ["withdraw"],
}
LINE_ITEM_TYPES = [
    FacilityType.ELDERLY_CARE,
    FacilityType.CHILDCARE,
    FacilityType.HEALTH,
    FacilityType.SPORTS,
    FacilityType.CULTURE,
    FacilityType.NEIGHBOURHOOD_CENTRE,
]

# Development blocks: the five pilots of policy §四(一)1 and 群丰; figures are illustrative.
BLOCKS = [
    # name, subdistrict code, community code, area (亩), planned population, units' types
    ("西潮塘区块", None, None, "620", 14000, [FacilityType.values, FacilityType.values[:5]]),
    ("科教园区东区块", None, None, "380", 9000, [FacilityType.values]),
    ("金融港区块", None, None, "450", 8500, [FacilityType.values, FacilityType.values]),
    ("新城河区块（四、五期）", "gutang", None, "820", 21000, [FacilityType.values] * 2),
    ("太屹区块", None, None, "300", 6500, [FacilityType.values[1:]]),
    ("白沙路街道群丰社区", "baishalu", "baishalu-01", "260", 12000, [FacilityType.values]),
]
# Future communities built new and funded by their implementing body, and the leading ones.
NEW_BUILD = {"新潮塘", "新城河"}
LEADING = {"三碰桥", "上傅家"}


def seed() -> None:
    """Create the demo plans, projects and blocks that do not exist yet."""
    users = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    if "taskforce_approver" not in users:
        return
    _seed_plans(users)
    _seed_future_projects(users["taskforce_approver"], users)
    _seed_blocks(users["taskforce_approver"])


def _usernames() -> list[str]:
    reviewers = [
        f"department_reviewer_{code}"
        for code in Department.objects.filter(is_joint_reviewer=True).values_list("code", flat=True)
    ]
    return [
        "admin",
        "subdistrict_staff",
        "subdistrict_staff_2",
        "taskforce_approver",
        "finance_officer",
        "operations_assessor",
        *reviewers,
    ]


def _seed_plans(users: dict[str, User]) -> None:
    staff_by_subdistrict = {
        user.subdistrict_id: user
        for user in users.values()
        if user.subdistrict_id and user.username.startswith("subdistrict_staff")
    }
    reviewers = [user for name, user in users.items() if name.startswith("department_reviewer")]
    gap = Community.objects.filter(route=Route.GAP).order_by("subdistrict__code", "code")
    by_year: dict[int, list[Community]] = {}
    for community in sorted(gap, key=lambda c: _community_order(c)):
        by_year.setdefault(community.plan_year, []).append(community)
    for year, communities in by_year.items():
        for community, state in zip(communities, PLAN_STATES.get(year, []), strict=False):
            if state is None or GapFillingPlan.objects.filter(community=community).exists():
                continue
            staff = staff_by_subdistrict.get(community.subdistrict_id) or users["admin"]
            last_change = _last_change_pk()
            plan = _draft(community, staff, year)
            _backdate(plan=plan, after_pk=last_change, on=datetime.date(year, 4, 1))
            _walk(
                plan,
                STEPS[state],
                staff=staff,
                approver=users["taskforce_approver"],
                finance=users.get("finance_officer"),
                reviewers=reviewers,
            )


def _community_order(community: Community) -> tuple:
    """The order of communities.demo's table: 浒山, 古塘, 白沙路, 宗汉, 坎墩."""
    order = ["hushan", "gutang", "baishalu", "zonghan", "kandun"]
    code = community.subdistrict.code
    return (order.index(code) if code in order else len(order), community.code)


def _draft(community: Community, staff: User, year: int) -> GapFillingPlan:
    rng = random.Random(f"plan-{community.code}")
    types = rng.sample(LINE_ITEM_TYPES[:2], rng.randint(1, 2)) + rng.sample(LINE_ITEM_TYPES[2:], 1)
    items = [
        {
            "facility_type": facility_type,
            "floor_area": Decimal(rng.randrange(120, 600)),
            "investment": Decimal(rng.randrange(30, 120) * 10000),
        }
        for facility_type in types
    ]
    total = sum((item["investment"] for item in items), Decimal("0.00"))
    space = (
        community.spaces.filter(availability=SpaceAvailability.AVAILABLE)
        .exclude(allocations__is_active=True)
        .order_by("pk")
        .first()
    )
    third_party = rng.random() < 0.5
    return services.plan_create(
        actor=staff,
        community=community,
        fields={
            "year": year,
            "title": f"{community.name}社区公共服务设施补短板建设方案",
            "total_investment": total,
            "policy_fee": (total * Decimal("0.05")).quantize(Decimal("1")),
            "operating_mode": "third_party" if third_party else "self_run",
            "operator_name": "慈溪市颐乐养老服务有限公司" if third_party else "",
        },
        line_items=items,
        spaces=[space] if space else [],
    )


def _walk(plan: GapFillingPlan, steps: list[str], *, staff, approver, finance, reviewers) -> None:
    """Take the plan through the steps with the actors who may take them."""
    day = datetime.date(plan.year, 4, 1)
    for step in steps:
        last_change = _last_change_pk()
        if step == "submit":
            services.plan_submit(actor=staff, plan=plan)
        elif step == "open_review":
            services.plan_open_review(actor=approver, plan=plan)
        elif step in ("agree", "partial"):
            agreeing = reviewers if step == "agree" else reviewers[: len(reviewers) // 2]
            for index, reviewer in enumerate(agreeing):
                conditional = index == 1
                services.opinion_record(
                    actor=reviewer,
                    plan=plan,
                    decision="agree_with_conditions" if conditional else "agree",
                    comments="托育用房须满足消防疏散要求。" if conditional else "",
                )
        elif step == "disagree":
            services.opinion_record(
                actor=reviewers[0],
                plan=plan,
                decision="disagree",
                comments="投资测算依据不足，请补充分项造价。",
            )
        elif step == "return":
            services.plan_return(
                actor=approver, plan=plan, reason="请补充分项造价依据和运营方案后重新报送。"
            )
        elif step == "approve":
            services.plan_approve(
                actor=approver,
                plan=plan,
                approval_number=f"慈补短板批〔{plan.year}〕{plan.pk}号",
                approval_date=day + datetime.timedelta(days=30),
            )
        elif step == "start":
            services.plan_start(actor=staff, plan=plan)
        elif step == "progress":
            services.progress_report(
                actor=staff,
                plan=plan,
                percent=45,
                on_date=day + datetime.timedelta(days=90),
                note="主体装修进行中",
            )
        elif step == "complete":
            services.plan_complete(
                actor=staff, plan=plan, on_date=day + datetime.timedelta(days=200)
            )
        elif step == "accept":
            services.plan_accept(
                actor=approver,
                plan=plan,
                acceptance_date=day + datetime.timedelta(days=230),
                settled_investment=(plan.total_investment * Decimal("0.97")).quantize(Decimal("1")),
            )
        elif step == "pay":
            _pay_subsidy(plan, finance=finance, on=day + datetime.timedelta(days=260))
        elif step == "close":
            services.plan_close(actor=approver, plan=plan, comment="补助已拨付")
        elif step == "withdraw":
            services.plan_withdraw(actor=staff, plan=plan, reason="社区拆迁计划调整，暂缓实施")
        _backdate(plan=plan, after_pk=last_change, on=day + STEP_DAYS.get(step, ZERO_DAYS))
        plan.refresh_from_db()


# When each step of a demo plan happened, counted from 1 April of its year; the audit trail,
# opinions and tranches are dated accordingly so that reports over past months read true.
ZERO_DAYS = datetime.timedelta(0)
STEP_DAYS = {
    "submit": datetime.timedelta(days=7),
    "open_review": datetime.timedelta(days=10),
    "agree": datetime.timedelta(days=20),
    "partial": datetime.timedelta(days=20),
    "disagree": datetime.timedelta(days=20),
    "return": datetime.timedelta(days=25),
    "withdraw": datetime.timedelta(days=25),
    "approve": datetime.timedelta(days=30),
    "start": datetime.timedelta(days=45),
    "progress": datetime.timedelta(days=90),
    "complete": datetime.timedelta(days=200),
    "accept": datetime.timedelta(days=230),
    "pay": datetime.timedelta(days=260),
    "close": datetime.timedelta(days=265),
}


def _last_change_pk() -> int:
    return StatusChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _backdate(*, plan=None, project=None, after_pk: int, on: datetime.date) -> None:
    """Date the status changes (and opinions) a demo step just wrote on the day it stands for."""
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10, 0)))
    StatusChange.objects.filter(pk__gt=after_pk).update(at=moment)
    if plan is not None:
        plan.opinions.filter(at__gt=moment).update(at=moment)


def _pay_subsidy(plan: GapFillingPlan, *, finance, on: datetime.date) -> None:
    """Finance approves and pays the plan's settled subsidy, so that the plan can close."""
    for tranche in Tranche.objects.filter(plan=plan, state=TrancheState.DUE):
        tranche = funding_services.tranche_approve(tranche=tranche, actor=finance)
        funding_services.tranche_mark_paid(
            tranche=tranche, actor=finance, voucher_number=f"CZ{on:%Y%m}{plan.pk:04d}", paid_on=on
        )


# The stage (its index in FUTURE_STAGE_ORDER) a demo project of each provincial batch reached.
BATCH_STAGE = {1: 6, 2: 5, 3: 5, 4: 4, 5: 4, 6: 3, 7: 2}


def _future_stage(community: Community) -> str:
    """Older batches are further along, so that every stage has a project; the 2025 plan is
    still being drawn up."""
    if community.provincial_batch:
        return FUTURE_STAGE_ORDER[BATCH_STAGE.get(community.provincial_batch, 2)]
    return (
        FUTURE_STAGE_ORDER[2]
        if community.plan_year == 2024
        else FUTURE_STAGE_ORDER[len(community.name) % 2]
    )


# What a demo future community plans in each scenario (三化九场景).
SCENARIO_CONTENT = {
    Scenario.NEIGHBOURHOOD: "改造邻里中心，设置邻里议事厅和共享客厅",
    Scenario.EDUCATION: "建设托育驿站和四点半课堂，开设老年学堂",
    Scenario.HEALTH: "设置社区健康小屋和康养联合体服务点",
    Scenario.ENTREPRENEURSHIP: "利用闲置用房建设青年创业空间",
    Scenario.ARCHITECTURE: "老旧小区立面整治、加装电梯和口袋公园",
    Scenario.TRANSPORT: "增设非机动车棚和充电桩，优化慢行步道",
    Scenario.LOW_CARBON: "建设垃圾分类屋和屋顶光伏，推广节水改造",
    Scenario.SERVICES: "建设社区食堂和便民服务站，引入物业服务",
    Scenario.GOVERNANCE: "建设智慧治理平台，完善网格化管理",
}


def _seed_scenarios(project: FutureCommunityProject, approver: User, rng) -> None:
    """The task force records the scenarios the project builds: six to nine of the nine."""
    chosen = sorted(rng.sample(Scenario.values, rng.randrange(6, 10)), key=Scenario.values.index)
    services.project_scenarios_save(
        actor=approver,
        project=project,
        scenarios=[
            {"scenario": code, "planned_content": SCENARIO_CONTENT[code]} for code in chosen
        ],
    )


def _report_built(project: FutureCommunityProject, staff: User, *, leave: int = 0) -> None:
    """The subdistrict reports the project's scenarios built, all but the last ``leave``."""
    codes = [row.scenario for row in project.scenarios.order_by("pk")]
    services.project_scenarios_report_built(
        actor=staff, project=project, built=codes[: len(codes) - leave]
    )


def _seed_future_projects(approver: User, users: dict[str, User]) -> None:
    assessor = users.get("operations_assessor")
    staff_by_subdistrict = {
        user.subdistrict_id: user
        for user in users.values()
        if user.subdistrict_id and user.username.startswith("subdistrict_staff")
    }
    shown = {"disagreed": False, "disagreed_then_agreed": False}
    for community in Community.objects.filter(route=Route.FUTURE).order_by("code"):
        if FutureCommunityProject.objects.filter(community=community).exists():
            continue
        rng = random.Random(f"future-{community.code}")
        new_build = community.name in NEW_BUILD
        start = datetime.date(2019 + (community.provincial_batch or 5), 3, 1)
        last_change = _last_change_pk()
        project = services.project_create(
            actor=approver,
            community=community,
            fields={
                "category": "new_build" if new_build else "renovation",
                "project_type": "leading" if community.name in LEADING else "inclusive",
                "provincial_batch": community.provincial_batch,
                "plan_year": None if community.provincial_batch else community.plan_year,
                "funding_mode": "self_funded"
                if new_build
                else ("original" if community.provincial_batch else "optimised"),
                "creation_investment": Decimal(rng.randrange(300, 800) * 10000),
            },
        )
        _backdate(project=project, after_pk=last_change, on=start)
        _seed_scenarios(project, approver, rng)
        staff = staff_by_subdistrict.get(community.subdistrict_id) or users["admin"]
        target = FUTURE_STAGE_ORDER.index(_future_stage(community))
        if assessor is None:
            continue
        # One project in planning shows a disagreement waiting for a new review; one further
        # along was disagreed with once, then agreed to.
        if target == 0 and not shown["disagreed"]:
            shown["disagreed"] = True
            _digital_review(project, assessor, "disagree", start + datetime.timedelta(days=30))
            continue
        if target > 0 and not shown["disagreed_then_agreed"]:
            shown["disagreed_then_agreed"] = True
            _digital_review(project, assessor, "disagree", start + datetime.timedelta(days=30))
        if target > 0:
            _digital_review(project, assessor, "agree", start + datetime.timedelta(days=60))
        for step, stage in enumerate(FUTURE_STAGE_ORDER[1 : target + 1], start=1):
            on_date = start + datetime.timedelta(days=120 * step)
            last_change = _last_change_pk()
            if stage == FutureStage.JOINT_ACCEPTANCE_PASSED:
                _report_built(project, staff)
                services.project_pass_joint_acceptance(
                    actor=approver,
                    project=project,
                    on_date=on_date,
                    lead_unit=Department.objects.get(code=DepartmentCode.HOUSING),
                    participants=Department.objects.filter(code__in=ACCEPTANCE_UNITS),
                    document_number=f"慈住建验〔{on_date.year}〕{project.pk}号",
                )
                project.refresh_from_db()
            else:
                project = services.project_advance(
                    actor=approver, project=project, to_stage=stage, on_date=on_date
                )
            _backdate(project=project, after_pk=last_change, on=on_date)
        # Under construction, some scenarios are built and the rest still being built.
        if project.stage == FutureStage.APPROVED:
            _report_built(project, staff, leave=3)
        elif project.stage == FutureStage.CONSTRUCTION_COMPLETE:
            _report_built(project, staff, leave=1)


# The units that take part in a demo joint acceptance with 市住建局 (policy §七(一)).
ACCEPTANCE_UNITS = (
    DepartmentCode.URBAN_INVESTMENT,
    DepartmentCode.DEVELOPMENT,
    DepartmentCode.FINANCE,
    DepartmentCode.MEDIA_CENTRE,
)
DIGITAL_COMMENTS = {
    "agree": "数字化方案符合全域未来社区平台贯通要求",
    "disagree": "数字化方案未接入“浙里未来社区在线”，请补充贯通方案后重新报审",
}


def _digital_review(project, assessor: User, verdict: str, on: datetime.date) -> None:
    """The 融媒体中心's opinion on the project's digital plan, by document number."""
    review = services.digital_review_record(
        actor=assessor,
        project=project,
        verdict=verdict,
        reviewed_on=on,
        comments=DIGITAL_COMMENTS[verdict],
        document_number=f"慈融媒审〔{on.year}〕{project.pk}-{on:%m%d}号",
    )
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(15, 0)))
    type(review).objects.filter(pk=review.pk).update(recorded_at=moment)


def _seed_blocks(approver: User) -> None:
    for name, subdistrict_code, community_code, area, population, units in BLOCKS:
        if DevelopmentBlock.objects.filter(name=name).exists():
            continue
        block = services.block_save(
            actor=approver,
            block=DevelopmentBlock(),
            fields={
                "name": name,
                "subdistrict": Subdistrict.objects.filter(code=subdistrict_code).first(),
                "community": Community.objects.filter(code=community_code).first(),
                "area_mu": Decimal(area),
                "planned_population": population,
                "is_pilot": community_code is None,
                "note": "试点区块（数据为示例）"
                if community_code is None
                else "列入三年拆迁改造计划，按试点办法新建社区",
            },
        )
        services.block_units_save(
            actor=approver,
            block=block,
            units=[
                {"number": number, "name": f"{name}集成用房{number}", "facility_types": list(types)}
                for number, types in enumerate(units, start=1)
            ],
        )
