"""Twenty simultaneous "mark paid" requests on one tranche pay it once."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection

from communities.roles import Role
from funding import services
from funding.choices import TrancheState
from funding.models import Tranche, TrancheEvent
from tests.factories import UserFactory

from .factories import TrancheFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_payments_pay_once():
    finance = UserFactory(roles=[Role.FINANCE_OFFICER])
    tranche = TrancheFactory(state=TrancheState.APPROVED)

    def pay(_index):
        try:
            services.tranche_mark_paid(
                tranche=tranche, actor=finance, voucher_number="PZ-2024-7", paid_on=date.today()
            )
            return "ok"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(pay, range(20)))

    assert results == ["ok"] * 20
    assert Tranche.objects.get(pk=tranche.pk).state == TrancheState.PAID
    assert TrancheEvent.objects.filter(tranche=tranche, to_state=TrancheState.PAID).count() == 1
    assert tranche.history.filter(state=TrancheState.PAID).count() == 1
