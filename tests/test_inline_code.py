"""No rendered page carries inline script or style, which the Content-Security-Policy would block.

Every main page is rendered with real records: every parameterless page of the portal's apps
(found by walking the URL configuration, so a new list or form page is checked without being
added here), each detail and edit page, the login page, and in the admin the index and, for
every registered model, its changelist, its add form and the change form of a real row.
"""

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from communities.roles import Role
from funding.models import DisbursementExport
from operations import services as operations_services
from operations.choices import OperationKind, ReportState
from operations.models import SupervisionReport
from projects.models import DevelopmentBlock, PlanTableExport
from tests.factories import (
    CommunityFactory,
    FacilityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    SpaceResourceFactory,
    UserFactory,
)
from tests.funding.factories import TrancheFactory
from tests.operations.factories import ContractFactory, OperatorFactory, SatisfactionScoreFactory

EVENT_HANDLER = re.compile(r"^on[a-z]+$")
APP_NAMESPACES = ("communities", "projects", "funding", "operations")


class InlineCodeFinder(HTMLParser):
    """Collect every inline script, style element, style attribute and event handler."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        """Record what of this tag the policy would refuse."""
        attributes = dict(attrs)
        line = self.getpos()[0]
        data_block = (attributes.get("type") or "").lower() == "application/json"
        if tag == "script" and "src" not in attributes and not data_block:
            self.found.append(f"line {line}: inline <script>")
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        for name, value in attrs:
            script_url = name in {"href", "action", "src"} and (
                (value or "").strip().lower().startswith("javascript:")
            )
            if name == "style" or EVENT_HANDLER.match(name) or script_url:
                self.found.append(f'line {line}: <{tag} {name}="{value}">')


def inline_code(html: str) -> list[str]:
    """What in this page the Content-Security-Policy would block."""
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_finder_finds_each_kind_of_inline_code():
    # given a page with one of each kind, and the kinds that are allowed
    html = """
      <script>alert(1)</script><script type="application/json">{"a": 1}</script>
      <script src="/static/portal/portal.js"></script><style>p {}</style>
      <p style="color: red">x</p><button onclick="go()">go</button>
      <a href="javascript:go()">go</a><a href="/plans/" data-on="x">plans</a>
    """
    # when it is scanned
    found = inline_code(html)
    # then exactly the five refused ones are reported
    assert len(found) == 5, found
    assert any("inline <script>" in item for item in found)
    assert any("<style> element" in item for item in found)
    assert any('style="color: red"' in item for item in found)
    assert any('onclick="go()"' in item for item in found)
    assert any("javascript:" in item for item in found)


# Parameterless pages that only one role opens; the superuser opens every other one.
OPENED_BY = {"projects:plan_create": "staff", "projects:plan_space_choices": "staff"}


def _parameterless_pages() -> list[tuple[str, str]]:
    """(URL, who opens it) of the portal's app URLs that take no argument."""
    urls = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif (
                isinstance(pattern, URLPattern)
                and namespace in APP_NAMESPACES
                and pattern.name
                and not pattern.pattern.converters
            ):
                name = f"{namespace}:{pattern.name}"
                urls.append((reverse(name), OPENED_BY.get(name, "superuser")))

    walk(get_resolver().url_patterns, None)
    return urls


@pytest.fixture
def world(hushan, staff_hushan):
    """One real record of every kind a page shows, in the subdistrict 浒山."""
    community = CommunityFactory(subdistrict=hushan)
    facility = FacilityFactory(community=community)
    space = SpaceResourceFactory(community=community)
    plan = GapFillingPlanFactory(community=community, created_by=staff_hushan)
    PlanLineItemFactory(plan=plan)
    project = FutureCommunityProjectFactory(community__subdistrict=hushan)
    block = DevelopmentBlock.objects.create(
        name="太屹区块", area_mu=Decimal("300"), planned_population=6500
    )
    tranche = TrancheFactory(plan=plan)  # a community has one live plan
    operator = OperatorFactory()
    contract = ContractFactory(subdistrict=hushan, operator=operator)
    assessor = UserFactory(username="assessor", roles=[Role.OPERATIONS_ASSESSOR])
    assessment = operations_services.assessment_create(
        actor=assessor,
        period="2025",
        scores=dict.fromkeys(OperationKind, "80"),
        contract=contract,
    )
    SatisfactionScoreFactory(community=community)
    supervisor = UserFactory(username="supervisor", roles=[Role.SUPERVISOR])
    building = SupervisionReport.objects.create(
        period="2025-05", requested_by=supervisor, state=ReportState.RUNNING, progress=40
    )
    finance = UserFactory(username="finance", roles=[Role.FINANCE_OFFICER])
    export = DisbursementExport.objects.create(requested_by=finance, total_rows=10, rows_written=4)
    plan_table = PlanTableExport.objects.create(
        requested_by=staff_hushan, total_rows=10, rows_written=4
    )
    superuser = UserFactory(username="root", is_superuser=True)
    return {
        "community": community,
        "facility": facility,
        "space": space,
        "plan": plan,
        "project": project,
        "block": block,
        "tranche": tranche,
        "operator": operator,
        "contract": contract,
        "assessment": assessment,
        "building": building,
        "export": export,
        "plan_table": plan_table,
        "staff": staff_hushan,
        "assessor": assessor,
        "supervisor": supervisor,
        "finance": finance,
        "superuser": superuser,
        "today": date.today(),
    }


