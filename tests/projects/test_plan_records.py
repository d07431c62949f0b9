"""The day a plan step is dated, as the service checks it, the audit record a step leaves, and
the documents a plan keeps."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects import services
from projects.choices import PlanState
from projects.models import PlanAttachment, StatusChange
from tests.factories import CommunityFactory, GapFillingPlanFactory

from .test_plan_form import PDF


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (None, "请填写日期。"),
        (datetime.date(2099, 1, 1), "日期 2099-01-01 晚于今天。"),
    ],
    ids=["missing", "future"],
)
def test_an_approval_without_a_day_or_dated_after_today_is_refused(
    approvable, approver, day, message
):
    with pytest.raises(ValidationError) as refused:
        services.plan_approve(
            actor=approver, plan=approvable, approval_number="慈批9号", approval_date=day
        )
    assert refused.value.message_dict == {"approval_date": [message]}
    approvable.refresh_from_db()
    assert approvable.state == PlanState.APPROVABLE


def test_an_approval_dated_today_is_taken(approvable, approver):
    today = timezone.localdate()
    plan = services.plan_approve(
        actor=approver, plan=approvable, approval_number="慈批9号", approval_date=today
    )
    assert (plan.state, plan.approval_date) == (PlanState.APPROVED, today)


def test_a_step_without_words_leaves_a_record_without_a_comment(plan, staff_hushan):
    services.plan_submit(actor=staff_hushan, plan=plan)
    change = StatusChange.objects.get(plan=plan, to_state=PlanState.SUBMITTED)
    assert (change.actor, change.from_state, change.comment, change.comment_code) == (
        staff_hushan,
        PlanState.DRAFT,
        "",
        "",
    )
    assert change.comment_params == {} and change.on_date is None


def test_a_document_is_listed_under_its_first_200_characters(plan, staff_hushan):
    whole = "方" * 196 + ".pdf"  # 200 characters: kept whole
    longer = "方" * 230 + ".pdf"
    for name in (whole, longer):
        services.attachment_add(
            actor=staff_hushan, plan=plan, file=SimpleUploadedFile(name, PDF, "application/pdf")
        )
    assert list(plan.attachments.values_list("original_name", flat=True)) == [
        whole,
        longer[:200],
    ]


def test_a_document_refused_by_its_record_leaves_no_file_behind(plan, staff_hushan):
    storage = PlanAttachment._meta.get_field("file").storage
    stored_before = stored_files(storage)
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(
            actor=staff_hushan,
            plan=plan,
            file=SimpleUploadedFile("现场照片.pdf", PDF, "application/pdf"),
            description="说" * 201,
        )
    assert "description" in refused.value.message_dict
    assert not plan.attachments.exists()
    assert stored_files(storage) == stored_before


def stored_files(storage) -> set[str]:
    root = Path(storage.location)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_a_document_is_removed_from_its_own_plan_only_and_its_file_after_commit(
    plan, staff_hushan, django_capture_on_commit_callbacks
):
    other = GapFillingPlanFactory(
        community=CommunityFactory(subdistrict=staff_hushan.subdistrict), created_by=staff_hushan
    )
    mine, theirs = (
        services.attachment_add(
            actor=staff_hushan, plan=owner, file=SimpleUploadedFile(name, PDF, "application/pdf")
        )
        for owner, name in ((plan, "本方案.pdf"), (other, "别的方案.pdf"))
    )
    with pytest.raises(ValidationError) as refused:
        services.attachment_remove(actor=staff_hushan, plan=plan, attachment_id=theirs.pk)
    assert refused.value.messages == ["该方案没有这个附件。"]
    assert other.attachments.get() == theirs

    storage = PlanAttachment._meta.get_field("file").storage
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(actor=staff_hushan, plan=plan, attachment_id=mine.pk)
        assert storage.exists(mine.file.name)  # the file waits for the commit
    assert not plan.attachments.exists()
    assert not storage.exists(mine.file.name)
    assert storage.exists(theirs.file.name)
