"""The funding services called as a page calls them, outside any transaction: each holds its
row lock in a transaction of its own (a service without one cannot lock the row at all).

Transactional tests, so these stay out of the mutation runs' selection (docs/mutation.md): they
are what kills the mutants that drop ``@transaction.atomic`` from these services."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from communities import outbox
from funding import services
from funding.choices import ExportState
from funding.models import BudgetEnvelope, DisbursementExport, Tranche
from tests.factories import FutureCommunityProjectFactory

from .factories import BudgetEnvelopeFactory

# SQLite takes no row locks, so only PostgreSQL tells a service without its transaction.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_a_budget_envelope_is_changed_under_its_own_lock(finance):
    assert transaction.get_autocommit()
    envelope = BudgetEnvelopeFactory(amount=Decimal("1000000.00"))
    envelope.amount = Decimal("2000000.00")
    services.budget_envelope_save(envelope=envelope, actor=finance)
    assert BudgetEnvelope.objects.get(pk=envelope.pk).amount == Decimal("2000000.00")


def test_a_failed_export_is_asked_for_again_under_its_own_lock(finance):
    assert transaction.get_autocommit()
    failed = DisbursementExport.objects.create(
        requested_by=finance,
        filters={"state": "due"},
        filter_summary="应拨付",
        state=ExportState.FAILED,
    )
    again = services.disbursement_export_retry(actor=finance, export=failed)
    assert again.pk != failed.pk
    assert (again.filters, again.filter_summary) == ({"state": "due"}, "应拨付")
    assert DisbursementExport.objects.get(pk=failed.pk).state == ExportState.FAILED


def test_an_export_whose_job_cannot_be_written_is_not_kept_either(finance, monkeypatch):
    # The sheet and the job that writes it are one commit: an export row without its job
    # would show "queued" for good.
    def outbox_unavailable(*args, **kwargs):
        raise DatabaseError("the outbox table is unavailable")

    monkeypatch.setattr(outbox, "enqueue", outbox_unavailable)
    assert transaction.get_autocommit()
    with pytest.raises(DatabaseError):
        services.disbursement_export_request(actor=finance, filters={}, filter_summary="全部")
    assert not DisbursementExport.objects.exists()


def test_a_ningbo_receipt_is_recorded_under_the_tranches_own_lock(approver, finance):
    BudgetEnvelopeFactory(amount=Decimal("10000000.00"))
    project = FutureCommunityProjectFactory(project_type="leading", stage="named")
    services.project_stage_reached(project=project, stage="named", actor=approver)

    received = services.passthrough_record_receipt(
        project=project, amount=Decimal("2500000"), actor=finance
    )

    assert Tranche.objects.get(pk=received.pk).amount == Decimal("2500000.00")