def _detail_and_form_pages(world) -> list[tuple[str, str]]:
    """(URL, who opens it) of every page that shows or edits one record."""
    c, plan = world["community"], world["plan"]
    return [
        (reverse("communities:detail", args=[c.pk]), "staff"),
        (reverse("communities:facility_add", args=[c.pk]), "staff"),
        (reverse("communities:facility_edit", args=[c.pk, world["facility"].pk]), "staff"),
        (reverse("communities:space_add", args=[c.pk]), "staff"),
        (reverse("communities:space_edit", args=[c.pk, world["space"].pk]), "staff"),
        (reverse("projects:plan_detail", args=[plan.pk]), "staff"),
        (reverse("projects:plan_edit", args=[plan.pk]), "staff"),
        (reverse("projects:future_detail", args=[world["project"].pk]), "superuser"),
        (reverse("projects:block_detail", args=[world["block"].pk]), "superuser"),
        (reverse("funding:tranche_detail", args=[world["tranche"].pk]), "finance"),
        (reverse("funding:export_detail", args=[world["export"].pk]), "finance"),
        (reverse("projects:plan_table_detail", args=[world["plan_table"].pk]), "staff"),
        (reverse("operations:operator_detail", args=[world["operator"].pk]), "superuser"),
        (reverse("operations:operator_edit", args=[world["operator"].pk]), "assessor"),
        (reverse("operations:contract_detail", args=[world["contract"].pk]), "staff"),
        (reverse("operations:contract_edit", args=[world["contract"].pk]), "staff"),
        (reverse("operations:assessment_detail", args=[world["assessment"].pk]), "assessor"),
        (reverse("operations:assessment_edit", args=[world["assessment"].pk]), "assessor"),
        (reverse("operations:report_detail", args=[world["building"].pk]), "supervisor"),
    ]


def _admin_pages() -> list[str]:
    """The admin index, and each registered model's changelist, add form and a change form."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_FakeRequest()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            views = ["change", "delete"]
            # A history admin on a model without history cannot show its page (a known fault).
            if not isinstance(model_admin, SimpleHistoryAdmin) or hasattr(
                model._meta, "simple_history_manager_attribute"
            ):
                views.append("history")
            for view in views:
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[row.pk]))
    return urls


class _FakeRequest:
    """Just enough of a superuser's request for has_add_permission."""

    class user:  # noqa: N801
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm, obj=None):
            return True


def test_no_page_has_inline_script_or_style(client, world):
    # given every main page, each opened by someone who may open it
    pages = _parameterless_pages() + _detail_and_form_pages(world)
    pages += [(url, "superuser") for url in _admin_pages()]
    user_password = reverse("admin:auth_user_password_change", args=[world["staff"].pk])
    pages.append((user_password, "superuser"))
    # when each is rendered
    problems = {}
    for url, who in pages:
        client.force_login(world[who])
        response = client.get(url)
        if response.status_code == 405:
            continue  # an action that only takes a POST, not a page
        if response.status_code == 403 and url.endswith("/delete/"):
            continue  # the admin offers no deleting of this model's rows
        if response.status_code != 200:
            problems[url] = f"{who}: {response.status_code}"
            continue
        if response["Content-Type"].startswith("text/html"):
            found = inline_code(response.content.decode())
            if found:
                problems[url] = found
    # then none carries inline code
    assert not problems, problems


def test_the_login_pages_have_no_inline_script_or_style(client, db):
    # given an anonymous visitor
    for url in (reverse("login"), reverse("admin:login")):
        # when the login page is rendered
        response = client.get(url)
        # then it carries no inline code
        assert response.status_code == 200
        assert inline_code(response.content.decode()) == [], url
