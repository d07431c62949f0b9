"""factory_boy factories for the communities app, shared by every app's tests."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from communities.choices import FacilityStatus, FacilityType, Route, SpaceKind
from communities.models import Community, Department, Facility, SpaceResource, Subdistrict, User

PASSWORD = "pass-12345"


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sub{n}")
    name = factory.Sequence(lambda n: f"街道{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user; ``roles=[...]`` puts it in the role groups, default organisation a department."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@cixi.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    is_staff = True
    department = factory.LazyAttribute(
        lambda u: None if u.subdistrict else Department.objects.get(code="taskforce")
    )
    subdistrict = None

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        self.save()


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    code = factory.Sequence(lambda n: f"c{n:03d}")
    name = factory.Sequence(lambda n: f"社区{n}")
    route = Route.GAP
    plan_year = 2024
    population = 8000
    households = 3000


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    community = factory.SubFactory(CommunityFactory)
    facility_type = FacilityType.ELDERLY_CARE
    name = factory.Sequence(lambda n: f"设施{n}")
    floor_area = Decimal("200.00")
    walking_minutes = 5
    status = FacilityStatus.EXISTING


class SpaceResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceResource

    community = factory.SubFactory(CommunityFactory)
    kind = SpaceKind.MANAGEMENT
    name = factory.Sequence(lambda n: f"用房{n}")
    area = Decimal("300.00")


class GapFillingPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan; tests that need another state set it through the services."""

    class Meta:
        model = "projects.GapFillingPlan"

    community = factory.SubFactory(CommunityFactory)
    subdistrict = factory.SelfAttribute("community.subdistrict")
    year = 2024
    title = factory.LazyAttribute(lambda p: f"{p.community.name}补短板建设方案")
    total_investment = Decimal("1260000.00")
    policy_fee = Decimal("60000.00")
    created_by = factory.SubFactory(
        UserFactory, subdistrict=factory.SelfAttribute("..subdistrict"), department=None
    )


class PlanLineItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.PlanLineItem"

    plan = factory.SubFactory(GapFillingPlanFactory)
    facility_type = FacilityType.ELDERLY_CARE
    floor_area = Decimal("300.00")
    investment = Decimal("630000.00")


class FutureCommunityProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.FutureCommunityProject"

    community = factory.SubFactory(CommunityFactory, route=Route.FUTURE, plan_year=2024)
    category = "renovation"
    project_type = "inclusive"
    # The batch follows the funding mode asked for (the original model is a provincial batch's),
    # so that every project keeps the rule of projects.funding_rule.
    funding_mode = factory.LazyAttribute(
        lambda o: "self_funded" if o.category == "new_build" else "optimised"
    )
    provincial_batch = factory.LazyAttribute(lambda o: 3 if o.funding_mode == "original" else None)
    plan_year = factory.LazyAttribute(lambda o: None if o.provincial_batch else 2024)
    creation_investment = Decimal("4500000.00")


class DigitalPlanReviewFactory(factory.django.DjangoModelFactory):
    """The 融媒体中心's opinion on a project's digital plan: agreeing, by document number."""

    class Meta:
        model = "projects.DigitalPlanReview"

    project = factory.SubFactory(FutureCommunityProjectFactory)
    verdict = "agree"
    reviewed_on = datetime.date(2023, 1, 2)
    document_number = "慈融媒审〔2023〕1号"
    recorded_by = factory.SubFactory(
        UserFactory, username="digital_reviewer", roles=["operations_assessor"]
    )
