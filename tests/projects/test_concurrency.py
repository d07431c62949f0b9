"""Two approvals of one plan at the same moment: one wins, the other is refused."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects import services
from projects.choices import PlanState
from projects.models import StatusChange


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_give_one_approval_and_one_refusal(approvable, approver):
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(number):
        try:
            barrier.wait()
            services.plan_approve(
                actor=approver,
                plan=approvable,
                approval_number=number,
                approval_date=datetime.date(2024, 5, 1),
            )
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(f"慈批{n}号",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approved", "refused"]
    approvable.refresh_from_db()
    assert approvable.state == PlanState.APPROVED
    assert StatusChange.objects.filter(plan=approvable, to_state=PlanState.APPROVED).count() == 1
