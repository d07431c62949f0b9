"""Illustrative demo data: operators, contracts (with an elderly-care "1+N" chain),
operations assessments and resident satisfaction scores. Running it again changes nothing."""

import random
from datetime import date
from decimal import Decimal

from communities.choices import FacilityType
from communities.models import Community, Facility, User
from projects.choices import FutureStage
from projects.models import FutureCommunityProject

from . import services
from .choices import OperationKind, ServiceLevel
from .models import OperatingContract, OperationsAssessment, Operator, SatisfactionScore

# (name, credit code with its check character, contact, phone, facility types)
OPERATORS = [
    (
        "慈溪市颐乐养老服务有限公司",
        "91330282MA2H4K7L5N",
        "王敏",
        "0574-63000001",
        [FacilityType.ELDERLY_CARE],
    ),
    (
        "慈溪市童心托育服务中心",
        "52330282MJ9A1B2C3M",
        "李婷",
        "0574-63000002",
        [FacilityType.CHILDCARE],
    ),
    (
        "宁波邻里社区运营管理有限公司",
        "91330282MA2J6P8Q13",
        "陈浩",
        "0574-63000003",
        [FacilityType.NEIGHBOURHOOD_CENTRE, FacilityType.CULTURE, FacilityType.SPORTS],
    ),
]
PERIOD = "2025-H1"
TERM = (date(2025, 1, 1), date(2027, 12, 31))


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def seed() -> None:
    """Create the demo operations records once; later runs leave them as they are."""
    staff = {"hushan": _user("subdistrict_staff"), "gutang": _user("subdistrict_staff_2")}
    assessor = _user("operations_assessor")
    if not all(staff.values()) or assessor is None:
        return
    operators = {}
    for name, code, contact, phone, types in OPERATORS:
        operator = Operator.objects.filter(credit_code=code).first()
        if operator is None:
            operator = services.operator_create(
                actor=assessor,
                fields={
                    "name": name,
                    "credit_code": code,
                    "contact_person": contact,
                    "phone": phone,
                    "facility_types": [str(t) for t in types],
                },
            )
        operators[code] = operator
    _seed_contracts(operators, staff)
    _seed_satisfaction(staff)
    _seed_assessments(assessor)


# (title, subdistrict, operator's credit code, level, facility type, which of them, fee):
# a 1+N elderly-care chain in 浒山, childcare in 古塘, neighbourhood centres in 浒山.
CONTRACTS = [
    (
        "浒山街道居家养老服务中心运营委托合同",
        "hushan",
        "91330282MA2H4K7L5N",
        ServiceLevel.SUBDISTRICT,
        FacilityType.ELDERLY_CARE,
        slice(0, 1),
        "480000",
    ),
    (
        "浒山街道社区居家养老服务站运营委托合同",
        "hushan",
        "91330282MA2H4K7L5N",
        ServiceLevel.COMMUNITY,
        FacilityType.ELDERLY_CARE,
        slice(1, 5),
        "360000",
    ),
    (
        "古塘街道婴幼儿照护驿站运营合同",
        "gutang",
        "52330282MJ9A1B2C3M",
        ServiceLevel.COMMUNITY,
        FacilityType.CHILDCARE,
        slice(0, 3),
        "150000",
    ),
    (
        "浒山街道邻里中心运营合同",
        "hushan",
        "91330282MA2J6P8Q13",
        ServiceLevel.COMMUNITY,
        FacilityType.NEIGHBOURHOOD_CENTRE,
        slice(0, 2),
        "220000",
    ),
]


def _seed_contracts(operators, staff) -> None:
    """The demo contracts, each signed by the subdistrict's own staff through the service."""
    for title, subdistrict, code, level, facility_type, which, fee in CONTRACTS:
        if OperatingContract.objects.filter(title=title).exists():
            continue
        facilities = list(
            Facility.objects.filter(
                community__subdistrict__code=subdistrict, facility_type=facility_type
            ).order_by("community__code", "pk")[which]
        )
        if not facilities:
            continue
        actor = staff[subdistrict]
        services.contract_create(
            actor=actor,
            subdistrict=actor.subdistrict,
            facilities=facilities,
            fields={
                "operator": operators[code],
                "title": title,
                "service_level": level,
                "starts_on": TERM[0],
                "ends_on": TERM[1],
                "annual_fee": Decimal(fee),
            },
        )


def _seed_satisfaction(staff) -> None:
    """A first-half 2025 score for every community of 浒山 and 古塘, a few below 80."""
    for code, actor in staff.items():
        for community in Community.objects.filter(subdistrict__code=code).order_by("code"):
            if SatisfactionScore.objects.filter(community=community, period=PERIOD).exists():
                continue
            rng = random.Random(f"satisfaction-{community.code}")
            services.satisfaction_record(
                actor=actor,
                community=community,
                period=PERIOD,
                score=Decimal(rng.randrange(7400, 9800)) / 100,
                respondents=rng.randrange(80, 400),
            )


def _seed_assessments(assessor) -> None:
    """Assessments of a few future communities and of the elderly-care contract."""
    projects = list(FutureCommunityProject.objects.select_related("community").order_by("pk")[:4])
    subjects = [{"project": project} for project in projects]
    contract = OperatingContract.objects.filter(
        title="浒山街道居家养老服务中心运营委托合同"
    ).first()
    if contract is not None:
        subjects.append({"contract": contract})
    for subject in subjects:
        if OperationsAssessment.objects.filter(period=PERIOD, **subject).exists():
            continue
        key = subject.get("project") or subject.get("contract")
        rng = random.Random(f"assessment-{key.pk}-{type(key).__name__}")
        scores = {kind: Decimal(rng.randrange(55, 98)) for kind in OperationKind}
        assessment = services.assessment_create(
            actor=assessor, period=PERIOD, scores=scores, **subject
        )
        assessment = services.assessment_submit(actor=assessor, assessment=assessment)
        project = subject.get("project")
        # A named project's confirmation makes its reward due, which needs finance's budget;
        # the demo leaves those submitted for the assessor to confirm.
        if project is None or project.stage != FutureStage.NAMED:
            services.assessment_confirm(actor=assessor, assessment=assessment)
