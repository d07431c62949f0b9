"""The nine scenarios (三化九场景) of a future-community project: the task force plans them, the
subdistrict reports them built, the joint acceptance needs them all built and accepts them; the
project page, the admin and the three-year plan table show them."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from communities.choices import FutureStage
from communities.models import Department, Notification
from communities.roles import Role
from projects import services
from projects.choices import Scenario, scenario_label
from projects.lifecycles import FUTURE
from projects.models import FutureCommunityProject, FutureScenario

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PLAN = [
    {"scenario": "neighbourhood", "planned_content": "邻里中心改造"},
    {"scenario": "education", "planned_content": "托育驿站"},
    {"scenario": "transport", "planned_content": "充电桩和慢行步道"},
]


def at_stage(project, stage: str) -> FutureCommunityProject:
    FutureCommunityProject.objects.filter(pk=project.pk).update(stage=stage)
    project.refresh_from_db()
    return project


def states(project) -> dict[str, str]:
    return dict(project.scenarios.values_list("scenario", "state"))


# --- planning the scenarios ------------------------------------------------------------------


def test_the_task_force_plans_the_scenarios_with_history(approver, project):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)

    assert states(project) == {
        "neighbourhood": "planned",
        "education": "planned",
        "transport": "planned",
    }
    row = project.scenarios.get(scenario="education")
    assert row.planned_content == "托育驿站"
    assert row.history.first().history_user == approver


def test_saving_again_edits_keeps_and_drops(approver, project):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    kept = project.scenarios.get(scenario="neighbourhood")

    services.project_scenarios_save(
        actor=approver,
        project=project,
        scenarios=[
            {"scenario": "neighbourhood", "planned_content": "邻里中心改造（扩建）"},
            {"scenario": "governance", "planned_content": "智慧治理平台"},
        ],
    )

    assert set(states(project)) == {"neighbourhood", "governance"}
    assert project.scenarios.get(scenario="neighbourhood").pk == kept.pk
    assert project.scenarios.get(scenario="neighbourhood").planned_content == "邻里中心改造（扩建）"


@pytest.mark.parametrize(
    ("scenarios", "refusal"),
    [
        (
            [{"scenario": "space_travel", "planned_content": "x"}],
            {"scenario": ["“space_travel”不属于九大场景。"]},
        ),
        (PLAN[:1] + PLAN[:1], {"scenario": ["场景“邻里场景”重复填写。"]}),
        (
            [{"scenario": "health", "planned_content": "  "}],
            {"planned_content": ["请说明“健康场景”的建设内容。"]},
        ),
        ([{"scenario": "health"}], {"planned_content": ["请说明“健康场景”的建设内容。"]}),
    ],
    ids=["unknown", "twice", "blank-content", "no-content"],
)
def test_bad_scenarios_are_refused_in_chinese_and_nothing_saved(
    approver, project, scenarios, refusal
):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN[1:2])
    with pytest.raises(ValidationError) as refused:
        services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN + scenarios)
    assert refused.value.message_dict == refusal
    assert states(project) == {"education": "planned"}


@pytest.mark.parametrize(
    "role", [Role.SUBDISTRICT_STAFF, Role.DEPARTMENT_REVIEWER, Role.FINANCE_OFFICER]
)
def test_only_the_task_force_plans_scenarios(user_with_role, hushan, project, role):
    user = user_with_role(role, subdistrict=hushan if role == Role.SUBDISTRICT_STAFF else None)
    with pytest.raises(PermissionDenied):
        services.project_scenarios_save(actor=user, project=project, scenarios=PLAN)
    assert not FutureScenario.objects.exists()


def test_scenarios_are_settled_at_the_joint_acceptance(approver, project):
    at_stage(project, FutureStage.JOINT_ACCEPTANCE_PASSED)
    with pytest.raises(ValidationError):
        services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    assert not FutureScenario.objects.exists()


def test_a_scenario_reported_built_cannot_be_dropped(approver, staff_hushan, project):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["education"]
    )

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN[:1])

    assert "Education" in " ".join(refused.value.messages)
    assert len(states(project)) == 3


# --- reporting them built --------------------------------------------------------------------


def test_the_subdistrict_reports_scenarios_built_and_the_task_force_is_told(
    approver, staff_hushan, project
):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)

    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["neighbourhood", "transport"]
    )

    assert states(project) == {
        "neighbourhood": "built",
        "education": "planned",
        "transport": "built",
    }
    assert project.scenarios.get(scenario="transport").history.first().history_user == staff_hushan
    assert Notification.objects.filter(recipient=approver).exists()
    # A box unticked again: the scenario is still being built.
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["transport"]
    )
    assert states(project)["neighbourhood"] == "planned"


@pytest.mark.parametrize(
    ("reporter", "refusal"),
    [("staff_gutang", Http404), ("approver", PermissionDenied)],
    ids=["another-subdistrict", "task-force"],
)
def test_only_the_projects_own_subdistrict_reports_built(
    request, approver, project, reporter, refusal
):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)
    with pytest.raises(refusal):
        services.project_scenarios_report_built(
            actor=request.getfixturevalue(reporter), project=project, built=["education"]
        )
    assert set(states(project).values()) == {"planned"}


@pytest.mark.parametrize(
    ("stage", "built"),
    [
        (FutureStage.PLAN_REVIEWED, ["education"]),
        (FutureStage.APPROVED, ["health"]),
        (FutureStage.APPROVED, ["space_travel"]),
    ],
    ids=["before-approval", "not-planned", "unknown"],
)
def test_reports_out_of_construction_or_of_unplanned_scenarios_are_refused(
    approver, staff_hushan, project, stage, built
):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, stage)
    with pytest.raises(ValidationError):
        services.project_scenarios_report_built(actor=staff_hushan, project=project, built=built)
    assert set(states(project).values()) == {"planned"}


# --- the joint acceptance --------------------------------------------------------------------


def test_joint_acceptance_is_refused_naming_the_scenarios_not_built(
    approver, staff_hushan, project
):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["education"]
    )
    at_stage(project, FutureStage.CONSTRUCTION_COMPLETE)

    with translation.override("zh-hans"):
        decision = FUTURE.decide(approver, FutureStage.JOINT_ACCEPTANCE_PASSED, project)
        assert decision.reason == "联合验收要求所有计划场景均已建成；尚未建成：邻里场景、交通场景。"
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.project_advance(
            actor=approver,
            project=project,
            to_stage=FutureStage.JOINT_ACCEPTANCE_PASSED,
            on_date=TODAY,
        )

    assert "Neighbourhood, Transport" in refused.value.messages[0]
    project.refresh_from_db()
    assert project.stage == FutureStage.CONSTRUCTION_COMPLETE
    assert states(project)["education"] == "built"
    assert FUTURE["joint_acceptance_passed"] not in FUTURE.available(approver, project)


def test_passing_joint_acceptance_marks_the_built_scenarios_accepted(
    approver, staff_hushan, project
):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.CONSTRUCTION_COMPLETE)
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=[row["scenario"] for row in PLAN]
    )
    assert FUTURE["joint_acceptance_passed"] in FUTURE.available(approver, project)

    services.project_pass_joint_acceptance(
        actor=approver,
        project=project,
        on_date=TODAY,
        lead_unit=Department.objects.get(code="housing"),
        participants=Department.objects.filter(code="urban_investment"),
        document_number="慈住建验〔2024〕1号",
    )

    project.refresh_from_db()
    assert project.stage == FutureStage.JOINT_ACCEPTANCE_PASSED
    assert set(states(project).values()) == {"accepted"}
    assert project.scenarios.first().history.first().history_user == approver


def test_the_joint_acceptance_form_names_the_missing_scenarios(client, approver, project):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.CONSTRUCTION_COMPLETE)
    client.force_login(approver)
    client.cookies["django_language"] = "en"
    prefix = "joint_acceptance_passed-"

    response = client.post(
        reverse("projects:future_action", args=[project.pk, "joint_acceptance_passed"]),
        {
            f"{prefix}on_date": TODAY.isoformat(),
            f"{prefix}lead_unit": Department.objects.get(code="housing").pk,
            f"{prefix}participants": [Department.objects.get(code="urban_investment").pk],
            f"{prefix}document_number": "慈住建验〔2024〕1号",
        },
    )

    assert response.status_code == 200
    assert "not yet built: Neighbourhood, Education, Transport" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == FutureStage.CONSTRUCTION_COMPLETE


# --- the pages -------------------------------------------------------------------------------


def scenario_post(**values) -> dict:
    return {
        code: values.get(code, "")
        for code in (
            "neighbourhood",
            "education",
            "health",
            "entrepreneurship",
            "architecture",
            "transport",
            "low_carbon",
            "services",
            "governance",
        )
    }


def test_the_project_page_form_saves_the_scenarios(client, approver, project):
    client.force_login(approver)
    response = client.post(
        reverse("projects:future_scenarios", args=[project.pk]),
        scenario_post(health="健康小屋", governance="智慧治理平台"),
    )

    assert response.status_code == 302
    assert states(project) == {"health": "planned", "governance": "planned"}
    page = client.get(reverse("projects:future_detail", args=[project.pk])).content.decode()
    assert "健康小屋" in page and "智慧治理平台" in page


def test_a_refused_page_form_keeps_what_was_typed(client, approver, staff_hushan, project):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["education"]
    )
    client.force_login(approver)

    response = client.post(
        reverse("projects:future_scenarios", args=[project.pk]),
        scenario_post(neighbourhood="邻里中心改造（调整）", health="新写的健康小屋"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    form = response.context["scenario_form"]
    assert "cannot be dropped" in " ".join(form.errors["education"])
    page = response.content.decode()
    assert "新写的健康小屋" in page and "邻里中心改造（调整）" in page
    assert "health" not in states(project)


def test_the_subdistrict_reports_built_on_the_project_page(client, approver, staff_hushan, project):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)
    client.force_login(staff_hushan)
    page = client.get(reverse("projects:future_detail", args=[project.pk]))
    assert page.context["built_form"] is not None and page.context["scenario_form"] is None

    response = client.post(
        reverse("projects:future_scenarios_built", args=[project.pk]), {"built": ["transport"]}
    )

    assert response.status_code == 302
    assert states(project)["transport"] == "built"


def test_the_staff_page_post_of_the_plan_form_is_refused(client, staff_hushan, project):
    client.force_login(staff_hushan)
    response = client.post(
        reverse("projects:future_scenarios", args=[project.pk]), scenario_post(health="健康小屋")
    )
    assert response.status_code == 403
    assert not FutureScenario.objects.exists()


def test_the_admin_inline_saves_scenarios_through_the_service(client, approver, project):
    client.force_login(approver)
    data = {
        "category": "renovation",
        "project_type": "inclusive",
        "provincial_batch": "",
        "plan_year": "2024",
        "funding_mode": "optimised",
        "creation_investment": "4500000",
        "scenarios-TOTAL_FORMS": "1",
        "scenarios-INITIAL_FORMS": "0",
        "scenarios-0-scenario": "low_carbon",
        "scenarios-0-planned_content": "屋顶光伏",
        "scenarios-0-project": str(project.pk),
        **{
            f"{inline}-{count}": "0"
            for inline in ("digital_reviews", "joint_acceptance", "status_changes")
            for count in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }

    response = client.post(
        reverse("admin:projects_futurecommunityproject_change", args=[project.pk]), data
    )

    assert response.status_code == 302, response.content[:2000]
    row = project.scenarios.get()
    assert (row.scenario, row.state) == ("low_carbon", "planned")
    assert row.history.first().history_user == approver


def test_the_list_and_the_three_year_plan_table_show_the_scenarios(
    client, approver, staff_hushan, project
):
    services.project_scenarios_save(actor=approver, project=project, scenarios=PLAN)
    at_stage(project, FutureStage.APPROVED)
    services.project_scenarios_report_built(
        actor=staff_hushan, project=project, built=["education"]
    )
    client.force_login(approver)

    page = client.get(reverse("projects:future_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Built:" in page and "Education" in page and "Neighbourhood" in page

    response = client.get(reverse("projects:future_export"))
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[2]]
    column = headers.index("九场景建设情况") + 1
    assert sheet.cell(row=3, column=3).value == "浒山未来社区"
    assert sheet.cell(row=3, column=column).value == (
        "已建成：教育场景；计划建设：邻里场景、交通场景"
    )


def test_every_demo_future_project_has_scenarios_in_the_states_its_stage_allows():
    from django.core.management import call_command

    from projects.funding_rule import expected_funding_mode

    call_command("seed_demo")

    projects = list(FutureCommunityProject.objects.prefetch_related("scenarios"))
    assert len(projects) == 29
    seen = set()
    for project in projects:
        found = {row.state for row in project.scenarios.all()}
        assert found, f"{project} has no scenario"
        seen |= found
        accepted = project.stage in ("joint_acceptance_passed", "assessment_passed", "named")
        assert (found == {"accepted"}) == accepted, f"{project}: {project.stage} {found}"
        if project.stage in ("planning", "plan_reviewed"):
            assert found == {"planned"}
        assert project.funding_mode == expected_funding_mode(
            project.category, project.provincial_batch, project.plan_year
        )
    assert seen == {"planned", "built", "accepted"}


def test_a_scenarios_name_is_its_display_name_in_either_language():
    row = FutureScenario(scenario=Scenario.LOW_CARBON)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert scenario_label(row.scenario) == row.get_scenario_display()
    assert scenario_label("retired") == FutureScenario(scenario="retired").get_scenario_display()
