"""Factories of the operations app."""

from datetime import date
from decimal import Decimal

import factory

from communities.choices import FacilityType
from operations.models import OperatingContract, Operator, SatisfactionScore
from operations.validators import credit_code_check_character
from tests.factories import CommunityFactory, SubdistrictFactory, UserFactory


def credit_code(n: int) -> str:
    """A valid unified social credit code: Cixi region, a sequence number, its check."""
    first17 = f"91330282MA2{n:06d}"
    return first17 + credit_code_check_character(first17)


class OperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operator

    name = factory.Sequence(lambda n: f"运营机构{n}")
    credit_code = factory.Sequence(credit_code)
    facility_types = factory.LazyFunction(lambda: [FacilityType.ELDERLY_CARE.value])


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract row without the service's checks; tests of the checks use the service."""

    class Meta:
        model = OperatingContract
        skip_postgeneration_save = True

    subdistrict = factory.SubFactory(SubdistrictFactory)
    operator = factory.SubFactory(OperatorFactory)
    title = factory.Sequence(lambda n: f"运营合同{n}")
    starts_on = date(2025, 1, 1)
    ends_on = date(2026, 12, 31)
    annual_fee = Decimal("100000.00")
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def facilities(self, create, extracted, **kwargs):
        if extracted:
            self.facilities.set(extracted)


class SatisfactionScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SatisfactionScore

    community = factory.SubFactory(CommunityFactory)
    period = "2025-H1"
    score = Decimal("88.00")
    recorded_by = factory.SubFactory(UserFactory)
