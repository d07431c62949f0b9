"""What a plan's content must hold before it is saved (projects.services._check_content): a named
operator for a third-party plan, at least one line item, each item's investment above zero, a
total equal to the items' sum, and a policy fee within the total. Each rule is refused on its own
field with its own message, and at its edge: one fen either side."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from communities.choices import Route, SpaceAvailability
from communities.models import SpaceResource
from projects import services
from projects.models import GapFillingPlan, PlanLineItem, SpaceAllocation
from tests.factories import CommunityFactory, SpaceResourceFactory

from .conftest import agree_all, pay_subsidy

DAY = datetime.date(2024, 6, 1)

FIELDS = {
    "year": 2024,
    "title": "南门社区补短板建设方案",
    "total_investment": Decimal("1260000.00"),
    "policy_fee": Decimal("60000.00"),
    "operating_mode": "self_run",
    "operator_name": "",
}
ITEMS = [
    {
        "facility_type": "elderly_care",
        "floor_area": Decimal("300"),
        "investment": Decimal("630000"),
    },
    {"facility_type": "childcare", "floor_area": Decimal("200"), "investment": Decimal("630000")},
]


def items(*investments):
    return [
        {"facility_type": "elderly_care", "floor_area": Decimal("100"), "investment": amount}
        for amount in investments
    ]


@pytest.fixture
def draft(staff_hushan):
    """Draft a plan for a community of the staff's subdistrict with these fields and items."""
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)

    def make(fields=None, line_items=ITEMS):
        return services.plan_create(
            actor=staff_hushan,
            community=community,
            fields={**FIELDS, **(fields or {})},
            line_items=line_items,
        )

    return make


def refusal(draft, fields=None, line_items=ITEMS) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        draft(fields, line_items)
    assert not GapFillingPlan.objects.exists()  # nothing of a refused plan is kept
    return refused.value.message_dict


def create_refusal(actor, community, spaces=()) -> dict[str, list[str]]:
    """The refusal of a plan drafted by ``actor`` for ``community`` with these spaces."""
    with pytest.raises(ValidationError) as refused:
        services.plan_create(
            actor=actor, community=community, fields=FIELDS, line_items=ITEMS, spaces=spaces
        )
    return refused.value.message_dict


def test_a_plan_whose_figures_add_up_is_saved(draft):
    plan = draft()
    assert plan.total_investment == Decimal("1260000.00")
    assert sorted(plan.line_items.values_list("investment", flat=True)) == [
        Decimal("630000.00"),
        Decimal("630000.00"),
    ]


@pytest.mark.parametrize("name", ["", "   "])
def test_a_third_party_plan_names_its_operator(draft, name):
    assert refusal(draft, {"operating_mode": "third_party", "operator_name": name}) == {
        "operator_name": ["请填写负责运营设施的第三方运营机构。"]
    }
    plan = draft({"operating_mode": "third_party", "operator_name": "慈溪市颐乐养老服务中心"})
    assert plan.operator_name == "慈溪市颐乐养老服务中心"


def test_a_plan_without_line_items_is_refused(draft):
    assert refusal(draft, line_items=[]) == {
        "__all__": ["请至少填写一项建设内容（设施类型、面积、投资额）。"]
    }


@pytest.mark.parametrize(
    "investments", [(Decimal("0"), Decimal("1260000")), (None, Decimal("1260000"))]
)
def test_a_line_item_of_no_investment_is_refused(draft, investments):
    assert refusal(draft, line_items=items(*investments)) == {
        "__all__": ["每项建设内容的投资额必须大于零。"]
    }


def test_a_line_item_of_one_fen_or_one_yuan_is_taken(draft):
    plan = draft(
        {"total_investment": Decimal("1.01"), "policy_fee": Decimal("0")},
        items(Decimal("0.01"), Decimal("1")),
    )
    assert plan.line_items.count() == 2


@pytest.mark.parametrize("total", [Decimal("1259999.99"), Decimal("1260000.01")])
def test_a_total_a_fen_away_from_the_items_sum_is_refused(draft, total):
    assert refusal(draft, {"total_investment": total, "policy_fee": Decimal("0")}) == {
        "total_investment": [
            f"总投资 {total:,.2f} 与各项建设内容投资之和 1,260,000.00 不一致，"
            "请修改总投资或建设内容。"
        ]
    }


def test_a_policy_fee_of_the_whole_total_is_taken_and_a_fen_more_is_refused(draft):
    assert refusal(draft, {"policy_fee": Decimal("1260000.01")}) == {
        "policy_fee": ["政策处理费 1,260,000.01 不得超过总投资 1,260,000.00。"]
    }
    assert draft({"policy_fee": Decimal("1260000.00")}).policy_fee == Decimal("1260000.00")


def test_every_broken_rule_is_told_at_once(draft):
    assert set(
        refusal(
            draft,
            {
                "operating_mode": "third_party",
                "total_investment": Decimal("100"),
                "policy_fee": Decimal("200"),
            },
            items(Decimal("0"), Decimal("50")),
        )
    ) == {"operator_name", "__all__", "total_investment", "policy_fee"}


