"""The public window: notices show exactly the allowed fields, nothing internal leaks, the
pages are cached per language and dropped when a notice changes."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.choices import Route
from projects.choices import FutureStage, PlanState
from projects.models import FutureCommunityProject, GapFillingPlan
from public.choices import SuggestionState
from public.models import Suggestion
from public.selectors import NOTICED_PLAN_STATES, notice_fields, plan_notice, project_notice
from tests.factories import (
    CommunityFactory,
    FacilityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
)

pytestmark = pytest.mark.django_db

PLAN_FIELDS = {
    "community",
    "subdistrict",
    "facilities",
    "floor_area",
    "investment",
    "subsidy",
    "approval_number",
    "approval_date",
    "stage",
    "expected_completion",
    "acceptance_date",
}
PROJECT_FIELDS = PLAN_FIELDS - {"acceptance_date"}
SECRET_TITLE = "内部标题不得公开"


def _plan(staff, state, **fields):
    plan = GapFillingPlanFactory(
        community=CommunityFactory(subdistrict=staff.subdistrict),
        created_by=staff,
        title=SECRET_TITLE,
        total_investment=Decimal("987654.00"),
    )
    PlanLineItemFactory(plan=plan, floor_area=Decimal("321.00"), investment=Decimal("987654.00"))
    GapFillingPlan.objects.filter(pk=plan.pk).update(state=state, **fields)
    plan.refresh_from_db()
    return plan


@pytest.mark.parametrize("state", PlanState.values)
def test_a_plan_notice_shows_exactly_the_allowed_fields_or_nothing(staff_hushan, state):
    plan = _plan(
        staff_hushan,
        state,
        approval_number="慈补短板批〔2024〕3号",
        approval_date=datetime.date(2024, 4, 1),
        acceptance_date=datetime.date(2024, 12, 1),
    )
    notice = plan_notice(plan)
    page = Client().get(reverse("public:community", kwargs={"code": plan.community.code}))
    html = page.content.decode()
    assert page.status_code == 200
    assert SECRET_TITLE not in html
    assert staff_hushan.username not in html
    if state not in NOTICED_PLAN_STATES:
        assert notice is None
        assert "987,654.00" not in html and "慈补短板批" not in html
        return
    assert notice_fields(notice) == PLAN_FIELDS
    assert "987,654.00" in html and "慈补短板批〔2024〕3号" in html and "321" in html
    accepted = state in (PlanState.ACCEPTED, PlanState.CLOSED)
    assert (notice.acceptance_date is not None) == accepted
    assert ("2024-12-01" in html) == accepted


@pytest.mark.parametrize("stage", FutureStage.values)
def test_a_future_project_notice_starts_at_its_approval(hushan, stage):
    community = CommunityFactory(subdistrict=hushan, route=Route.FUTURE)
    FacilityFactory(community=community, status="planned", floor_area=Decimal("150.00"))
    project = FutureCommunityProjectFactory(
        community=community, creation_investment=Decimal("4321000.00")
    )
    FutureCommunityProject.objects.filter(pk=project.pk).update(stage=stage)
    project.refresh_from_db()
    notice = project_notice(project)
    html = Client().get(reverse("public:community", kwargs={"code": community.code})).content
    approved_or_later = FutureStage.values.index(stage) >= FutureStage.values.index("approved")
    assert (notice is not None) == approved_or_later
    assert ("4,321,000.00" in html.decode()) == approved_or_later
    if notice:
        assert notice_fields(notice) == PROJECT_FIELDS
        assert notice.floor_area == Decimal("150.00")


def test_public_pages_show_no_phone_staff_or_unanswered_text(staff_hushan):
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    now = timezone.now()
    Suggestion.objects.create(
        community=community,
        category="childcare",
        text="希望增加托育点位",
        phone="13912345678",
        state=SuggestionState.ANSWERED,
        answer="已纳入明年计划",
        answered_at=now,
        answered_by=staff_hushan,
    )
    Suggestion.objects.create(
        community=community, category="sports", text="尚未答复的建议内容", phone="13800001111"
    )
    client = Client()
    for url in (
        reverse("public:index"),
        reverse("public:notices"),
        reverse("public:suggestions"),
        reverse("public:community", kwargs={"code": community.code}),
        reverse("public:sent"),
    ):
        for language in ("zh-hans", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            html = client.get(url).content.decode()
            for secret in ("13912345678", "1391", "13800001111", staff_hushan.username):
                assert secret not in html, (url, secret)
            assert "尚未答复的建议内容" not in html
    html = client.get(reverse("public:suggestions")).content.decode()
    assert "希望增加托育点位" in html and "已纳入明年计划" in html


def test_pages_are_cached_per_language_and_dropped_when_a_notice_changes(
    staff_hushan, django_assert_max_num_queries
):
    plan = _plan(staff_hushan, PlanState.APPROVED, approval_number="慈补短板批〔2024〕5号")
    url = reverse("public:notices")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    with django_assert_max_num_queries(0):
        assert client.get(url).content.decode() == english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(url).content.decode()
    assert chinese != english and 'lang="zh-hans"' in chinese
    plan.approval_number = "慈补短板批〔2024〕6号"
    plan.save()
    assert "〔2024〕6号" in client.get(url).content.decode()


def test_the_language_link_sets_the_cookie_and_stays_in_the_window(db):
    client = Client()
    response = client.get(reverse("public:language", kwargs={"code": "en"}) + "?next=/plans/")
    assert response["Location"] == reverse("public:index")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get(
        reverse("public:language", kwargs={"code": "zh-hans"}) + "?next=/public/notices/"
    )
    assert response["Location"] == "/public/notices/"
    assert client.get(reverse("public:language", kwargs={"code": "xx"})).status_code == 404
