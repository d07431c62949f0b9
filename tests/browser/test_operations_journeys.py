"""The operations assessor and the supervisor at work, in Chinese and in English, on a desktop
(1366 px) and on a phone (390 px): every page in one language, every choice visible, no page
wider than the screen, and axe-core on every screenshot.

The assessor records an assessment whose period is already assessed (the form says so in words
and keeps every value), saves it for another period, finds the submit refused with its reason
when someone else submitted it meanwhile, and confirms it with a double click that confirms it
once. The supervisor requests a supervision report, reads it and works through the lists:
sorting, searching, choosing an operator by typing.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from communities.roles import Role
from operations import services
from operations.choices import AssessmentState, OperationKind
from operations.models import OperationsAssessment
from tests.browser.helpers import assert_choices_visible, assert_one_language, log_in, open_menu
from tests.factories import CommunityFactory, FutureCommunityProjectFactory, UserFactory
from tests.operations.factories import ContractFactory, OperatorFactory

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("zh-hans", "en")
WIDTHS = (1366, 390)
TEXT = {
    "zh-hans": {
        "duplicate": "该未来社区在这一期间已有运营考核。",
        "refused": "只有草稿状态的考核可以提交。",
        "confirmed": "已确认",
        "assessments": "运营考核",
    },
    "en": {
        "duplicate": "This future community already has an assessment for this period.",
        "refused": "Only a draft assessment can be submitted.",
        "confirmed": "Confirmed",
        "assessments": "Operations assessments",
    },
}


def in_language(page, live_server, language: str, width: int) -> None:
    """Open the portal in ``language`` on a screen ``width`` px wide."""
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def check_page(page, language: str, allowed=()) -> None:
    """One language, visible choices and no sideways scrolling of the page itself."""
    assert_one_language(page, language, allowed=allowed)
    assert_choices_visible(page)
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, f"{page.url} is {wide} px wider than the screen: {overflowing(page)}"


def overflowing(page) -> list[str]:
    """The outermost elements that reach past the screen's right edge (for the message)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter((el) => {
            const box = el.getBoundingClientRect();
            return box.right > window.innerWidth + 1 && !el.closest('.table-responsive');
        }).slice(0, 8).map((el) => el.tagName + '.' + el.className + ' ' +
            Math.round(el.getBoundingClientRect().right))"""
    )


def uniform(score) -> dict:
    return {kind: Decimal(score) for kind in OperationKind}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_assessor_records_submits_and_confirms_an_assessment(
    page, live_server, screenshot, hushan, language, width
):
    text = TEXT[language]
    assessor = UserFactory(username="assessor", first_name="周敏", roles=[Role.OPERATIONS_ASSESSOR])
    colleague = UserFactory(
        username="colleague", first_name="陈立", roles=[Role.OPERATIONS_ASSESSOR]
    )
    project = FutureCommunityProjectFactory(
        community=CommunityFactory(name="孝中社区", route="future", subdistrict=hushan)
    )
    services.assessment_create(actor=colleague, project=project, period="2025", scores=uniform(80))
    names = ("孝中社区", "周敏", "陈立", "浒山", "古塘")
    name = f"{text['assessments']} {language} {width}"

    in_language(page, live_server, language, width)
    log_in(page, live_server, "assessor")
    page.goto(f"{live_server.url}/operations/assessments/")
    check_page(page, language, allowed=names)
    expect(page.get_by_test_id("assessment-table")).to_contain_text("陈立")
    screenshot(f"ops-assessor-list-{language}-{width}")

    page.goto(f"{live_server.url}/operations/assessments/new/")
    page.select_option("#id_project", str(project.pk))
    page.fill("#id_period", "2025")
    for field, score in (("space", "81"), ("activity", "82"), ("groups", "83")):
        page.fill(f"#id_score_{field}", score)
    page.fill("#id_score_life_services", "84")
    page.fill("#id_score_digital", "85")
    page.fill("#id_comments", "数字化运营良好")
    page.locator("main form button[type=submit]").click()

    # The duplicate period is explained in words on the period, and nothing typed is lost.
    expect(page.locator(".invalid-feedback")).to_contain_text(text["duplicate"])
    expect(page.locator("main")).not_to_contain_text("assessment_unique")
    expect(page.locator("#id_project")).to_have_value(str(project.pk))
    expect(page.locator("#id_score_digital")).to_have_value("85")
    expect(page.locator("#id_comments")).to_have_value("数字化运营良好")
    check_page(page, language, allowed=(*names, "数字化运营良好"))
    screenshot(f"ops-assessor-duplicate-{language}-{width}")

    page.fill("#id_period", "2025-H1")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("assessment-total")).to_have_text("83.00")
    assessment = OperationsAssessment.objects.get(period="2025-H1")
    check_page(page, language, allowed=(*names, "数字化运营良好"))
    expect(page.locator("main")).to_contain_text("周敏")

    # Meanwhile a colleague submits it: the page's submit is refused, with the reason.
    services.assessment_submit(actor=colleague, assessment=assessment)
    page.get_by_test_id("assessment-submit").click()
    expect(page.get_by_role("alert")).to_contain_text(text["refused"])
    check_page(page, language, allowed=(*names, "数字化运营良好"))
    screenshot(f"ops-assessor-refused-{language}-{width}")

    # Confirm, with a double click: confirmed once, and no error.
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("assessment-confirm").dblclick()
    expect(page.get_by_test_id("assessment-state")).to_have_text(text["confirmed"])
    expect(page.locator(".alert-danger")).to_have_count(0)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.CONFIRMED
    assert assessment.confirmed_by == assessor
    expect(page.locator("main")).to_contain_text("周敏")
    check_page(page, language, allowed=(*names, "数字化运营良好"))
    screenshot(f"ops-assessor-confirmed-{language}-{width}")
    assert name


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_supervisor_requests_a_report_and_works_through_the_lists(
    page, live_server, screenshot, hushan, gutang, language, width
):
    UserFactory(username="supervisor", first_name="林芳", roles=[Role.SUPERVISOR])
    operators = [OperatorFactory(name=f"阳光养老服务{n}号") for n in range(30)]
    chosen = OperatorFactory(name="慈孝养老服务中心")
    ContractFactory(subdistrict=hushan, operator=chosen, title="浒山居家养老合同")
    ContractFactory(subdistrict=gutang, operator=operators[0], title="古塘托育运营合同")
    names = (
        *(operator.name for operator in operators),
        *("林芳", "浒山", "古塘", "慈孝养老服务中心", "浒山居家养老合同", "古塘托育运营合同"),
    )

    in_language(page, live_server, language, width)
    log_in(page, live_server, "supervisor")
    check_page(page, language, allowed=names)
    screenshot(f"ops-supervisor-home-{language}-{width}")

    page.goto(f"{live_server.url}/operations/reports/")
    check_page(page, language, allowed=names)
    page.fill("#id_period", "2025-06")
    page.get_by_test_id("report-request").locator("button[type=submit]").click()
    expect(page.get_by_test_id("report-sections")).to_be_visible(timeout=30_000)
    check_page(page, language, allowed=names)
    screenshot(f"ops-supervisor-report-{language}-{width}")

    page.goto(f"{live_server.url}/operations/reports/")
    expect(page.get_by_test_id("report-table")).to_contain_text("2025-06")
    expect(page.get_by_test_id("report-table")).to_contain_text("林芳")
    check_page(page, language, allowed=names)

    # Contracts: choose the operator by typing part of its name, then sort by the fee.
    page.goto(f"{live_server.url}/operations/contracts/")
    assert page.locator("select[name=operator] option").count() <= 2
    combobox = page.get_by_role(
        "combobox", name="运营机构" if language == "zh-hans" else "Operator"
    )
    combobox.fill("慈孝")
    option = page.get_by_role("option", name="慈孝养老服务中心")
    expect(option).to_be_visible()
    check_page(page, language, allowed=(*names, "慈孝"))
    screenshot(f"ops-supervisor-operator-search-{language}-{width}")
    option.click()
    page.get_by_test_id("filters").locator("button[type=submit]").click()
    table = page.get_by_test_id("contract-table")
    expect(table).to_contain_text("浒山居家养老合同")
    expect(table).not_to_contain_text("古塘托育运营合同")
    expect(combobox).to_have_value("慈孝养老服务中心")
    page.locator("th a.sort-link").nth(6).click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_count(1)
    check_page(page, language, allowed=names)
    screenshot(f"ops-supervisor-contracts-{language}-{width}")

    open_menu(page)
    page.goto(f"{live_server.url}/operations/operators/?q=慈孝")
    expect(page.get_by_test_id("operator-table")).to_contain_text("慈孝养老服务中心")
    expect(page.get_by_test_id("result-count")).to_contain_text("1")
    check_page(page, language, allowed=(*names, "慈孝"))
    screenshot(f"ops-supervisor-operators-{language}-{width}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_menu_fits_one_row_at_1366_px(page, live_server, screenshot, language):
    """Every menu entry of the role with the longest menu on one row, clear of the inbox."""
    UserFactory(username="admin", first_name="管理员", is_superuser=True, is_staff=True)
    in_language(page, live_server, language, 1366)
    log_in(page, live_server, "admin")
    screenshot(f"menu-1366-{language}")
    entries = page.locator("#nav-main .navbar-nav > li")
    tops = {
        round(box["y"]) for box in (entries.nth(i).bounding_box() for i in range(entries.count()))
    }
    assert len(tops) == 1, f"the menu wraps onto {len(tops)} rows"
    menu = page.locator("#nav-main .navbar-nav").bounding_box()
    inbox = page.get_by_test_id("inbox-link").bounding_box()
    assert menu["x"] + menu["width"] <= inbox["x"], "the menu runs under the inbox button"
    last = entries.nth(entries.count() - 1).bounding_box()
    assert last["x"] + last["width"] <= inbox["x"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admin_speaks_the_readers_language(page, live_server, screenshot, language):
    """The admin's header and index are in the reader's language, with a visible focus ring."""
    UserFactory(username="admin", first_name="管理员", is_superuser=True, is_staff=True)
    in_language(page, live_server, language, 1366)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/")
    header = page.locator("#site-name")
    expected = (
        "慈溪市城镇社区公共服务设施补短板" if language == "zh-hans" else "Cixi urban-community"
    )
    expect(header).to_contain_text(expected)
    # The admin's own language switcher names each language in itself; "Axes" is the name of
    # the login-throttling package (django-axes), which gives its admin section no other.
    assert_one_language(page, language, allowed=("管理员", "English", "简体中文", "AXES", "Axes"))
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    screenshot(f"admin-index-{language}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_other_page_of_the_assessor_fits_the_screen(
    page, live_server, screenshot, hushan, language, width
):
    """The pages the journeys above pass by: one language, visible choices, no sideways scroll."""
    UserFactory(username="assessor", first_name="周敏", roles=[Role.OPERATIONS_ASSESSOR])
    community = CommunityFactory(subdistrict=hushan, name="金山社区", code="330282-012")
    operator = OperatorFactory(
        name="慈孝养老服务中心", contact_person="王芳", phone="0574-63000000"
    )
    contract = ContractFactory(subdistrict=hushan, operator=operator, title="浒山居家养老合同")
    names = ("周敏", "浒山", "金山社区", "慈孝养老服务中心", "王芳", "浒山居家养老合同")
    pages = {
        "priorities": "/communities/priorities/",
        "community": f"/communities/{community.pk}/",
        "operator": f"/operations/operators/{operator.pk}/",
        "operator-form": "/operations/operators/new/",
        "contract": f"/operations/contracts/{contract.pk}/",
        "contract-form": "/operations/contracts/new/",
        "satisfaction": "/operations/satisfaction/",
        "inbox": "/inbox/",
    }
    in_language(page, live_server, language, width)
    log_in(page, live_server, "assessor")
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        check_page(page, language, allowed=names)
        screenshot(f"ops-page-{name}-{language}-{width}")
