"""The gap assessment of a community against the facility standards in force."""

from decimal import Decimal

import pytest

from communities.selectors import gap_assessment
from tests.factories import CommunityFactory, FacilityFactory

pytestmark = pytest.mark.django_db


def lines_by_type(result):
    return {line.facility_type: line for line in result["lines"]}


def test_statuses_and_reasons():
    community = CommunityFactory(population=10000, households=3000)
    FacilityFactory(community=community, facility_type="elderly_care", walking_minutes=5)
    FacilityFactory(community=community, facility_type="culture", walking_minutes=25)
    FacilityFactory(community=community, facility_type="childcare", places=30, walking_minutes=5)
    FacilityFactory(community=community, facility_type="party_service", floor_area=Decimal("900"))
    result = gap_assessment(community, year=2025)
    lines = lines_by_type(result)
    assert lines["elderly_care"].status == "meets"
    assert lines["culture"].status == "out_of_radius"
    # 2025: 4.6 places per 1,000 residents → 46 needed for 10,000 people
    assert lines["childcare"].status == "below"
    assert "46.0" in lines["childcare"].reason and "30" in lines["childcare"].reason
    # 30 m² per 100 households → 900 m² for 3,000 households
    assert lines["party_service"].status == "meets"
    assert lines["sports"].status == "missing"


def test_priority_types_weigh_double_in_the_score():
    only_elderly = CommunityFactory()
    FacilityFactory(community=only_elderly, facility_type="elderly_care")
    only_culture = CommunityFactory()
    FacilityFactory(community=only_culture, facility_type="culture")
    # 9 weight units in all: elderly care counts 2, culture 1
    assert gap_assessment(only_elderly, year=2025)["score"] == Decimal("22.2")
    assert gap_assessment(only_culture, year=2025)["score"] == Decimal("11.1")


def test_planned_facilities_do_not_count():
    community = CommunityFactory()
    FacilityFactory(community=community, facility_type="sports", status="planned")
    assert lines_by_type(gap_assessment(community, year=2025))["sports"].status == "missing"


def test_the_childcare_standard_rises_in_2026():
    community = CommunityFactory(population=10000)
    FacilityFactory(community=community, facility_type="childcare", places=48)
    assert lines_by_type(gap_assessment(community, year=2025))["childcare"].status == "meets"
    assert lines_by_type(gap_assessment(community, year=2026))["childcare"].status == "below"
