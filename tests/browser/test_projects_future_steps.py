"""A future-community project's page as the Converged Media Centre and the task force fill in its
forms, in Chinese and English, at 1366 px and on a 390 px phone: the digital-plan opinion (a
refusal keeps what was typed, a disagreement shows on the page) and the joint acceptance with
its units (the lead unit and 慈溪城投集团 preset, ticks kept after a refusal)."""

import datetime

import pytest

from communities.roles import Role
from projects import services
from projects.choices import FutureStage
from projects.models import DigitalPlanReview, JointAcceptance
from tests.browser.helpers import assert_choices_visible, assert_one_language
from tests.browser.test_projects_roles import start
from tests.browser.test_projects_roles import view as view  # noqa: F401, F811 (the fixture)
from tests.factories import CommunityFactory, FutureCommunityProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

VIEWS = [("zh-hans", 1366), ("zh-hans", 390), ("en", 1366), ("en", 390)]
VIEW_IDS = [f"{language}-{width}" for language, width in VIEWS]
DAY = datetime.date(2024, 3, 1)
# Proper names and what users typed stay as they are in either language.
NAMES = ("浒山", "新城河", "吴晨", "张明远", "未接入浙里未来社区在线", "慈住建验〔2024〕3号")
NAMES = (*NAMES, "慈融媒审〔2024〕1号")
LABELS = {
    "zh-hans": {
        "verdict": "意见",
        "disagree": "不同意",
        "comments": "意见说明",
        "date": "意见日期",
        "number": "文号",
        "lead": "牵头单位",
        "units": "参加单位",
        "urban": "慈溪城投集团",
        "housing": "市住建局",
        "health": "市卫生健康局",
    },
    "en": {
        "verdict": "Opinion",
        "disagree": "Disagree",
        "comments": "Comments",
        "date": "Date of the opinion",
        "number": "Document number",
        "lead": "Lead unit",
        "units": "Participating units",
        "urban": "Cixi Urban Investment Group",
        "housing": "Housing and Urban-Rural Development Bureau",
        "health": "Health Bureau",
    },
}


def look(page, screenshot, name, view):
    language, width = view
    assert_one_language(page, language, allowed=NAMES)
    assert_choices_visible(page)
    screenshot(f"future-{name}-{language}-{width}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow} px at {width} px"


@pytest.fixture
def project(hushan):
    return FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=hushan, route="future", name="新城河")
    )


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS, indirect=True)
def test_the_media_centre_records_its_digital_opinion(page, live_server, screenshot, view, project):
    language, _width = view
    words = LABELS[language]
    UserFactory(username="operations_assessor", first_name="吴晨", roles=[Role.OPERATIONS_ASSESSOR])
    start(page, live_server, "operations_assessor", language)
    page.goto(f"{live_server.url}/plans/future/{project.pk}/")
    form = page.get_by_test_id("step-digital_review")
    # every field of the form has a label one can see
    form.get_by_label(words["disagree"]).check()
    form.get_by_label(words["date"]).fill("2024-03-01")
    form.get_by_label(words["comments"]).fill("未接入浙里未来社区在线")
    assert form.locator("legend", has_text=words["verdict"]).is_visible()
    # when it is sent without its document number or file
    form.locator("button[data-action]").click()
    page.wait_for_load_state()
    # then nothing is saved, the reason shows by the field and what was typed is kept
    assert not DigitalPlanReview.objects.exists()
    form = page.get_by_test_id("step-digital_review")
    assert form.locator(".invalid-feedback").first.is_visible()
    assert form.get_by_label(words["comments"]).input_value() == "未接入浙里未来社区在线"
    assert form.get_by_label(words["date"]).input_value() == "2024-03-01"
    assert form.get_by_label(words["disagree"]).is_checked()
    look(page, screenshot, "digital-review-refused", view)
    # when the document number is given, the disagreement is recorded and shown
    form.get_by_label(words["number"]).fill("慈融媒审〔2024〕1号")
    form.locator("button[data-action]").click()
    page.get_by_test_id("review-disagreed").wait_for()
    assert DigitalPlanReview.objects.get().verdict == "disagree"
    assert "慈融媒审〔2024〕1号" in page.get_by_test_id("digital-reviews").inner_text()
    look(page, screenshot, "digital-review-disagreed", view)


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS, indirect=True)
def test_the_task_force_records_the_joint_acceptance(page, live_server, screenshot, view, project):
    language, _width = view
    words = LABELS[language]
    assessor = UserFactory(username="media", first_name="吴晨", roles=[Role.OPERATIONS_ASSESSOR])
    approver = UserFactory(
        username="taskforce_approver", first_name="张明远", roles=[Role.TASKFORCE_APPROVER]
    )
    services.digital_review_record(
        actor=assessor,
        project=project,
        verdict="agree",
        reviewed_on=DAY,
        document_number="慈融媒审〔2024〕1号",
    )
    for stage in (
        FutureStage.PLAN_REVIEWED,
        FutureStage.APPROVED,
        FutureStage.CONSTRUCTION_COMPLETE,
    ):
        project = services.project_advance(
            actor=approver, project=project, to_stage=stage, on_date=DAY
        )
    start(page, live_server, "taskforce_approver", language)
    page.goto(f"{live_server.url}/plans/future/{project.pk}/")
    form = page.get_by_test_id("step-joint_acceptance_passed")
    # the lead unit and 慈溪城投集团 are filled in, and each unit is a labelled tick box
    lead = form.get_by_label(words["lead"])
    assert lead.locator("option:checked").inner_text() == words["housing"]
    assert form.get_by_label(words["urban"], exact=True).is_checked()
    form.get_by_label(words["health"], exact=True).check()
    assert form.locator("legend", has_text=words["units"]).is_visible()
    look(page, screenshot, "joint-acceptance-form", view)
    # when it is sent without its document, nothing is saved and the ticks are kept
    form.locator("button[data-action]").click()
    page.wait_for_load_state()
    assert not JointAcceptance.objects.exists()
    form = page.get_by_test_id("step-joint_acceptance_passed")
    assert form.get_by_label(words["health"], exact=True).is_checked()
    assert form.get_by_label(words["urban"], exact=True).is_checked()
    # when the document number is given, the acceptance is recorded and shown with its units
    form.get_by_label(words["number"]).fill("慈住建验〔2024〕3号")
    form.locator("button[data-action]").click()
    page.get_by_test_id("joint-acceptance").get_by_text("慈住建验〔2024〕3号").wait_for()
    record = page.get_by_test_id("joint-acceptance").inner_text()
    assert words["health"] in record and words["urban"] in record
    stages = page.get_by_test_id("stages").inner_text()
    assert "2024-03-01" in stages and "张明远" in stages
    look(page, screenshot, "joint-acceptance-recorded", view)
