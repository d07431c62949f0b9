"""The operations services called as a page calls them, outside any transaction: each write is
all or nothing and holds its row locks in a transaction of its own.

Transactional tests, so these stay out of the mutation runs' selection (docs/mutation.md): they
are what kills the mutants that drop ``@transaction.atomic`` from these services."""

import pytest
from django.db import transaction
from simple_history.models import HistoricalRecords

from operations import services
from operations.choices import ContractState
from operations.models import OperatingContract, Operator
from tests.factories import CommunityFactory, FacilityFactory

from .factories import OperatorFactory, credit_code
from .test_contracts import terms

# SQLite takes no row locks, so only PostgreSQL tells a service without its transaction.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_an_operator_whose_history_cannot_be_written_is_not_registered(assessor, monkeypatch):
    assert transaction.get_autocommit()

    def fail(*args, **kwargs):
        raise RuntimeError("history unavailable")

    monkeypatch.setattr(HistoricalRecords, "create_historical_record", fail)

    with pytest.raises(RuntimeError):
        services.operator_create(
            actor=assessor, fields={"name": "某机构", "credit_code": credit_code(31)}
        )

    assert not Operator.objects.exists()


def test_an_operator_is_changed_under_its_own_lock(assessor):
    operator = OperatorFactory(name="甲机构")

    services.operator_update(actor=assessor, operator=operator, fields={"name": "乙机构"})

    assert Operator.objects.get(pk=operator.pk).name == "乙机构"


def test_a_contract_is_signed_and_changed_and_ended_under_its_own_locks(staff_hushan):
    facility = FacilityFactory(community=CommunityFactory(subdistrict=staff_hushan.subdistrict))
    contract = services.contract_create(
        actor=staff_hushan,
        subdistrict=staff_hushan.subdistrict,
        facilities=[facility],
        fields=terms("2025-01-01", "2025-12-31", operator=OperatorFactory()),
    )
    services.contract_update(
        actor=staff_hushan, contract=contract, facilities=[facility], fields={"title": "续签"}
    )
    services.contract_terminate(actor=staff_hushan, contract=contract)

    saved = OperatingContract.objects.get(pk=contract.pk)
    assert (saved.title, saved.state) == ("续签", ContractState.TERMINATED)
    assert list(saved.facilities.all()) == [facility]

