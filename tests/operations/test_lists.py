"""Every list of the communities and operations pages sorts by its columns, searches by text and
exports exactly the rows its page shows, in the same order (communities.listing)."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from communities.choices import Route
from communities.models import Notification
from communities.roles import Role
from operations import services
from operations.choices import OperationKind
from operations.models import SupervisionReport
from tests.factories import CommunityFactory, UserFactory

from .factories import ContractFactory, OperatorFactory, SatisfactionScoreFactory

pytestmark = pytest.mark.django_db


def _communities(reader, hushan):
    for n, name in enumerate(["明月社区", "明珠社区", "白云社区"]):
        CommunityFactory(subdistrict=hushan, name=name, population=1000 * (n + 1), route=Route.GAP)


def _operators(reader, hushan):
    for name in ["明月养老", "明珠托育", "白云文化"]:
        OperatorFactory(name=name)


def _contracts(reader, hushan):
    for n, title in enumerate(["明月合同", "明珠合同", "白云合同"]):
        ContractFactory(subdistrict=hushan, title=title, annual_fee=Decimal(1000 * (n + 1)))


def _assessments(reader, hushan):
    assessor = UserFactory(roles=[Role.OPERATIONS_ASSESSOR])
    for n, title in enumerate(["明月合同", "明珠合同", "白云合同"]):
        contract = ContractFactory(subdistrict=hushan, title=title)
        services.assessment_create(
            actor=assessor,
            contract=contract,
            period="2025",
            scores={kind: Decimal(60 + n * 10) for kind in OperationKind},
        )


def _satisfaction(reader, hushan):
    for n, name in enumerate(["明月社区", "明珠社区", "白云社区"]):
        SatisfactionScoreFactory(
            community=CommunityFactory(subdistrict=hushan, name=name), score=Decimal(70 + n)
        )


def _reports(reader, hushan):
    for period, state in (("2025-01", "done"), ("2025-02", "done"), ("2024-12", "failed")):
        SupervisionReport.objects.create(period=period, requested_by=reader, state=state)


def _inbox(reader, hushan):
    for subject in ["明月方案已批复", "明珠方案已退回", "白云考核已确认"]:
        Notification.objects.create(recipient=reader, subject=subject)


# url, the rows it needs, a search that finds two of the three, a sortable column
LISTS = [
    ("/communities/", _communities, "明", "population"),
    ("/communities/priorities/", _communities, "明", "community"),
    ("/operations/operators/", _operators, "明", "name"),
    ("/operations/contracts/", _contracts, "明", "annual_fee"),
    ("/operations/assessments/", _assessments, "明", "total"),
    ("/operations/satisfaction/", _satisfaction, "明", "score"),
    ("/operations/reports/", _reports, "2025", "period"),
    ("/inbox/", _inbox, "明", "subject"),
]


def exported(response) -> list[list]:
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]


def shown(value):
    return "" if value is None else str(value)


@pytest.fixture
def reader(hushan):
    return UserFactory(roles=[Role.SUPERVISOR])


@pytest.mark.parametrize(("url", "make", "search", "key"), LISTS, ids=[row[0] for row in LISTS])
def test_search_sort_and_export_agree_with_the_page(client, reader, hushan, url, make, search, key):
    make(reader, hushan)
    client.force_login(reader)

    page = client.get(url, {"q": search, "per_page": 200})
    assert page.status_code == 200
    rows = list(page.context["page_obj"].object_list)
    assert len(rows) == 2, url

    ascending = [r.pk if hasattr(r, "pk") else r.community.pk for r in rows_of(client, url, key)]
    descending = [
        r.pk if hasattr(r, "pk") else r.community.pk for r in rows_of(client, url, f"-{key}")
    ]
    assert len(ascending) == 3 and ascending == descending[::-1], url

    columns = list(page.context["list_columns"].values())
    expected = [[shown(column.export_value(row)) for column in columns] for row in rows]
    export = client.get(url, {"q": search, "export": "xlsx"})
    assert export.status_code == 200
    got = [[shown(cell) for cell in row] for row in exported(export)]
    assert [row[:1] for row in got] == [row[:1] for row in expected], url
    assert len(got) == len(rows)


def rows_of(client, url, sort):
    return list(client.get(url, {"sort": sort}).context["page_obj"].object_list)


def test_a_heading_links_to_its_sort(client, reader, hushan):
    _contracts(reader, hushan)
    client.force_login(reader)
    html = client.get("/operations/contracts/", {"sort": "annual_fee"}).content.decode()
    assert 'aria-sort="ascending"' in html and "sort=-annual_fee" in html
