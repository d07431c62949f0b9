"""The operations pages and API: who may open them, row scope, and pinned query counts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.roles import Role
from operations import services
from operations.choices import OperationKind, ReportState
from operations.models import SupervisionReport
from tests.factories import CommunityFactory, FutureCommunityProjectFactory

from .factories import ContractFactory, OperatorFactory, SatisfactionScoreFactory

LISTS = ["operator_list", "contract_list", "assessment_list", "satisfaction_list", "report_list"]
# Which roles open which list (DESIGN §1); everyone else gets 403.
ALLOWED = {
    Role.SUBDISTRICT_STAFF: {
        "operator_list",
        "contract_list",
        "assessment_list",
        "satisfaction_list",
    },
    Role.DEPARTMENT_REVIEWER: set(),
    Role.TASKFORCE_APPROVER: set(LISTS),
    Role.FINANCE_OFFICER: {"operator_list", "contract_list", "assessment_list"},
    Role.OPERATIONS_ASSESSOR: {
        "operator_list",
        "contract_list",
        "assessment_list",
        "satisfaction_list",
    },
    Role.SUPERVISOR: set(LISTS),
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_list_pages_follow_the_role_table(client, user_with_role, hushan, role):
    kwargs = {"subdistrict": hushan, "department": None} if role == Role.SUBDISTRICT_STAFF else {}
    client.force_login(user_with_role(role, **kwargs))
    for name in LISTS:
        expected = 200 if name in ALLOWED[role] else 403
        assert client.get(reverse(f"operations:{name}")).status_code == expected, name


def test_pages_need_a_login(client, db):
    response = client.get(reverse("operations:report_list"))
    assert response.status_code == 302


def test_staff_see_only_their_own_rows(client, staff_hushan, hushan, gutang):
    ContractFactory(subdistrict=hushan, title="浒山合同")
    ContractFactory(subdistrict=gutang, title="古塘合同")
    SatisfactionScoreFactory(community=CommunityFactory(subdistrict=hushan, name="金山"))
    SatisfactionScoreFactory(community=CommunityFactory(subdistrict=gutang, name="旦苑"))
    client.force_login(staff_hushan)
    contracts = client.get(reverse("operations:contract_list")).content.decode()
    assert "浒山合同" in contracts and "古塘合同" not in contracts
    scores = client.get(reverse("operations:satisfaction_list")).content.decode()
    assert "金山" in scores and "旦苑" not in scores
    api = client.get("/api/operating-contracts/").json()
    assert [row["title"] for row in api["results"]] == ["浒山合同"]


# session, user, roles, demo banner, unread notifications, filter choices, count, rows: the
# same for 1 row or 12.
QUERIES = {
    "operator_list": 8,
    "contract_list": 10,
    "satisfaction_list": 11,  # and the low-satisfaction threshold
    "assessment_list": 9,
    "report_list": 8,
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_list_query_counts_are_pinned(
    client, user_with_role, hushan, name, django_assert_max_num_queries
):
    assessor = user_with_role(Role.OPERATIONS_ASSESSOR)
    supervisor = user_with_role(Role.SUPERVISOR)
    scores = dict.fromkeys(OperationKind, "80")
    for month in range(1, 13):
        contract = ContractFactory(subdistrict=hushan)
        SatisfactionScoreFactory(community=CommunityFactory(subdistrict=hushan))
        subject = (
            {"contract": contract} if month % 2 else {"project": FutureCommunityProjectFactory()}
        )
        services.assessment_create(actor=assessor, period="2025", scores=scores, **subject)
        SupervisionReport.objects.create(period=f"2025-{month:02d}", requested_by=supervisor)
    client.force_login(supervisor)
    client.get(reverse(f"operations:{name}"))  # warm the session and role caches
    with django_assert_max_num_queries(QUERIES[name]):
        response = client.get(reverse(f"operations:{name}"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 12


def test_assessment_pages_draft_submit_and_confirm(client, assessor):
    project = FutureCommunityProjectFactory()
    client.force_login(assessor)
    scores = {
        f"score_{field}": "85"
        for field in ("space", "activity", "groups", "life_services", "digital")
    }
    response = client.post(
        reverse("operations:assessment_add"),
        {"project": project.pk, "period": "2025", "comments": "", **scores},
    )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert "85.00" in detail.content.decode()
    assert reverse("communities:detail", args=[project.community_id]) in detail.content.decode()
    pk = detail.context["object"].pk
    for action in ("submit", "confirm"):
        client.post(reverse("operations:assessment_action", args=[pk, action]))
    confirmed = client.get(reverse("operations:assessment_detail", args=[pk]))
    assert confirmed.context["object"].state == "confirmed"
    # A confirmed assessment offers no form to change it.
    edit = client.get(reverse("operations:assessment_edit", args=[pk]))
    assert (
        edit.status_code == 302
        and edit["Location"] == confirmed.context["object"].get_absolute_url()
    )
    bad = client.post(reverse("operations:assessment_action", args=[pk, "explode"]))
    assert bad.status_code == 404


def test_assessment_form_refuses_out_of_range_scores(client, assessor):
    client.force_login(assessor)
    response = client.post(
        reverse("operations:assessment_add"),
        {
            "project": FutureCommunityProjectFactory().pk,
            "period": "2025",
            "score_space": "101",
            "score_activity": "80",
            "score_groups": "80",
            "score_life_services": "80",
            "score_digital": "80",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_supervisor_requests_and_reads_a_report(client, supervisor, media_root):
    client.force_login(supervisor)
    listing = client.get(reverse("operations:report_list"))
    assert 'type="month"' in listing.content.decode()
    assert f'max="{timezone.localdate():%Y-%m}"' in listing.content.decode()
    response = client.post(reverse("operations:report_request"), {"period": "2025-06"})
    assert response.status_code == 302
    report = SupervisionReport.objects.get()
    assert response["Location"] == report.get_absolute_url()
    # Outside a test transaction the task would run after commit; here we build it directly.
    services.supervision_report_build(report_id=report.pk)
    status = client.get(reverse("operations:report_status", args=[report.pk])).json()
    assert status["state"] == ReportState.DONE and status["progress"] == 100
    page = client.get(report.get_absolute_url()).content.decode()
    assert "补短板年度启动情况" in page and "督导名单" in page
    client.cookies["django_language"] = "en"
    english = client.get(report.get_absolute_url()).content.decode()
    assert "Gap-filling starts against the annual quota" in english
    assert "Supervise list" in english and "补短板年度启动情况" not in english
    download = client.get(reverse("operations:report_file", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]


def test_a_running_report_page_polls_its_progress(client, supervisor):
    report = SupervisionReport.objects.create(period="2025-06", requested_by=supervisor)
    SupervisionReport.objects.filter(pk=report.pk).update(state=ReportState.RUNNING, progress=40)
    client.force_login(supervisor)
    page = client.get(report.get_absolute_url()).content.decode()
    assert reverse("operations:report_status", args=[report.pk]) in page
    assert "report_progress.js" in page
    assert client.get(reverse("operations:report_file", args=[report.pk])).status_code == 404


def test_a_failed_report_shows_its_error_and_retries(client, supervisor, media_root):
    report = SupervisionReport.objects.create(period="2025-06")
    SupervisionReport.objects.filter(pk=report.pk).update(
        state=ReportState.FAILED, error="RuntimeError: disk full"
    )
    client.force_login(supervisor)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "RuntimeError: disk full" in page
    response = client.post(reverse("operations:report_retry", args=[report.pk]))
    assert response.status_code == 302
    assert SupervisionReport.objects.count() == 2
    newer = SupervisionReport.objects.latest("pk")
    page = client.get(report.get_absolute_url()).content.decode()
    assert newer.get_absolute_url() in page
    assert reverse("operations:report_retry", args=[report.pk]) not in page


def test_the_task_force_reads_reports_but_cannot_request(client, user_with_role):
    client.force_login(user_with_role(Role.TASKFORCE_APPROVER))
    assert "report-request" not in client.get(reverse("operations:report_list")).content.decode()
    response = client.post(reverse("operations:report_request"), {"period": "2025-06"})
    assert response.status_code == 403


def test_navigation_shows_the_entries_a_role_may_open(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    assert reverse("operations:report_list") in page
    assert reverse("operations:operator_list") in page


def test_operator_api_lists_operators(client, supervisor):
    OperatorFactory(name="颐乐养老")
    client.force_login(supervisor)
    rows = client.get("/api/operators/").json()["results"]
    assert [row["name"] for row in rows] == ["颐乐养老"]


def test_admin_lists_the_records_read_only(admin_client, hushan):
    ContractFactory(subdistrict=hushan)
    SatisfactionScoreFactory()
    SupervisionReport.objects.create(period="2025-06")
    for model in (
        "operator",
        "operatingcontract",
        "operationsassessment",
        "satisfactionscore",
        "supervisionreport",
        "assessmentscheme",
        "supervisionrules",
    ):
        response = admin_client.get(f"/admin/operations/{model}/")
        assert response.status_code == 200, model
    assert admin_client.get("/admin/operations/operator/add/").status_code == 403
    assert admin_client.get("/admin/operations/assessmentscheme/add/").status_code == 200


def test_filters_are_shared_by_page_and_api(client, supervisor, hushan, gutang):
    OperatorFactory(name="托育机构", facility_types=["childcare"])
    OperatorFactory(name="养老机构", facility_types=["elderly_care"])
    ContractFactory(subdistrict=hushan, title="浒山合同")
    ContractFactory(subdistrict=gutang, title="古塘合同")
    client.force_login(supervisor)
    api = client.get("/api/operators/", {"facility_type": "childcare"}).json()["results"]
    assert [row["name"] for row in api] == ["托育机构"]
    page = client.get(reverse("operations:operator_list"), {"facility_type": "childcare"})
    assert list(page.context["object_list"].values_list("name", flat=True)) == ["托育机构"]
    contracts = client.get("/api/operating-contracts/", {"subdistrict": gutang.pk}).json()
    assert [row["title"] for row in contracts["results"]] == ["古塘合同"]
    in_force = client.get(reverse("operations:contract_list"), {"active_on": "2030-01-01"})
    assert list(in_force.context["object_list"]) == []


def test_another_subdistricts_assessment_is_404_and_staff_cannot_score(
    client, assessor, staff_gutang, hushan
):
    contract = ContractFactory(subdistrict=hushan)
    scores = dict.fromkeys(OperationKind, "70")
    assessment = services.assessment_create(
        actor=assessor, period="2025", scores=scores, contract=contract
    )
    client.force_login(staff_gutang)
    detail = reverse("operations:assessment_detail", args=[assessment.pk])
    assert client.get(detail).status_code == 404
    assert (
        client.get(reverse("operations:assessment_edit", args=[assessment.pk])).status_code == 403
    )
    submit = reverse("operations:assessment_action", args=[assessment.pk, "submit"])
    assert client.post(submit).status_code == 403
    assessment.refresh_from_db()
    assert assessment.state == "draft"


def test_contract_and_operator_pages_list_the_contracts_assessments(
    client, assessor, staff_hushan, hushan
):
    contract = ContractFactory(subdistrict=hushan, title="颐乐运营合同")
    scores = dict.fromkeys(OperationKind, "91")
    assessment = services.assessment_create(
        actor=assessor, period="2025-H1", scores=scores, contract=contract
    )
    add_url = f"{reverse('operations:assessment_add')}?contract={contract.pk}"
    client.force_login(assessor)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert assessment.get_absolute_url() in page and add_url in page
    form = client.get(add_url).context["form"]
    assert str(form["contract"].value()) == str(contract.pk)
    operator_page = client.get(contract.operator.get_absolute_url()).content.decode()
    assert assessment.get_absolute_url() in operator_page and "颐乐运营合同" in operator_page
    client.force_login(staff_hushan)
    staff_page = client.get(contract.get_absolute_url()).content.decode()
    assert assessment.get_absolute_url() in staff_page and add_url not in staff_page


@pytest.mark.parametrize("name", ["contract_list", "assessment_list", "satisfaction_list"])
def test_staff_get_no_subdistrict_filter_they_could_not_use(client, staff_hushan, supervisor, name):
    client.force_login(staff_hushan)
    assert "subdistrict" not in client.get(reverse(f"operations:{name}")).context["filter"].filters
    client.force_login(supervisor)
    assert "subdistrict" in client.get(reverse(f"operations:{name}")).context["filter"].filters
