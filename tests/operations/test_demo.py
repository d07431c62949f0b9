"""The operations demo data: valid operators, a 1+N chain, and a second run changes nothing."""

from communities import demo as communities_demo
from operations import demo, selectors
from operations.models import OperatingContract, OperationsAssessment, Operator, SatisfactionScore
from operations.validators import validate_credit_code


def counts():
    return [
        model.objects.count()
        for model in (Operator, OperatingContract, OperationsAssessment, SatisfactionScore)
    ]


def test_seed_is_idempotent_and_shows_a_1_plus_n_chain(db):
    communities_demo.seed()
    demo.seed()
    first = counts()
    demo.seed()
    assert counts() == first
    assert first[0] == 3 and first[1] >= 3 and first[3] > 0
    for operator in Operator.objects.all():
        validate_credit_code(operator.credit_code)
    chain_operator = Operator.objects.get(credit_code="91330282MA2H4K7L5N")
    contracts = selectors.operator_contracts(
        operator=chain_operator, user=chain_operator.contracts.first().created_by
    )
    chains = selectors.elderly_care_chains(contracts)
    assert chains and chains[0]["is_complete"]