def test_another_communitys_space_is_refused_in_chinese_and_nothing_is_kept(draft, staff_hushan):
    elsewhere = SpaceResourceFactory(
        name="南门用房",
        community=CommunityFactory(subdistrict=staff_hushan.subdistrict, name="北门"),
    )
    southern = CommunityFactory(subdistrict=staff_hushan.subdistrict, name="南门")
    assert create_refusal(staff_hushan, southern, [elsewhere]) == {
        "spaces": ["“南门用房”属于北门，不属于本方案所属社区南门；未保存任何内容。"]
    }
    assert not GapFillingPlan.objects.exists()


def test_a_removed_line_item_is_recorded_as_removed_by_its_editor(draft, staff_hushan):
    plan = draft()
    kept = plan.line_items.order_by("pk").first()
    services.plan_update(
        actor=staff_hushan,
        plan=plan,
        fields={"total_investment": Decimal("630000")},
        line_items=[
            {"pk": kept.pk, **{name: getattr(kept, name) for name in services.LINE_ITEM_FIELDS}}
        ],
    )
    assert list(plan.line_items.values_list("pk", flat=True)) == [kept.pk]
    removed = PlanLineItem.history.get(history_type="-")
    assert removed.history_user == staff_hushan


def test_a_plan_for_the_wrong_community_or_space_is_refused_in_chinese(draft, staff_hushan):
    subdistrict = staff_hushan.subdistrict

    future = CommunityFactory(subdistrict=subdistrict, route=Route.FUTURE, name="东门")
    assert create_refusal(staff_hushan, future) == {"community": ["“东门”不在补短板路径上。"]}

    first = draft()
    assert create_refusal(staff_hushan, first.community) == {
        "community": [
            f"“{first.community.name}”已有方案“{first.title}”（草稿），请修改该方案，或撤回后再新建。"
        ]
    }

    held = SpaceResourceFactory(
        name="西门用房", community=CommunityFactory(subdistrict=subdistrict)
    )
    holder = services.plan_create(
        actor=staff_hushan, community=held.community, fields=FIELDS, line_items=ITEMS, spaces=[held]
    )
    another = SpaceResourceFactory(name="西门二号用房", community=held.community)
    services.plan_withdraw(actor=staff_hushan, plan=holder, reason="")
    in_use = SpaceResourceFactory(name="在用用房", community=held.community, availability="in_use")
    assert create_refusal(staff_hushan, held.community, [another, in_use]) == {
        "spaces": ["“在用用房”当前不可用。"]
    }
    taken = services.plan_create(
        actor=staff_hushan, community=held.community, fields=FIELDS, line_items=ITEMS, spaces=[held]
    )
    # the first record of a plan comes from no state
    assert taken.status_changes.get().from_state == ""
    assert taken.space_allocations.get(is_active=True).space == held


def test_a_resaved_plan_keeps_its_own_spaces_even_once_in_use_and_frees_the_one_dropped(
    staff_hushan,
):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    kept, dropped, added = (
        SpaceResourceFactory(community=community, name=name) for name in ("一号", "二号", "三号")
    )
    plan = services.plan_create(
        actor=staff_hushan,
        community=community,
        fields=FIELDS,
        line_items=ITEMS,
        spaces=[kept, dropped],
    )
    kept_allocation = plan.space_allocations.get(space=kept)
    # The inventory now says the plan's own space is in use: the plan keeps it all the same.
    SpaceResource.objects.filter(pk=kept.pk).update(availability=SpaceAvailability.IN_USE)
    kept.refresh_from_db()

    services.plan_update(
        actor=staff_hushan, plan=plan, fields=FIELDS, line_items=ITEMS, spaces=[kept, added]
    )

    allocations = SpaceAllocation.objects.filter(plan=plan, is_active=True)
    assert sorted(allocations.values_list("space__name", flat=True)) == ["一号", "三号"]
    assert allocations.get(space=kept).pk == kept_allocation.pk  # kept, not allocated again
    assert not SpaceAllocation.objects.filter(space=dropped).exists()  # free for the next plan


def test_a_space_still_held_by_a_closed_plan_is_refused_to_the_next_round_in_chinese(
    staff_hushan, approver, reviewers
):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict, name="新城")
    held = SpaceResourceFactory(community=community, name="新城用房")
    plan = services.plan_create(
        actor=staff_hushan,
        community=community,
        fields={**FIELDS, "title": "新城第一轮方案"},
        line_items=ITEMS,
        spaces=[held],
    )
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    agree_all(plan, reviewers)
    services.plan_approve(actor=approver, plan=plan, approval_number="慈批2号", approval_date=DAY)
    services.plan_start(actor=staff_hushan, plan=plan)
    services.plan_complete(actor=staff_hushan, plan=plan, on_date=DAY)
    services.plan_accept(
        actor=approver, plan=plan, acceptance_date=DAY, settled_investment=Decimal("1260000")
    )
    pay_subsidy(plan)
    services.plan_close(actor=approver, plan=plan)
    # The facility built stands on the space: the closed plan keeps it.
    assert plan.space_allocations.get(is_active=True).space == held

    assert create_refusal(staff_hushan, community, [held]) == {
        "spaces": ["“新城用房”已分配给方案“新城第一轮方案”；未保存任何内容。"]
    }
    assert GapFillingPlan.objects.filter(community=community).count() == 1
