"""A small city with a row of every kind in two subdistricts, for the access tests.

浒山 is the subdistrict of the signed-in subdistrict staff ("own"), 古塘 is another one
("other"); city-wide rows (operators' register, reports, exports) belong to neither. Every user
of the access tests is here: one per role, the superuser and a staff user without a role.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.choices import DepartmentCode, FutureStage, Route
from communities.models import Department, Subdistrict
from communities.notifications import notify_users
from communities.roles import Role
from communities.services import gap_assessments_refresh
from funding.choices import ExportState, TrancheStage, TrancheState
from funding.exports import build_export
from funding.models import DisbursementExport, SubsidyPolicy
from funding.services import disbursement_export_request
from operations import services as operations_services
from operations.choices import OperationKind, ReportState
from operations.models import AssessmentScheme, SupervisionReport, SupervisionRules
from projects import services as plan_services
from projects.models import (
    BlockUnit,
    DevelopmentBlock,
    FutureScenario,
    GapFillingPlan,
    PlanTableExport,
)
from projects.plan_tables import build_export as build_plan_table
from public.models import Suggestion
from tests.factories import (
    CommunityFactory,
    FacilityFactory,
    FutureCommunityProjectFactory,
    GapFillingPlanFactory,
    PlanLineItemFactory,
    SpaceResourceFactory,
    SubdistrictFactory,
    UserFactory,
)
from tests.funding.factories import BudgetEnvelopeFactory, TrancheFactory
from tests.operations.factories import ContractFactory, OperatorFactory, SatisfactionScoreFactory

# The department each role sits in (the demo's organisation units).
ROLE_DEPARTMENTS = {
    Role.DEPARTMENT_REVIEWER: DepartmentCode.DEVELOPMENT,
    Role.TASKFORCE_APPROVER: DepartmentCode.TASKFORCE,
    Role.FINANCE_OFFICER: DepartmentCode.FINANCE,
    Role.OPERATIONS_ASSESSOR: DepartmentCode.MEDIA_CENTRE,
    Role.SUPERVISOR: DepartmentCode.TOWNSCAPE_OFFICE,
}
SCORES = dict(zip(OperationKind, [18, 17, 16, 18, 15], strict=True))
PASSING_SCORES = dict.fromkeys(OperationKind, 90)
PDF = b"%PDF-1.4\n% a plan's site drawing\n"


@dataclass
class World:
    """The users by role code and the rows of each subdistrict and of the city."""

    users: dict[str, object]
    own: SimpleNamespace
    other: SimpleNamespace
    city: SimpleNamespace
    sides: dict[str, SimpleNamespace] = field(init=False)

    def __post_init__(self):
        self.sides = {"own": self.own, "other": self.other}


def build_world() -> World:
    """Create the users and rows; the caller owns the transaction they live in."""
    own_subdistrict = SubdistrictFactory(code="hushan", name="浒山")
    other_subdistrict = SubdistrictFactory(code="gutang", name="古塘")
    users = _users(own_subdistrict, other_subdistrict)
    approver, assessor = users[Role.TASKFORCE_APPROVER], users[Role.OPERATIONS_ASSESSOR]
    own = _subdistrict_rows(own_subdistrict, users["own_staff"], approver, assessor)
    other = _subdistrict_rows(other_subdistrict, users["other_staff"], approver, assessor)
    city = _city_rows(users)
    return World(users=users, own=own, other=other, city=city)


def _users(own: Subdistrict, other: Subdistrict) -> dict[str, object]:
    """One user per role (subdistrict staff of 浒山), plus 古塘's staff, a superuser and a
    staff user who holds no role."""
    users = {
        Role.SUBDISTRICT_STAFF: UserFactory(
            username="staff_own", subdistrict=own, department=None, roles=[Role.SUBDISTRICT_STAFF]
        ),
    }
    for role, code in ROLE_DEPARTMENTS.items():
        users[role] = UserFactory(
            username=f"{role}_user", department=Department.objects.get(code=code), roles=[role]
        )
    users["own_staff"] = users[Role.SUBDISTRICT_STAFF]
    users["other_staff"] = UserFactory(
        username="staff_other", subdistrict=other, department=None, roles=[Role.SUBDISTRICT_STAFF]
    )
    users["superuser"] = UserFactory(username="root", is_superuser=True)
    users["no_role"] = UserFactory(username="no_role_staff")
    return users


def _plan(subdistrict, staff):
    """A draft plan with two line items that add up to its total, in a community of its own."""
    plan = GapFillingPlanFactory(
        community=CommunityFactory(subdistrict=subdistrict), created_by=staff
    )
    PlanLineItemFactory(plan=plan, investment=Decimal("630000.00"))
    PlanLineItemFactory(plan=plan, facility_type="childcare", investment=Decimal("630000.00"))
    return plan


def _subdistrict_rows(subdistrict, staff, approver, assessor) -> SimpleNamespace:
    """Every scoped row once in this subdistrict, each in the state its pages act on."""
    community = CommunityFactory(subdistrict=subdistrict)
    facility = FacilityFactory(community=community)
    space = SpaceResourceFactory(community=community)
    gap_assessments_refresh(community_ids=[community.pk])
    plan = _plan(subdistrict, staff)
    attachment = plan_services.attachment_add(
        actor=staff, plan=plan, file=SimpleUploadedFile("site.pdf", PDF)
    )
    plan_in_review = _plan(subdistrict, staff)
    plan_services.plan_submit(actor=staff, plan=plan_in_review)
    plan_services.plan_open_review(actor=approver, plan=plan_in_review)
    # An accepted plan, for its printable approval notice and acceptance record.
    plan_accepted = _plan(subdistrict, staff)
    GapFillingPlan.objects.filter(pk=plan_accepted.pk).update(
        state="accepted",
        approval_number="慈补短板批〔2024〕9号",
        approval_date=datetime.date(2024, 5, 1),
        acceptance_date=datetime.date(2024, 12, 1),
        settled_investment=Decimal("1200000.00"),
    )
    project = FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=subdistrict, route=Route.FUTURE)
    )
    # Its scenario is built, so that the joint acceptance's condition lets the step pass.
    FutureScenario.objects.create(
        project=project, scenario="neighbourhood", planned_content="邻里中心", state="built"
    )
    # A project under construction, whose scenarios the subdistrict reports built.
    project_building = FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=subdistrict, route=Route.FUTURE)
    )
    type(project).objects.filter(pk=project_building.pk).update(
        stage=FutureStage.APPROVED, approval_date=datetime.date(2025, 3, 1)
    )
    project_building.refresh_from_db()
    FutureScenario.objects.create(
        project=project_building, scenario="health", planned_content="健康小屋"
    )
    # The 融媒体中心 agreed to its digital plan, so the plan review may be recorded.
    digital_review = plan_services.digital_review_record(
        actor=assessor,
        project=project,
        verdict="agree",
        reviewed_on=datetime.date(2024, 3, 1),
        document=SimpleUploadedFile("digital.pdf", PDF),
    )
    block = DevelopmentBlock.objects.create(
        name=f"{subdistrict.name}示例区块",
        subdistrict=subdistrict,
        area_mu=Decimal("420.00"),
        planned_population=12000,
    )
    BlockUnit.objects.create(block=block, number=1, facility_types=["elderly_care"])
    in_subdistrict = {"plan__community__subdistrict": subdistrict}
    tranche = TrancheFactory(**in_subdistrict)
    tranche_approved = TrancheFactory(state=TrancheState.APPROVED, **in_subdistrict)
    tranche_paid = TrancheFactory(
        state=TrancheState.PAID,
        voucher_number="PZ-2024-1",
        paid_on=datetime.date(2024, 7, 1),
        **in_subdistrict,
    )
    tranche_entered = TrancheFactory(
        plan=None,
        project=FutureCommunityProjectFactory(
            community=CommunityFactory(subdistrict=subdistrict, route=Route.FUTURE),
            funding_mode="original",
        ),
        subdistrict=subdistrict,
        stage=TrancheStage.ORIGINAL_MODEL,
        state=TrancheState.SCHEDULED,
        amount=Decimal("0.00"),
        policy=SubsidyPolicy.objects.get(code="future-original"),
        policy_version="future-original v1",
    )
    operator = OperatorFactory()
    contract = ContractFactory(
        subdistrict=subdistrict, operator=operator, created_by=staff, facilities=[facility]
    )
    assessment = operations_services.assessment_create(
        actor=assessor, project=None, contract=contract, period="2025", scores=SCORES, comments=""
    )
    # A passed, confirmed assessment of a community named only after the confirmation: its
    # reward waits to be released.
    named = FutureCommunityProjectFactory(
        community=CommunityFactory(subdistrict=subdistrict, route=Route.FUTURE)
    )
    assessment_of_named = operations_services.assessment_create(
        actor=assessor, project=named, period="2025", scores=PASSING_SCORES, comments=""
    )
    operations_services.assessment_submit(actor=assessor, assessment=assessment_of_named)
    operations_services.assessment_confirm(actor=assessor, assessment=assessment_of_named)
    type(named).objects.filter(pk=named.pk).update(stage=FutureStage.NAMED)
    assessment_of_named.refresh_from_db()
    satisfaction = SatisfactionScoreFactory(community=community, recorded_by=staff)
    suggestion = Suggestion.objects.create(
        community=community, category="elderly_care", text="希望增加老年食堂", phone="13912345678"
    )
    return SimpleNamespace(
        subdistrict=subdistrict,
        community=community,
        facility=facility,
        space=space,
        gap_assessment=community.gap_assessments.order_by("pk").first(),
        plan=plan,
        attachment=attachment,
        plan_in_review=plan_in_review,
        plan_accepted=plan_accepted,
        line_item=plan.line_items.first(),
        project=project,
        project_building=project_building,
        digital_review=digital_review,
        block=block,
        tranche=tranche,
        tranche_approved=tranche_approved,
        tranche_paid=tranche_paid,
        tranche_entered=tranche_entered,
        operator=operator,
        contract=contract,
        assessment=assessment,
        assessment_of_named=assessment_of_named,
        satisfaction=satisfaction,
        suggestion=suggestion,
    )


def _city_rows(users) -> SimpleNamespace:
    """City-wide rows: a built and a failed supervision report, finance's finished export, and
    the own subdistrict staff's three-year plan tables (written and failed), theirs alone."""
    supervisor, finance = users[Role.SUPERVISOR], users[Role.FINANCE_OFFICER]
    report, _created = operations_services.supervision_report_request(
        actor=supervisor, period="2025-05"
    )
    operations_services.supervision_report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == ReportState.DONE, report.error
    failed = SupervisionReport.objects.create(period="2025-04", requested_by=supervisor)
    SupervisionReport.objects.filter(pk=failed.pk).update(
        state=ReportState.FAILED, error="RuntimeError: the disk was full"
    )
    export = disbursement_export_request(actor=finance, filters={}, filter_summary="")
    export = build_export(export.pk) or DisbursementExport.objects.get(pk=export.pk)
    failed_export = DisbursementExport.objects.create(
        requested_by=finance, state=ExportState.FAILED, error="OSError: the disk was full"
    )
    staff = users["own_staff"]
    plan_table = plan_services.plan_table_request(actor=staff, filters={}, filter_summary="")
    plan_table = build_plan_table(plan_table.pk) or PlanTableExport.objects.get(pk=plan_table.pk)
    failed_plan_table = PlanTableExport.objects.create(
        requested_by=staff, state=ExportState.FAILED, error="OSError: the disk was full"
    )
    # What the login throttle records, so its admin pages have a row to open.
    seen = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "someone"}
    seen |= {"http_accept": "text/html", "path_info": "/login/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen, locked_out=False)
    [notification] = notify_users(
        recipients=[users["own_staff"]], subject="方案已退回", body="", link="/plans/"
    )
    envelope = BudgetEnvelopeFactory(fiscal_year=2024)
    operator = OperatorFactory()
    # The policy tables come from migrations, which keep no field history; saving them once,
    # as the superuser's edit would, gives each a version to open.
    for model in (SubsidyPolicy, AssessmentScheme, SupervisionRules):
        for row in model.objects.all():
            row.save()
    return SimpleNamespace(
        report=report,
        failed_report=failed,
        export=export,
        failed_export=failed_export,
        plan_table=plan_table,
        failed_plan_table=failed_plan_table,
        notification=notification,
        envelope=envelope,
        policy=SubsidyPolicy.objects.order_by("pk").first(),
        operator=operator,
    )
