"""The projects services called as a page calls them, outside any transaction: each holds its
row lock in a transaction of its own (a service without one cannot lock the row at all, and
PostgreSQL says so).

Transactional tests, so these stay out of the mutation runs' selection (docs/mutation.md): they
are what kills the mutants that drop ``@transaction.atomic`` from these services."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction

from communities.roles import Role
from projects import services
from projects.choices import FutureStage, PlanState
from projects.models import DevelopmentBlock, FutureCommunityProject, GapFillingPlan
from tests.factories import CommunityFactory, SpaceResourceFactory, UserFactory

from .conftest import pay_subsidy
from .test_future_steps import accept
from .test_plan_content import FIELDS, ITEMS

# SQLite takes no row locks, so only PostgreSQL tells a service without its transaction; the
# joint reviewers are departments of a data migration, kept across the flush.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgres,
]

DAY = datetime.date(2024, 5, 1)
PROJECT_FIELDS = {
    "category": "renovation",
    "project_type": "inclusive",
    "plan_year": 2024,
    "funding_mode": "optimised",
    "creation_investment": Decimal("4500000"),
}
LATER = datetime.date(2024, 6, 1)


def test_a_plan_goes_through_its_whole_life_one_service_at_a_time(
    staff_hushan, approver, reviewers
):
    assert transaction.get_autocommit()
    assert reviewers
    community = CommunityFactory(subdistrict=staff_hushan.subdistrict)
    space = SpaceResourceFactory(community=community)
    plan = services.plan_create(
        actor=staff_hushan, community=community, fields=FIELDS, line_items=ITEMS, spaces=[space]
    )
    plan = services.plan_update(
        actor=staff_hushan, plan=plan, fields={"title": "南门社区方案"}, line_items=ITEMS
    )
    plan = services.plan_save(
        actor=staff_hushan, plan=plan, fields={"title": "南门社区补短板方案"}, line_items=ITEMS
    )
    pdf = SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n% plan\n", content_type="application/pdf")
    attachment = services.attachment_add(actor=staff_hushan, plan=plan, file=pdf)
    services.attachment_remove(actor=staff_hushan, plan=plan, attachment_id=attachment.pk)
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    services.opinion_record(actor=reviewers[0], plan=plan, decision="disagree", comments="面积不足")
    services.plan_return(actor=approver, plan=plan, reason="面积不足")
    services.plan_submit(actor=staff_hushan, plan=plan)
    services.plan_open_review(actor=approver, plan=plan)
    for reviewer in reviewers:
        services.opinion_record(actor=reviewer, plan=plan, decision="agree")
    services.plan_approve(actor=approver, plan=plan, approval_number="慈批1号", approval_date=DAY)
    services.plan_start(actor=staff_hushan, plan=plan)
    services.progress_report(actor=staff_hushan, plan=plan, percent=40, on_date=LATER)
    services.plan_complete(actor=staff_hushan, plan=plan, on_date=LATER)
    services.plan_accept(
        actor=approver, plan=plan, acceptance_date=LATER, settled_investment=Decimal("1260000")
    )
    pay_subsidy(plan)
    services.plan_close(actor=approver, plan=plan)
    assert GapFillingPlan.objects.get(pk=plan.pk).state == PlanState.CLOSED

    another = services.plan_create(
        actor=staff_hushan,
        community=CommunityFactory(subdistrict=staff_hushan.subdistrict),
        fields=FIELDS,
        line_items=ITEMS,
    )
    services.plan_withdraw(actor=staff_hushan, plan=another, reason="合并建设")
    assert GapFillingPlan.objects.get(pk=another.pk).state == PlanState.WITHDRAWN


def test_a_future_project_and_a_block_are_changed_one_service_at_a_time(hushan, approver):
    assert transaction.get_autocommit()
    staff = UserFactory(subdistrict=hushan, roles=[Role.SUBDISTRICT_STAFF])
    assessor = UserFactory(roles=[Role.OPERATIONS_ASSESSOR])
    project = services.project_create(
        actor=approver,
        community=CommunityFactory(subdistrict=hushan, route="future"),
        fields=PROJECT_FIELDS,
    )
    project = services.project_update(
        actor=approver, project=project, fields={"project_type": "leading"}
    )
    services.project_scenarios_save(
        actor=approver,
        project=project,
        scenarios=[{"scenario": "education", "planned_content": "托育驿站"}],
    )
    services.digital_review_record(
        actor=assessor, project=project, verdict="agree", reviewed_on=DAY, document_number="审1号"
    )
    for stage in (FutureStage.PLAN_REVIEWED, FutureStage.APPROVED):
        project = services.project_advance(
            actor=approver, project=project, to_stage=stage, on_date=DAY
        )
    services.project_scenarios_report_built(actor=staff, project=project, built=["education"])
    project = services.project_advance(
        actor=approver, project=project, to_stage=FutureStage.CONSTRUCTION_COMPLETE, on_date=LATER
    )
    accept(approver, project)
    project.refresh_from_db()
    assert project.stage == FutureStage.JOINT_ACCEPTANCE_PASSED

    block = DevelopmentBlock.objects.create(
        name="金融港区块", area_mu=Decimal("450"), planned_population=8500
    )
    services.block_save(actor=approver, block=block, fields={"planned_population": 9000})
    services.block_units_save(
        actor=approver, block=block, units=[{"number": 1, "name": "", "facility_types": []}]
    )
    assert DevelopmentBlock.objects.get(pk=block.pk).planned_population == 9000
    assert FutureCommunityProject.objects.get(pk=project.pk).project_type == "leading"


def test_a_project_whose_first_record_cannot_be_written_is_not_kept_either(
    hushan, approver, monkeypatch
):
    # A project and the record of its first stage are one commit: no project without a history.
    def history_unavailable(**kwargs):
        raise DatabaseError("the status change table is unavailable")

    monkeypatch.setattr(services, "record_change", history_unavailable)
    assert transaction.get_autocommit()
    with pytest.raises(DatabaseError):
        services.project_create(
            actor=approver,
            community=CommunityFactory(subdistrict=hushan, route="future"),
            fields=PROJECT_FIELDS,
        )
    assert not FutureCommunityProject.objects.exists()
