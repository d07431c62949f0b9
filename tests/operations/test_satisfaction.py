"""Resident satisfaction: entering scores, the survey import (all rows or none), the panel
on the community page."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from communities.roles import Role
from operations import services
from operations.choices import SatisfactionSource
from operations.models import SatisfactionScore
from operations.selectors import community_panel
from tests.factories import CommunityFactory, FacilityFactory, UserFactory

from .factories import ContractFactory, SatisfactionScoreFactory


def workbook(rows, header=("社区编码", "期间", "满意度得分", "调查人数")) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_staff_record_and_correct_a_score(staff_hushan, hushan):
    community = CommunityFactory(subdistrict=hushan)
    services.satisfaction_record(
        actor=staff_hushan, community=community, period="2025-H1", score=Decimal("82.5")
    )
    services.satisfaction_record(
        actor=staff_hushan, community=community, period="2025-H1", score=Decimal("84")
    )
    score = SatisfactionScore.objects.get()
    assert score.score == Decimal("84.00")
    assert score.source == SatisfactionSource.ENTERED


def test_scores_are_checked(staff_hushan, hushan):
    community = CommunityFactory(subdistrict=hushan)
    with pytest.raises(ValidationError):
        services.satisfaction_record(
            actor=staff_hushan, community=community, period="2025-H1", score=Decimal("100.5")
        )
    with pytest.raises(ValidationError):
        services.satisfaction_record(
            actor=staff_hushan, community=community, period="上半年", score=Decimal("90")
        )
    next_year = str(timezone.localdate().year + 1)
    with pytest.raises(ValidationError) as caught:
        services.satisfaction_record(
            actor=staff_hushan, community=community, period=next_year, score=Decimal("90")
        )
    assert next_year in caught.value.message_dict["period"][0]
    assert not SatisfactionScore.objects.exists()
    this_year = str(timezone.localdate().year)
    services.satisfaction_record(
        actor=staff_hushan, community=community, period=this_year, score=Decimal("90")
    )


def test_another_subdistrict_cannot_record(staff_gutang, hushan):
    with pytest.raises(Http404):
        services.satisfaction_record(
            actor=staff_gutang,
            community=CommunityFactory(subdistrict=hushan),
            period="2025",
            score=Decimal("90"),
        )


def test_survey_import_saves_every_row(staff_hushan, hushan):
    first = CommunityFactory(subdistrict=hushan, code="hs-01")
    second = CommunityFactory(subdistrict=hushan, code="hs-02")
    count = services.satisfaction_import(
        actor=staff_hushan,
        file=workbook([("hs-01", "2025-H1", 91.5, 120), ("hs-02", "2025-H1", "76", None)]),
    )
    assert count == 2
    assert SatisfactionScore.objects.get(community=first).respondents == 120
    score = SatisfactionScore.objects.get(community=second)
    assert score.score == Decimal("76.00")
    assert score.source == SatisfactionSource.SURVEY_IMPORT


def test_survey_import_is_all_or_nothing_with_row_errors(staff_hushan, hushan, gutang):
    CommunityFactory(subdistrict=hushan, code="hs-01")
    CommunityFactory(subdistrict=gutang, code="gt-01")
    rows = [
        ("hs-01", "2025-H1", 90, 100),
        ("nope", "2025-H1", 90, 100),
        ("gt-01", "2025-H1", 90, 100),
        ("hs-01", "2025-13", 101, "很多"),
        ("hs-01", "2099", 90, 100),
        ("hs-01", "2025-H1", 88, 50),
    ]
    with pytest.raises(ValidationError) as caught:
        services.satisfaction_import(actor=staff_hushan, file=workbook(rows))
    messages = caught.value.messages
    assert len(messages) == 5
    assert messages[0].startswith("Row 3") or messages[0].startswith("第 3 行")
    assert "nope" in messages[0]
    assert "gt-01" in messages[1]
    assert "101" in messages[2]
    assert "2099" in messages[3]  # has not begun
    assert "。；" not in messages[2] and "；" in messages[2]  # score and respondents, one list
    assert "2" in messages[4]  # row 7 repeats row 2's community and period
    assert not SatisfactionScore.objects.exists()


def test_survey_import_needs_the_headers(staff_hushan):
    with pytest.raises(ValidationError) as caught:
        services.satisfaction_import(
            actor=staff_hushan, file=workbook([("x", "2025", 1, 1)], header=("a", "b", "c", "d"))
        )
    assert len(caught.value.messages) == 1


def test_import_page_lists_row_errors(client, staff_hushan):
    client.force_login(staff_hushan)
    upload = workbook([("nope", "2025-H1", 90, 1)])
    upload.name = "survey.xlsx"
    response = client.post(reverse("operations:satisfaction_import"), {"file": upload})
    assert response.status_code == 200
    assert "nope" in response.content.decode()
    template = client.get(reverse("operations:satisfaction_template"))
    assert template.status_code == 200


def test_community_panel_shows_satisfaction_contracts_and_assessments(hushan, staff_hushan):
    community = CommunityFactory(subdistrict=hushan)
    SatisfactionScoreFactory(community=community, period="2024", score=Decimal("70"))
    SatisfactionScoreFactory(community=community, period="2025-H1", score=Decimal("86.5"))
    facility = FacilityFactory(community=community)
    ContractFactory(subdistrict=hushan, facilities=[facility], ends_on=date(2099, 1, 1))
    panel = community_panel(community)
    assert panel["latest_satisfaction"].score == Decimal("86.50")
    assert len(panel["contracts"]) == 1
    request = RequestFactory().get("/")
    request.user = staff_hushan
    html = Template("{% load operations_panel %}{% community_operations_panel community %}").render(
        Context({"community": community, "request": request})
    )
    assert "86.50" in html and panel["contracts"][0].operator.name in html
    assert "满意度 86.50 分（2025-H1）" in html and "2024：70.00 分" in html


def test_the_panel_shows_only_what_the_role_may_read(user_with_role, hushan):
    community = CommunityFactory(subdistrict=hushan)
    SatisfactionScoreFactory(community=community, score=Decimal("86.5"))
    finance = community_panel(community, user=user_with_role(Role.FINANCE_OFFICER))
    assert finance["satisfaction_scores"] is None and finance["contracts"] == []
    reviewer = community_panel(community, user=user_with_role(Role.DEPARTMENT_REVIEWER))
    assert reviewer["satisfaction_scores"] is None and reviewer["contracts"] is None
    assert reviewer["assessments"] is None
    html = Template("{% include 'operations/_community_panel.html' %}").render(Context(reviewer))
    assert "operations-panel" not in html


def test_the_entry_form_offers_only_own_communities(client, staff_hushan, hushan, gutang):
    own = CommunityFactory(subdistrict=hushan, name="金山")
    other = CommunityFactory(subdistrict=gutang, name="旦苑")
    client.force_login(staff_hushan)
    url = reverse("operations:satisfaction_add")
    form = client.get(url).context["form"]
    assert list(form.fields["community"].queryset) == [own]
    refused = client.post(url, {"community": other.pk, "period": "2025-H1", "score": "90"})
    assert refused.status_code == 200 and not SatisfactionScore.objects.exists()
    saved = client.post(url, {"community": own.pk, "period": "2025-H1", "score": "90"})
    assert saved.status_code == 302
    assert SatisfactionScore.objects.get().recorded_by == staff_hushan


@pytest.mark.parametrize(
    ("score", "reason"),
    [
        ("nan", "nan"),
        ("Infinity", "Infinity"),
        ("1e400", "1e400"),
        ("-5", "-5"),
        (None, None),
    ],
)
def test_survey_scores_that_are_no_usable_number_are_row_errors(
    staff_hushan, hushan, score, reason
):
    CommunityFactory(subdistrict=hushan, code="hs-01")
    with pytest.raises(ValidationError) as caught:
        services.satisfaction_import(
            actor=staff_hushan, file=workbook([("hs-01", "2025-H1", score, 10)])
        )
    [message] = caught.value.messages
    assert message.startswith("第 2 行")
    assert (reason or "缺少满意度得分") in message
    assert not SatisfactionScore.objects.exists()


def test_an_absurd_number_of_respondents_is_a_row_error(staff_hushan, hushan):
    CommunityFactory(subdistrict=hushan, code="hs-01")
    with pytest.raises(ValidationError) as caught:
        services.satisfaction_import(
            actor=staff_hushan, file=workbook([("hs-01", "2025-H1", 90, 99999999999)])
        )
    [message] = caught.value.messages
    assert message.startswith("第 2 行") and "99999999999" in message


def test_a_period_excel_turned_into_a_date_is_read_as_its_month(staff_hushan, hushan):
    community = CommunityFactory(subdistrict=hushan, code="hs-01")
    services.satisfaction_import(
        actor=staff_hushan, file=workbook([("hs-01", date(2025, 6, 1), 90, 10)])
    )
    assert SatisfactionScore.objects.get(community=community).period == "2025-06"


def test_the_template_keeps_codes_and_periods_as_text(client, staff_hushan):
    client.force_login(staff_hushan)
    response = client.get(reverse("operations:satisfaction_template"))
    assert "满意度调查表模板.xlsx" in unquote(response["Content-Disposition"])
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == ["社区编码", "期间", "满意度得分", "调查人数"]
    assert sheet["A2"].number_format == "@" and sheet["B2"].number_format == "@"


def test_the_list_marks_scores_that_put_a_subdistrict_under_supervision(
    client, staff_hushan, hushan
):
    SatisfactionScoreFactory(community=CommunityFactory(subdistrict=hushan), score=Decimal("79.99"))
    SatisfactionScoreFactory(community=CommunityFactory(subdistrict=hushan), score=Decimal("80.00"))
    client.force_login(staff_hushan)
    page = client.get(reverse("operations:satisfaction_list")).content.decode()
    assert 'text-danger fw-semibold">79.99' in page
    assert 'class="num">80.00' in page
    assert "80.00" in page.split('data-testid="low-satisfaction-note"')[1].split("</p>")[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_score_is_stored_once(hushan):
    staff = UserFactory(roles=[Role.SUBDISTRICT_STAFF], subdistrict=hushan)
    community = CommunityFactory(subdistrict=hushan)
    start = threading.Barrier(2)

    def record(score):
        try:
            start.wait()
            services.satisfaction_record(
                actor=staff, community=community, period="2025-H1", score=Decimal(score)
            )
            return "saved"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(record, ["81", "82"]))

    assert results == ["saved", "saved"]
    assert SatisfactionScore.objects.get(community=community).score in {
        Decimal("81"),
        Decimal("82"),
    }
