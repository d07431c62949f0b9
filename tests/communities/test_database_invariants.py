"""The database itself refuses rows that break the communities' invariants, also when a write
skips the models' validation (``QuerySet.update``, ``bulk_create``)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from communities.choices import FacilityType, GapStatus, StandardKind
from communities.models import (
    MAX_FLOOR_AREA,
    MAX_PLACES,
    MAX_POPULATION,
    Community,
    Department,
    Facility,
    FacilityStandard,
    GapAssessment,
    SpaceResource,
    User,
)
from tests.factories import (
    CommunityFactory,
    FacilityFactory,
    SpaceResourceFactory,
    SubdistrictFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(write):
    """The write fails in the database; the test's transaction stays usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_a_user_is_in_at_most_one_organisation_unit():
    user = UserFactory()
    subdistrict = SubdistrictFactory()
    refused(lambda: User.objects.filter(pk=user.pk).update(subdistrict=subdistrict))


@pytest.mark.parametrize("units", ["neither", "both"])
def test_the_model_explains_the_organisation_unit_once_in_words(units):
    user = User(username="someone", password="x")
    if units == "both":
        user.subdistrict, user.department = SubdistrictFactory(), Department.objects.first()
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    [message] = error.value.messages
    assert "Constraint" not in message and "user_" not in message


@pytest.mark.parametrize(
    "fields",
    [
        {"population": MAX_POPULATION + 1},
        {"households": MAX_POPULATION + 1},
        {"area_hectares": Decimal("0")},
        {"area_hectares": Decimal("-1")},
        {"area_hectares": Decimal("10000.01")},
        {"plan_year": 2014},
        {"plan_year": 2036},
        {"provincial_batch": 8},
        {"assessment_score": Decimal("100.5")},
    ],
)
def test_a_community_keeps_plausible_figures(fields):
    community = CommunityFactory()
    refused(lambda: Community.objects.filter(pk=community.pk).update(**fields))


def test_a_community_code_is_unique():
    community = CommunityFactory()
    twin = Community(
        subdistrict=community.subdistrict, code=community.code, name="另一个", route=community.route
    )
    refused(lambda: Community.objects.bulk_create([twin]))


@pytest.mark.parametrize(
    "fields",
    [
        {"floor_area": Decimal("0")},
        {"floor_area": Decimal("-5")},
        {"floor_area": MAX_FLOOR_AREA + 1},
        {"places": -1},
        {"places": MAX_PLACES + 1},
        {"walking_minutes": 121},
    ],
)
def test_a_facility_keeps_positive_areas_and_counts(fields):
    facility = FacilityFactory()
    refused(lambda: Facility.objects.filter(pk=facility.pk).update(**fields))


@pytest.mark.parametrize("area", [Decimal("0"), Decimal("-1"), MAX_FLOOR_AREA + 1])
def test_a_landing_space_has_a_positive_area(area):
    space = SpaceResourceFactory()
    refused(lambda: SpaceResource.objects.filter(pk=space.pk).update(area=area))


def standard(**fields):
    values = {
        "facility_type": FacilityType.ELDERLY_CARE,
        "effective_from_year": 2040,
        "kind": StandardKind.PLACES_PER_1000_RESIDENTS,
        "minimum": Decimal("4"),
        "source": "测试",
    }
    return FacilityStandard(**(values | fields))


def test_a_standard_that_measures_has_a_minimum():
    refused(lambda: FacilityStandard.objects.bulk_create([standard(minimum=None)]))
    FacilityStandard.objects.bulk_create([standard(kind=StandardKind.MUST_EXIST, minimum=None)])


@pytest.mark.parametrize(
    "fields", [{"minimum": Decimal("-1")}, {"radius_minutes": 0}, {"radius_minutes": 61}]
)
def test_a_standard_keeps_a_non_negative_minimum_and_a_sane_radius(fields):
    refused(lambda: FacilityStandard.objects.bulk_create([standard(**fields)]))


@pytest.mark.parametrize(
    "fields",
    [
        {"have": Decimal("-1")},
        {"need": Decimal("-1")},
        {"shortfall": Decimal("0")},
        {"points": 101},
    ],
)
def test_a_stored_assessment_keeps_non_negative_figures(fields):
    row = {
        "community": CommunityFactory(),
        "facility_type": FacilityType.ELDERLY_CARE,
        "year": 2025,
        "status": GapStatus.BELOW,
        "have": Decimal("1"),
        "need": Decimal("3"),
        "shortfall": Decimal("2"),
        "points": 50,
        "weight": 2,
        "computed_at": timezone.make_aware(datetime.datetime(2025, 1, 1)),
    }
    GapAssessment.objects.bulk_create([GapAssessment(**row)])
    GapAssessment.objects.all().delete()
    refused(lambda: GapAssessment.objects.bulk_create([GapAssessment(**(row | fields))]))
