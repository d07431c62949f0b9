"""Future-community stages, the three-year plan export, and the development-block unit rule."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from communities.choices import FacilityType
from communities.models import User
from projects import services
from projects.choices import FutureStage
from projects.demo import seed as seed_projects
from projects.forms import PlanForm
from projects.models import (
    BlockUnit,
    DevelopmentBlock,
    FutureCommunityProject,
    GapFillingPlan,
    StatusChange,
)
from projects.selectors import block_requirement, latest_digital_review
from tests.factories import DigitalPlanReviewFactory, FutureCommunityProjectFactory

DAY = datetime.date(2024, 3, 1)


def test_stages_advance_one_at_a_time_with_the_audit_trail(approver):
    project = FutureCommunityProjectFactory()
    DigitalPlanReviewFactory(project=project)
    services.project_advance(
        actor=approver, project=project, to_stage=FutureStage.PLAN_REVIEWED, on_date=DAY
    )
    with pytest.raises(ValidationError):
        services.project_advance(
            actor=approver, project=project, to_stage=FutureStage.NAMED, on_date=DAY
        )
    project = services.project_advance(
        actor=approver, project=project, to_stage=FutureStage.APPROVED, on_date=DAY
    )
    assert project.approval_date == DAY
    assert list(project.status_changes.values_list("to_state", flat=True)) == [
        "plan_reviewed",
        "approved",
    ]


def test_only_the_task_force_advances_stages(staff_hushan):
    # A project the staff can see, so that it is the role that refuses (another
    # subdistrict's project is a 404, as if it did not exist).
    project = FutureCommunityProjectFactory(community__subdistrict=staff_hushan.subdistrict)
    with pytest.raises(PermissionDenied):
        services.project_advance(
            actor=staff_hushan, project=project, to_stage=FutureStage.PLAN_REVIEWED, on_date=DAY
        )


def test_three_year_plan_export_follows_the_filters(client, approver):
    FutureCommunityProjectFactory(plan_year=2024, creation_investment=Decimal("4500000"))
    FutureCommunityProjectFactory(plan_year=2025, creation_investment=Decimal("3000000"))
    client.force_login(approver)
    response = client.get(reverse("projects:future_export") + "?plan_year=2024")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A1"].value.startswith("慈溪市未来社区创建三年计划表")
    assert sheet["D3"].value == "2024年计划"
    assert sheet["H3"].value == 450
    assert sheet["A4"].value == "合计"


@pytest.mark.parametrize(
    ("area", "population", "required"),
    [("400", 10000, 1), ("401", 5000, 2), ("300", 25000, 3), ("1200", 100, 3)],
)
def test_units_follow_the_400_mu_or_10000_people_rule(area, population, required):
    block = DevelopmentBlock(name="x", area_mu=Decimal(area), planned_population=population)
    assert block_requirement(block, units=[]).required == required


def test_a_unit_missing_a_facility_type_is_warned(db):
    block = DevelopmentBlock.objects.create(
        name="西潮塘区块", area_mu=Decimal("300"), planned_population=8000
    )
    BlockUnit.objects.create(
        block=block, number=1, facility_types=[t for t in FacilityType.values if t != "childcare"]
    )
    result = block_requirement(block)
    assert result.required == 1
    assert len(result.warnings) == 1
    assert str(FacilityType.CHILDCARE.label) in result.warnings[0]


def test_block_page_shows_reasoning(client, approver):
    block = DevelopmentBlock.objects.create(
        name="金融港区块", area_mu=Decimal("450"), planned_population=8500
    )
    client.force_login(approver)
    page = client.get(reverse("projects:block_detail", args=[block.pk])).content.decode()
    assert "金融港区块</h1>" in page
    assert 'data-testid="unit-reasoning"' in page
    assert 'data-testid="block-warning"' in page


def test_demo_seed_is_idempotent_and_covers_every_state(db):
    from communities.demo import seed as seed_communities

    seed_communities()
    seed_projects()
    counts = (
        GapFillingPlan.objects.count(),
        FutureCommunityProject.objects.count(),
        DevelopmentBlock.objects.count(),
        StatusChange.objects.count(),
    )
    seed_projects()
    assert counts == (
        GapFillingPlan.objects.count(),
        FutureCommunityProject.objects.count(),
        DevelopmentBlock.objects.count(),
        StatusChange.objects.count(),
    )
    # 26 gap-filling communities, one left free in each demo subdistrict
    assert counts[:3] == (24, 29, 6)
    assert set(GapFillingPlan.objects.values_list("state", flat=True)) == {
        state for state, _label in GapFillingPlan._meta.get_field("state").choices
    }
    for username in ("subdistrict_staff", "subdistrict_staff_2"):
        states = set(
            GapFillingPlan.objects.filter(created_by__username=username).values_list(
                "state", flat=True
            )
        )
        assert {"draft", "returned"} <= states
        clerk = User.objects.get(username=username)
        form = PlanForm(instance=GapFillingPlan(), subdistrict=clerk.subdistrict)
        assert form.fields["community"].queryset.exists(), username
        assert not form.fields["community"].help_text
    assert FutureCommunityProject.objects.filter(funding_mode="original").count() == 11
    # The future projects show the digital-plan review and the joint acceptance: every project
    # past planning had an agreeing opinion, one after a disagreement; one in planning waits
    # for a new opinion; every project past joint acceptance has its record with its units.
    past_planning = FutureCommunityProject.objects.exclude(stage="planning")
    assert all(latest_digital_review(project).agrees for project in past_planning)
    assert past_planning.filter(digital_reviews__verdict="disagree").count() == 1
    waiting = FutureCommunityProject.objects.filter(stage="planning", digital_reviews__isnull=False)
    assert [latest_digital_review(project).verdict for project in waiting] == ["disagree"]
    accepted = past_planning.filter(
        stage__in=["joint_acceptance_passed", "assessment_passed", "named"]
    )
    assert accepted.exists()
    for project in accepted:
        acceptance = project.joint_acceptance
        assert acceptance.lead_unit.code == "housing"
        assert "urban_investment" in {unit.code for unit in acceptance.participants.all()}


def test_future_and_block_lists_query_counts_are_pinned(
    client, approver, django_assert_max_num_queries
):
    for _ in range(12):
        FutureCommunityProjectFactory()
    for number in range(8):
        block = DevelopmentBlock.objects.create(
            name=f"区块{number}", area_mu=Decimal("500"), planned_population=12000
        )
        BlockUnit.objects.create(block=block, number=1, facility_types=FacilityType.values)
    client.force_login(approver)

    # (one query more than the blocks: the scenarios of the page's projects, prefetched)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("projects:future_list"))
    assert len(response.context["object_list"]) == 12
    with django_assert_max_num_queries(9):
        response = client.get(reverse("projects:block_list"))
    assert len(response.context["rows"]) == 8


def test_block_list_filters_pilots(client, approver):
    DevelopmentBlock.objects.create(
        name="太屹区块", area_mu=Decimal("300"), planned_population=6500, is_pilot=True
    )
    DevelopmentBlock.objects.create(
        name="群丰社区", area_mu=Decimal("260"), planned_population=12000, is_pilot=False
    )
    client.force_login(approver)
    url = reverse("projects:block_list")
    names = [block.name for block, _ in client.get(url + "?is_pilot=true").context["rows"]]
    assert names == ["太屹区块"]
    names = [block.name for block, _ in client.get(url + "?is_pilot=false").context["rows"]]
    assert names == ["群丰社区"]
    assert len(client.get(url + "?is_pilot=").context["rows"]) == 2
    assert 'class="form-select"' in client.get(url).content.decode()


def test_a_stage_reached_in_the_future_is_refused(approver):
    project = FutureCommunityProjectFactory()
    DigitalPlanReviewFactory(project=project)
    with pytest.raises(ValidationError) as refused:
        services.project_advance(
            actor=approver,
            project=project,
            to_stage=FutureStage.PLAN_REVIEWED,
            on_date=datetime.date.today() + datetime.timedelta(days=2),
        )
    assert "on_date" in refused.value.message_dict
    project.refresh_from_db()
    assert project.stage == FutureStage.PLANNING


def test_another_subdistricts_project_and_block_are_404_and_left_out_of_the_export(
    client, staff_gutang, hushan
):
    from tests.factories import CommunityFactory

    project = FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=hushan, route="future", name="浒山某社区")
    )
    block = DevelopmentBlock.objects.create(
        name="浒山区块", subdistrict=hushan, area_mu=Decimal("300"), planned_population=5000
    )
    client.force_login(staff_gutang)
    assert client.get(reverse("projects:future_detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("projects:block_detail", args=[block.pk])).status_code == 404
    sheet = load_workbook(BytesIO(client.get(reverse("projects:future_export")).content)).active
    assert sheet["A3"].value == "合计"  # no row for another subdistrict's project


@pytest.mark.parametrize(
    ("change", "refused_on"),
    [
        ({"creation_investment": Decimal("9000000")}, {"creation_investment"}),
        (
            {"category": "new_build", "funding_mode": "self_funded"},
            {"category", "funding_mode"},
        ),
        (
            {"provincial_batch": 3, "plan_year": None, "funding_mode": "original"},
            {"funding_mode"},
        ),
    ],
    ids=["investment", "category-and-mode", "batch-and-mode"],
)
def test_committed_figures_of_an_approved_project_cannot_change(
    db, user_with_role, change, refused_on
):
    """Each figure the subsidy was committed on is refused on its own field, and nothing of
    the change is kept."""
    approver = user_with_role("taskforce_approver")
    project = FutureCommunityProjectFactory()
    services.project_update(
        actor=approver, project=project, fields={"creation_investment": Decimal("5000000")}
    )
    DigitalPlanReviewFactory(project=project)
    for stage in ["plan_reviewed", "approved"]:
        project = services.project_advance(
            actor=approver, project=project, to_stage=stage, on_date=datetime.date(2024, 6, 1)
        )
    with pytest.raises(ValidationError) as refused:
        services.project_update(actor=approver, project=project, fields=change)
    assert set(refused.value.message_dict) == refused_on
    for messages in refused.value.message_dict.values():
        assert messages == ["立项时已按此数据承诺补助，不能再修改。"]
    project.refresh_from_db()
    assert (project.category, project.funding_mode, project.creation_investment) == (
        "renovation",
        "optimised",
        Decimal("5000000"),
    )
    # Fields the subsidy does not depend on may still change.
    services.project_update(actor=approver, project=project, fields={"project_type": "leading"})


def test_a_block_keeps_every_field_it_is_saved_with_and_each_change(db, user_with_role):
    """The block's service stores each of its fields, on creation and on a later change (the
    admin's form hands it the cleaned values; a change is read from the locked row)."""
    from tests.factories import CommunityFactory, SubdistrictFactory

    approver = user_with_role("taskforce_approver")
    first, second = SubdistrictFactory(name="浒山"), SubdistrictFactory(name="古塘")
    fields = {
        "name": "科教园区东区块",
        "subdistrict": first,
        "community": None,  # a block may lie in a subdistrict without rebuilding a community
        "area_mu": Decimal("380.00"),
        "planned_population": 9000,
        "is_pilot": True,
        "note": "集成落地",
    }
    block = services.block_save(actor=approver, block=DevelopmentBlock(), fields=fields)
    stored = DevelopmentBlock.objects.get(pk=block.pk)
    assert {name: getattr(stored, name) for name in fields} == fields

    changed = {
        "name": "科教园区西区块",
        "subdistrict": second,
        "community": CommunityFactory(subdistrict=second),
        "area_mu": Decimal("420.50"),
        "planned_population": 12000,
        "is_pilot": False,
        "note": "",
    }
    services.block_save(actor=approver, block=stored, fields=changed)
    stored = DevelopmentBlock.objects.get(pk=block.pk)
    assert {name: getattr(stored, name) for name in changed} == changed
    assert stored.history.count() == 2


def test_a_refused_unit_leaves_the_blocks_units_as_they_were(db, user_with_role):
    """The planned units are replaced all at once or not at all: a unit refused half-way keeps
    the list the block had."""
    approver = user_with_role("taskforce_approver")
    block = DevelopmentBlock.objects.create(
        name="金融港区块", area_mu=Decimal("450"), planned_population=8500
    )
    services.block_units_save(
        actor=approver,
        block=block,
        units=[{"number": 1, "name": "集成用房", "facility_types": ["elderly_care"]}],
    )
    with pytest.raises(ValidationError):
        services.block_units_save(
            actor=approver,
            block=block,
            units=[
                {"number": 1, "name": "东区", "facility_types": ["childcare"]},
                {"number": 2, "name": "西区", "facility_types": ["no_such_facility"]},
            ],
        )
    assert list(block.units.values_list("number", "name", "facility_types")) == [
        (1, "集成用房", ["elderly_care"])
    ]
