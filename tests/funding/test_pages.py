"""Finance pages: list and filters, scope, finance-only actions, exports, money panel, API."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from communities.roles import Role
from funding import services
from funding.choices import ExportState, TrancheState
from funding.models import DisbursementExport, SubsidyPolicy, Tranche
from funding.selectors import worklist_for
from tests.factories import PASSWORD, FutureCommunityProjectFactory, GapFillingPlanFactory

from .factories import BudgetEnvelopeFactory, TrancheFactory

D = Decimal


@pytest.fixture
def two_subdistricts(hushan, gutang):
    return (
        TrancheFactory(plan__community__subdistrict=hushan, amount=D("600000.00")),
        TrancheFactory(
            plan__community__subdistrict=gutang, amount=D("300000.00"), state="scheduled"
        ),
    )


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_list_filters_by_state_and_shows_the_total(client, finance, two_subdistricts):
    response = login(client, finance).get(reverse("funding:tranche_list"), {"state": "due"})

    assert list(response.context["object_list"]) == [two_subdistricts[0]]
    assert response.context["totals"]["amount"] == D("600000.00")
    assert "600000.00" in response.content.decode().replace(",", "")


def test_every_filter_of_the_filterset_narrows_the_list(client, finance, two_subdistricts, gutang):
    login(client, finance)
    url = reverse("funding:tranche_list")
    cases = [
        ({"subdistrict": gutang.pk}, [two_subdistricts[1]]),
        ({"route": "future"}, []),
        ({"route": "gap"}, list(two_subdistricts)),
        ({"fiscal_year": 2023}, []),
        (
            {"stage": "gap_after_acceptance", "due_from": "2024-05-01", "due_to": "2024-06-30"},
            list(two_subdistricts),
        ),
        ({"due_from": "2024-06-02"}, []),
        ({"source": "ningbo"}, []),
        ({"source": "city", "fiscal_year": 2024}, list(two_subdistricts)),
    ]
    for params, expected in cases:
        assert list(client.get(url, params).context["object_list"]) == expected, params


def test_list_query_count_is_fixed(client, finance, hushan, django_assert_max_num_queries):
    login(client, finance)
    for _index in range(3):
        TrancheFactory(plan__community__subdistrict=hushan)
    client.get(reverse("funding:tranche_list"))
    TrancheFactory.create_batch(10)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("funding:tranche_list"))
    assert len(response.context["object_list"]) == 13


def test_subdistrict_staff_see_their_own_read_only_and_others_are_404(
    client, staff_hushan, two_subdistricts
):
    own, other = two_subdistricts
    login(client, staff_hushan)

    listed = client.get(reverse("funding:tranche_list")).context["object_list"]
    detail = client.get(reverse("funding:tranche_detail", args=[own.pk]))

    assert list(listed) == [own]
    assert detail.status_code == 200 and detail.context["approve_form"] is None
    assert client.get(reverse("funding:tranche_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("funding:tranche_approve", args=[own.pk])).status_code == 403


def test_department_reviewers_do_not_read_subsidies(client, user_with_role, two_subdistricts):
    login(client, user_with_role(Role.DEPARTMENT_REVIEWER))

    assert client.get(reverse("funding:tranche_list")).status_code == 403


def test_finance_approves_and_a_double_click_on_pay_pays_once(client, finance, two_subdistricts):
    tranche = two_subdistricts[0]
    login(client, finance)
    assert client.get(reverse("funding:tranche_detail", args=[tranche.pk])).context["approve_form"]

    client.post(reverse("funding:tranche_approve", args=[tranche.pk]), {"comment": "ok"})
    payment = {"voucher_number": "PZ-9", "paid_on": date.today().isoformat()}
    first = client.post(reverse("funding:tranche_pay", args=[tranche.pk]), payment)
    second = client.post(reverse("funding:tranche_pay", args=[tranche.pk]), payment)

    tranche.refresh_from_db()
    assert first.status_code == second.status_code == 302
    assert tranche.state == TrancheState.PAID and tranche.voucher_number == "PZ-9"
    assert tranche.events.filter(to_state="paid").count() == 1


def test_refused_action_shows_the_reason(client, finance, two_subdistricts):
    scheduled = two_subdistricts[1]
    login(client, finance)

    response = client.post(
        reverse("funding:tranche_pay", args=[scheduled.pk]),
        {"voucher_number": "X", "paid_on": date.today().isoformat()},
        follow=True,
    )

    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.state == TrancheState.SCHEDULED


def test_export_what_i_see_writes_a_private_file_for_the_requester(
    client,
    finance,
    user_with_role,
    two_subdistricts,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    login(client, finance)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("funding:export_create"), {"query": "state=due"})

    export = DisbursementExport.objects.get()
    assert response["Location"] == reverse("funding:export_detail", args=[export.pk])
    assert export.state == ExportState.DONE and export.rows_written == 1
    assert export.filters == {"state": "due"}
    status = client.get(reverse("funding:export_status", args=[export.pk])).json()
    assert status["percent"] == 100
    download = client.get(reverse("funding:export_download", args=[export.pk]))
    target = tmp_path / "download.xlsx"
    target.write_bytes(b"".join(download.streaming_content))
    rows = list(load_workbook(target).worksheets[0].iter_rows(min_row=4, values_only=True))
    assert len(rows) == 4 and rows[0][11] == 600000  # with totals and signatures
    listed = client.get(reverse("funding:export_list")).content.decode()
    assert reverse("funding:export_download", args=[export.pk]) in listed

    client.logout()
    login(client, user_with_role(Role.SUPERVISOR))
    assert client.get(reverse("funding:export_download", args=[export.pk])).status_code == 404
    assert client.post(reverse("funding:export_create"), {"query": ""}).status_code == 403


def test_money_panel_tag_renders_the_plans_figures(db, rf, user_with_role):
    plan = GapFillingPlanFactory()
    TrancheFactory(plan=plan, amount=D("600000.00"), state=TrancheState.DUE)
    template = Template("{% load funding %}{% money_panel plan=plan %}")

    def render_for(user):
        request = rf.get("/")
        request.user = user
        return template.render(Context({"plan": plan, "request": request}))

    html = render_for(user_with_role(Role.FINANCE_OFFICER))
    assert html.count("600,000.00") >= 3  # total, due, remaining and the tranche row
    # Department reviewers do not read subsidies (DESIGN §1): the panel stays empty for them.
    assert "600,000.00" not in render_for(user_with_role(Role.DEPARTMENT_REVIEWER))


def test_api_lists_tranches_within_scope_with_the_same_filters(
    client, staff_hushan, two_subdistricts
):
    login(client, staff_hushan)

    data = client.get("/api/tranches/", {"state": "due"}).json()

    assert [row["id"] for row in data["results"]] == [two_subdistricts[0].pk]
    assert data["results"][0]["amount"] == "600000.00"
    assert client.get(f"/api/tranches/{two_subdistricts[1].pk}/").status_code == 404


def test_budget_envelope_admin_shows_figures_to_finance(client, finance, two_subdistricts):
    BudgetEnvelopeFactory(fiscal_year=2024, amount=D("1000000"))
    finance.is_staff = True
    finance.save()
    login(client, finance)

    response = client.get(reverse("admin:funding_budgetenvelope_changelist"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "900,000.00" in content  # committed: 600,000 + 300,000
    assert "100,000.00" in content  # remaining


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tiers": [{"upper": "5", "rate": "90"}, {"upper": "4", "rate": "95"}]}, "tiers"),
        ({"tiers": [{"upper": None, "rate": "120"}]}, "tiers"),
        ({"schedule": [{"stage": "future_approval", "percent": "30"}]}, "schedule"),
    ],
)
def test_policy_validation(db, changes, field):
    policy = SubsidyPolicy.objects.get(code="future-optimised")
    for name, value in changes.items():
        setattr(policy, name, value)

    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert field in refused.value.error_dict


def test_seeded_policies_are_valid(db):
    for policy in SubsidyPolicy.objects.all():
        policy.full_clean()
    assert SubsidyPolicy.objects.count() == 6


def test_tranche_admin_is_read_only_and_scoped(client, staff_hushan, two_subdistricts):
    login(client, staff_hushan)
    other = two_subdistricts[1]

    assert client.get(reverse("admin:funding_tranche_change", args=[other.pk])).status_code == 404
    listed = client.get(reverse("admin:funding_tranche_changelist")).content.decode()
    assert "600,000.00" in listed and "300,000.00" not in listed
    assert Tranche.objects.count() == 2


def test_only_the_superuser_changes_subsidy_policies(client, finance, admin_user):
    policy = SubsidyPolicy.objects.get(code="gap-filling")
    url = reverse("admin:funding_subsidypolicy_change", args=[policy.pk])
    finance.is_staff = True
    finance.save()

    login(client, finance)
    assert client.post(url, {"name": "changed"}).status_code == 403
    client.logout()
    client.force_login(admin_user)
    assert client.get(url).context["has_change_permission"]


def test_detail_explains_in_the_readers_language_and_links_to_the_plan(
    client, finance, user_with_role, settings
):
    BudgetEnvelopeFactory(fiscal_year=date.today().year)
    plan = GapFillingPlanFactory(state="approved", approval_date=date.today())
    with translation.override("zh-hans"):
        tranche = services.subsidy_commit_for_plan(
            plan=plan, actor=user_with_role(Role.TASKFORCE_APPROVER)
        )
    assert tranche.explanation[0].startswith("批复投资额")
    login(client, finance)
    url = reverse("funding:tranche_detail", args=[tranche.pk])

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.context["explanation"].lines[0] == "Approved investment: 1,260,000.00 yuan."
    assert chinese.context["explanation"].lines == tranche.explanation
    assert english.context["subject_url"] == reverse("projects:plan_detail", args=[plan.pk])
    assert f'href="{english.context["subject_url"]}"' in english.content.decode()


@pytest.mark.parametrize(
    "changes", [{"subsidy_total": D("1.00")}, {"inputs": {"investment": "not a number"}}]
)
def test_detail_shows_the_recorded_explanation_when_it_no_longer_recomputes(
    client, finance, changes
):
    tranche = TrancheFactory(explanation=["按记录"], **changes)
    login(client, finance)

    response = client.get(reverse("funding:tranche_detail", args=[tranche.pk]))

    assert response.context["explanation"].lines == ["按记录"]


def test_worklist_links_to_exactly_the_tranches_it_counts(client, finance, user_with_role):
    original = FutureCommunityProjectFactory(
        funding_mode="original", plan_year=None, provincial_batch=3
    )
    leading = FutureCommunityProjectFactory(project_type="leading", stage="named")
    approver = user_with_role(Role.TASKFORCE_APPROVER)
    services.subsidy_commit_for_project(project=original, actor=approver)
    services.project_stage_reached(project=leading, stage="named", actor=approver)
    login(client, finance)

    items = worklist_for(finance)

    assert [item.count for item in items] == [1, 1]
    for item in items:
        listed = client.get(item.url).context["object_list"]
        assert len(listed) == item.count, item.label


def test_subdistrict_staff_choose_only_their_own_subdistrict(client, staff_hushan, gutang):
    login(client, staff_hushan)

    field = client.get(reverse("funding:tranche_list")).context["filter"].form["subdistrict"]

    assert [choice.instance for choice, _label in field.field.choices if choice] == [
        staff_hushan.subdistrict
    ]


def test_money_panel_links_to_the_subdistricts_tranches(db, rf, user_with_role):
    plan = GapFillingPlanFactory()
    TrancheFactory(plan=plan)
    request = rf.get("/")
    request.user = user_with_role(Role.FINANCE_OFFICER)

    html = Template("{% load funding %}{% money_panel plan=plan %}").render(
        Context({"plan": plan, "request": request})
    )

    assert f"?subdistrict={plan.subdistrict_id}" in html


def test_envelope_admin_formats_the_amount_and_names_the_funding_source(client, finance):
    BudgetEnvelopeFactory(fiscal_year=2024, amount=D("80000000"))
    finance.is_staff = True
    finance.save()
    login(client, finance)

    content = client.get(
        reverse("admin:funding_budgetenvelope_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "80,000,000.00" in content and "80000000.00" not in content
    assert "资金来源" in content
    assert reverse("funding:tranche_list") + "?fiscal_year=2024&amp;source=city" in content


def test_sheet_requested_in_english_is_written_wholly_in_chinese(
    client, finance, two_subdistricts, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    login(client, finance)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("funding:export_create"), {"query": "state=due"}, HTTP_ACCEPT_LANGUAGE="en"
        )

    export = DisbursementExport.objects.get()
    assert export.filter_summary == "State: Due"
    title = load_workbook(tmp_path / "disbursements" / export.file_name).worksheets[0]["A2"]
    assert "状态：应拨付" in title.value


def test_a_form_error_shows_by_its_field_on_the_tranche_page(client, finance, two_subdistricts):
    login(client, finance)

    response = client.post(
        reverse("funding:tranche_cancel", args=[two_subdistricts[0].pk]),
        {"reason": "  "},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["未作任何更改，原因见表单处。"]
    assert response.context["cancel_form"].errors["reason"] == ["该字段是必填项。"]
    two_subdistricts[0].refresh_from_db()
    assert two_subdistricts[0].state == TrancheState.DUE


def test_history_shows_the_systems_notes_in_the_readers_language(client, finance, user_with_role):
    BudgetEnvelopeFactory(fiscal_year=date.today().year)
    plan = GapFillingPlanFactory(state="approved", approval_date=date.today())
    with translation.override("zh-hans"):
        tranche = services.subsidy_commit_for_plan(
            plan=plan, actor=user_with_role(Role.TASKFORCE_APPROVER)
        )
    login(client, finance)
    url = reverse("funding:tranche_detail", args=[tranche.pk])

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "Committed at plan approval." in english
    assert "方案批复时承诺补助。" in chinese


def test_api_list_query_count_does_not_grow_with_rows(
    client, finance, django_assert_max_num_queries
):
    login(client, finance)
    TrancheFactory.create_batch(2)
    with django_assert_max_num_queries(8) as few:
        client.get("/api/tranches/")
    TrancheFactory.create_batch(10)

    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get("/api/tranches/").json()
    assert data["count"] == 12


def test_finance_records_the_ningbo_subsidy_received_on_the_tranche_page(
    client, finance, user_with_role
):
    project = FutureCommunityProjectFactory(project_type="leading", stage="named")
    services.project_stage_reached(
        project=project, stage="named", actor=user_with_role(Role.TASKFORCE_APPROVER)
    )
    tranche = Tranche.objects.get(project=project)
    login(client, finance)

    page = client.get(
        reverse("funding:tranche_detail", args=[tranche.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    client.post(reverse("funding:tranche_amount", args=[tranche.pk]), {"amount": "2500000"})

    assert "登记宁波补助到账金额" in page.content.decode()
    tranche.refresh_from_db()
    assert tranche.amount == D("2500000.00") and tranche.state == TrancheState.DUE


def test_missing_envelope_warning_is_checked_when_the_page_is_read(client, finance, user_with_role):
    plan = GapFillingPlanFactory(state="approved", approval_date=date.today())
    tranche = services.subsidy_commit_for_plan(
        plan=plan, actor=user_with_role(Role.TASKFORCE_APPROVER)
    )
    url = reverse("funding:tranche_detail", args=[tranche.pk])
    login(client, finance)

    before = client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["explanation"].warnings
    BudgetEnvelopeFactory(fiscal_year=tranche.fiscal_year)
    after = client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["explanation"].warnings

    assert before == [f"There is no City finance budget envelope for {tranche.fiscal_year}."]
    assert after == []


def test_an_amount_finance_has_not_entered_reads_as_to_be_entered(client, finance, user_with_role):
    project = FutureCommunityProjectFactory(
        funding_mode="original", plan_year=None, provincial_batch=3
    )
    services.subsidy_commit_for_project(
        project=project, actor=user_with_role(Role.TASKFORCE_APPROVER)
    )
    login(client, finance)

    listed = client.get(reverse("funding:tranche_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    table = listed.content.decode().split('data-testid="tranche-table"')[1]
    assert "待录入" in table and "0.00" not in table


def test_finance_cancels_and_records_a_return_through_the_pages(client, finance, two_subdistricts):
    due = two_subdistricts[0]
    paid = TrancheFactory(state=TrancheState.PAID, voucher_number="PZ-3", paid_on=date(2024, 7, 1))
    login(client, finance)

    client.post(reverse("funding:tranche_cancel", args=[due.pk]), {"reason": "方案撤回"})
    client.post(reverse("funding:tranche_return", args=[paid.pk]), {"reason": "审计退回"})

    due.refresh_from_db()
    paid.refresh_from_db()
    assert (due.state, paid.state) == (TrancheState.CANCELLED, TrancheState.RETURNED)
    assert due.events.get(to_state="cancelled").comment == "方案撤回"
    assert "审计退回" in paid.note


def test_a_project_tranche_links_to_its_project_page(client, finance):
    project = FutureCommunityProjectFactory()
    tranche = TrancheFactory(
        plan=None,
        project=project,
        subdistrict=project.community.subdistrict,
        stage="future_approval",
    )
    login(client, finance)

    response = client.get(reverse("funding:tranche_detail", args=[tranche.pk]))

    assert response.context["subject_url"] == reverse("projects:future_detail", args=[project.pk])


def test_a_tranche_capped_at_the_top_band_is_flagged_for_the_task_force(
    client, finance, user_with_role
):
    approver = user_with_role(Role.TASKFORCE_APPROVER)
    BudgetEnvelopeFactory(fiscal_year=date.today().year)
    capped = FutureCommunityProjectFactory(creation_investment=D("9000000"))
    ordinary = FutureCommunityProjectFactory(creation_investment=D("3000000"))
    for project in (capped, ordinary):
        services.subsidy_commit_for_project(project=project, actor=approver)
    login(client, finance)

    listed = client.get(reverse("funding:tranche_list"), {"stage": "future_approval"})

    flagged = {t.project_id for t in listed.context["object_list"] if t.needs_taskforce_decision}
    assert flagged == {capped.pk}
    assert listed.content.decode().count('data-testid="needs-decision"') == 1


def test_detail_warns_when_the_project_changed_an_input_since_the_tranche(
    client, finance, user_with_role
):
    BudgetEnvelopeFactory(fiscal_year=date.today().year)
    project = FutureCommunityProjectFactory(creation_investment=D("3000000"))
    (first, *_rest) = services.subsidy_commit_for_project(
        project=project, actor=user_with_role(Role.TASKFORCE_APPROVER)
    )
    url = reverse("funding:tranche_detail", args=[first.pk])
    login(client, finance)
    assert client.get(url).context["explanation"].warnings == []

    type(project).objects.filter(pk=project.pk).update(creation_investment=D("3500000"))
    warnings = client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["explanation"].warnings

    assert warnings == [
        "The creation investment is now 3,500,000.00 yuan; this tranche was computed "
        "from 3,000,000.00 yuan."
    ]
