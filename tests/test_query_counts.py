"""Every list page, API list, export and the dashboard run a fixed number of queries, whatever
the number of rows: each is requested on the demo data with a few rows more and on a province
of a thousand communities more (seed_scale), and must take exactly the pinned number of queries
at both sizes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, User

from .conftest import restore_reference_data

pytestmark = pytest.mark.django_db(transaction=False)

# Totals, the demo data's included (5 subdistricts, 56 communities, 24 plans, 43 tranches).
SMALL = {
    "communities": 66,
    "subdistricts": 6,
    "facilities": 260,
    "plans": 40,
    "line_items": 100,
    "future_projects": 32,
    "operators": 4,
    "contracts": 6,
    "tranches": 70,
}
LARGE = {
    "communities": 1056,
    "subdistricts": 25,
    "facilities": 5200,
    "plans": 3000,
    "line_items": 7500,
    "future_projects": 300,
    "operators": 100,
    "contracts": 300,
    "tranches": 7500,
}

# The URL (name, query) and the number of queries it takes, at any size. Every count includes
# the session and the user; a page's, what its menu shows (the inbox's unread count, the demo
# banner); an export's rows are read in one streamed query.
PAGES = {
    ("communities:list", ""): 8,
    ("communities:list", "export=xlsx"): 3,
    ("communities:priorities", ""): 8,
    ("projects:plan_list", ""): 10,
    ("projects:plan_list", "export=xlsx"): 4,
    ("projects:future_list", ""): 9,
    ("projects:future_export", ""): 4,
    ("projects:block_list", ""): 8,
    ("funding:tranche_list", ""): 9,
    ("funding:tranche_list", "export=xlsx"): 3,
    ("funding:budget_list", ""): 8,
    ("funding:export_list", ""): 6,
    ("operations:operator_list", ""): 7,
    ("operations:contract_list", ""): 8,
    ("operations:assessment_list", ""): 8,
    ("operations:satisfaction_list", ""): 9,
    ("operations:report_list", ""): 6,
    ("suggestions:list", ""): 8,
    ("inbox:list", ""): 6,
    ("dashboard:index", ""): 21,
    ("dashboard:coverage", ""): 9,
    ("community-list", ""): 4,
    ("facility-list", ""): 4,
    ("plan-list", ""): 5,
    ("future-project-list", ""): 6,
    ("development-block-list", ""): 4,
    ("tranche-list", ""): 4,
    ("operator-list", ""): 4,
    ("operating-contract-list", ""): 5,
    ("operations-assessment-list", ""): 4,
    ("satisfaction-score-list", ""): 4,
    ("supervision-report-list", ""): 3,
}


# The lists again as the people who use them: a superuser passes the scope and step checks
# without reading a row's relations, so a check that reads one per row shows only here (the
# future projects' API read each project's community for its "actions"). The count must not
# grow with the data.
AS_THEIR_USERS = [
    ("communities:list", "subdistrict_staff"),
    ("communities:priorities", "supervisor"),
    ("projects:plan_list", "taskforce_approver"),
    ("projects:plan_list", "subdistrict_staff"),
    ("projects:future_list", "taskforce_approver"),
    ("funding:tranche_list", "finance_officer"),
    ("operations:contract_list", "operations_assessor"),
    ("operations:assessment_list", "operations_assessor"),
    ("dashboard:index", "supervisor"),
    ("community-list", "subdistrict_staff"),
    ("plan-list", "taskforce_approver"),
    ("plan-list", "subdistrict_staff"),
    ("future-project-list", "taskforce_approver"),
    ("tranche-list", "finance_officer"),
    ("operating-contract-list", "operations_assessor"),
    ("operations-assessment-list", "operations_assessor"),
]


def _count(client, url) -> int:
    client.get(url)  # caches filled (content types, policies) on a first visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def counts_at(sizes: dict) -> dict:
    """Build the province at ``sizes``, request every URL as a superuser, then roll it back."""
    found = {}
    with transaction.atomic():
        call_command(
            "seed_scale",
            *[f"--{k.replace('_', '-')}={v}" for k, v in sizes.items()],
            stdout=StringIO(),
        )
        assert Community.objects.count() == sizes["communities"]
        client = Client()
        client.force_login(User.objects.create_superuser("counter", "c@example.org", "x"))
        for (name, query), _expected in PAGES.items():
            url = reverse(name) + (f"?{query}" if query else "")
            found[(name, query)] = _count(client, url)
        for name, username in AS_THEIR_USERS:
            client.force_login(User.objects.get(username=username))
            found[(name, username)] = _count(client, reverse(name))
        transaction.set_rollback(True)
    return found


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    restore_reference_data(django_db_blocker)
    with django_db_blocker.unblock():
        return {"small": counts_at(SMALL), "large": counts_at(LARGE)}


@pytest.mark.parametrize("page", list(PAGES), ids=lambda page: "?".join(filter(None, page)))
def test_a_list_takes_the_same_pinned_number_of_queries_at_every_size(counts, page):
    assert (counts["small"][page], counts["large"][page]) == (PAGES[page], PAGES[page])


@pytest.mark.parametrize("page", AS_THEIR_USERS, ids=lambda page: f"{page[0]}-as-{page[1]}")
def test_a_list_read_by_its_users_takes_as_many_queries_at_every_size(counts, page):
    assert counts["small"][page] == counts["large"][page]
