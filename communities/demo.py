"""Illustrative demo data for the communities app: subdistricts, 56 communities, users.

Community names come from public lists (shared data notes); where no list was found the
names say "示例" (example). Populations, facilities, spaces and scores are made up, drawn from
a generator seeded by the community code so that every run produces the same figures.
"""

import random
from decimal import Decimal

from django.contrib.auth.models import Group

from .choices import DepartmentCode, FacilityStatus, FacilityType, Route, SpaceKind
from .models import Community, Department, Facility, SpaceResource, Subdistrict, User
from .roles import Role

DEMO_PASSWORD = "demo12345"

SUBDISTRICTS = [
    ("hushan", "浒山"),
    ("gutang", "古塘"),
    ("baishalu", "白沙路"),
    ("zonghan", "宗汉"),
    ("kandun", "坎墩"),
]

F, G, L = Route.FUTURE, Route.GAP, Route.INTEGRATED
# (name, route, plan year, provincial batch) per subdistrict: 29 future (11 in provincial
# batches, 18 in the 2024–2025 plan), 26 gap filling (10 / 8 / 8) and 1 integrated (群丰).
COMMUNITIES = {
    "hushan": [
        ("三碰桥", F, None, 1),
        ("上叶家", F, None, 2),
        ("水南", F, None, 3),
        ("东门", F, None, 4),
        ("东山", F, None, 5),
        ("东海", F, None, 6),
        ("古塘", F, 2024, None),
        ("孙塘", F, 2024, None),
        ("光辉", F, 2024, None),
        ("阳明", F, 2025, None),
        ("寺山路", F, 2025, None),
        ("金山", G, 2023, None),
        ("金南", G, 2023, None),
        ("金东", G, 2023, None),
        ("鸣山", G, 2023, None),
        ("剑山", G, 2024, None),
        ("施山", G, 2024, None),
        ("南孙塘", G, 2024, None),
        ("浒西", G, 2025, None),
        ("湾底", G, 2025, None),
        ("楼家", G, 2025, None),
    ],
    "gutang": [
        ("上傅家", F, None, 1),
        ("开发", F, None, 3),
        ("西洋寺", F, None, 7),
        ("新城河", F, 2024, None),
        ("团圈", F, 2024, None),
        ("园丁", F, 2025, None),
        ("青少年宫路", F, 2025, None),
        ("旦苑", G, 2023, None),
        ("担山跟", G, 2023, None),
        ("城北", G, 2023, None),
        ("舒苑", G, 2024, None),
        ("金桥", G, 2024, None),
        ("古塘示例一", G, 2025, None),
        ("古塘示例二", G, 2025, None),
    ],
    "baishalu": [
        ("群丰", L, 2024, None),
        ("白沙路示例一", F, None, 5),
        ("新潮塘", F, 2024, None),
        ("白沙路示例二", F, 2024, None),
        ("白沙路示例三", F, 2025, None),
        ("白沙路示例四", G, 2023, None),
        ("白沙路示例五", G, 2024, None),
        ("白沙路示例六", G, 2025, None),
    ],
    "zonghan": [
        ("宗汉示例一", F, None, 6),
        ("宗汉示例二", F, 2024, None),
        ("宗汉示例三", F, 2025, None),
        ("宗汉示例四", F, 2025, None),
        ("宗汉示例五", G, 2023, None),
        ("宗汉示例六", G, 2024, None),
        ("宗汉示例七", G, 2025, None),
        ("宗汉示例八", G, 2025, None),
    ],
    "kandun": [
        ("坎墩街", F, 2024, None),
        ("清水湾", F, 2025, None),
        ("坎墩示例一", F, 2025, None),
        ("坎墩示例二", G, 2023, None),
        ("坎墩示例三", G, 2024, None),
    ],
}

REVIEW_DEPARTMENTS = [
    DepartmentCode.DEVELOPMENT,
    DepartmentCode.CIVIL_AFFAIRS,
    DepartmentCode.FINANCE,
    DepartmentCode.HOUSING,
    DepartmentCode.CULTURE,
    DepartmentCode.HEALTH,
]

# username, roles, organisation ("subdistrict:<code>" or "department:<code>"), admin access
USERS = [
    ("subdistrict_staff", [Role.SUBDISTRICT_STAFF], "subdistrict:hushan", False),
    ("subdistrict_staff_2", [Role.SUBDISTRICT_STAFF], "subdistrict:gutang", False),
    *[
        (f"department_reviewer_{code}", [Role.DEPARTMENT_REVIEWER], f"department:{code}", True)
        for code in REVIEW_DEPARTMENTS
    ],
    ("taskforce_approver", [Role.TASKFORCE_APPROVER], "department:taskforce", True),
    ("finance_officer", [Role.FINANCE_OFFICER], "department:finance", True),
    ("operations_assessor", [Role.OPERATIONS_ASSESSOR], "department:media_centre", True),
    ("supervisor", [Role.SUPERVISOR], "department:townscape_office", True),
]

# Illustrative names, so that opinions and histories read like the real thing. Chinese names
# are kept whole in first_name, which get_full_name() then shows as written.
DEMO_NAMES = {
    "subdistrict_staff": "陈晓燕",
    "subdistrict_staff_2": "孙立军",
    "department_reviewer_development": "周海峰",
    "department_reviewer_civil_affairs": "王丽华",
    "department_reviewer_finance": "徐建国",
    "department_reviewer_housing": "胡志强",
    "department_reviewer_culture": "沈佳怡",
    "department_reviewer_health": "杨慧敏",
    "taskforce_approver": "张明远",
    "finance_officer": "李静",
    "operations_assessor": "吴晨",
    "supervisor": "郑国平",
}

FACILITY_NAMES = {
    FacilityType.ELDERLY_CARE: "居家养老服务站",
    FacilityType.CHILDCARE: "婴幼儿照护驿站",
    FacilityType.NEIGHBOURHOOD_CENTRE: "邻里中心",
    FacilityType.PARTY_SERVICE: "党群服务中心",
    FacilityType.HEALTH: "智慧健康站",
    FacilityType.SPORTS: "百姓健身房",
    FacilityType.CULTURE: "文化家园",
}


def demo_users() -> list[tuple[str, str]]:
    """Each demo username with the roles it holds, for printing the logins."""
    return [("admin", "superuser")] + [
        (username, ", ".join(roles)) for username, roles, _org, _staff in USERS
    ]


def seed() -> None:
    """Create or refresh the demo subdistricts, communities, facilities, spaces and users."""
    subdistricts = {}
    for code, name in SUBDISTRICTS:
        subdistricts[code], _created = Subdistrict.objects.get_or_create(
            code=code, defaults={"name": name}
        )
    for subdistrict_code, rows in COMMUNITIES.items():
        for index, (name, route, year, batch) in enumerate(rows, start=1):
            code = f"{subdistrict_code}-{index:02d}"
            rng = random.Random(code)
            population = rng.randrange(3000, 15000, 10)
            community, created = Community.objects.get_or_create(
                code=code,
                defaults={
                    "subdistrict": subdistricts[subdistrict_code],
                    "name": name,
                    "route": route,
                    "plan_year": year,
                    "provincial_batch": batch,
                    "population": population,
                    "households": population * 10 // 27,
                    "area_hectares": Decimal(rng.randrange(2000, 9000)) / 100,
                    "assessment_score": Decimal(rng.randrange(4500, 9200)) / 100,
                    "is_demo": True,
                },
            )
            if created:
                _seed_inventory(community, rng)
    _seed_users(subdistricts)


def _seed_inventory(community: Community, rng: random.Random) -> None:
    """A few existing facilities and landing spaces for a new demo community."""
    kept = [t for t in FacilityType.values if rng.random() < 0.55]
    facilities = [
        Facility(
            community=community,
            facility_type=facility_type,
            name=f"{community.name}{FACILITY_NAMES[facility_type]}",
            floor_area=Decimal(rng.randrange(80, 900)),
            places=rng.randrange(10, 60) if facility_type == FacilityType.CHILDCARE else None,
            walking_minutes=rng.choice([3, 5, 8, 10, 12, 15]),
            status=FacilityStatus.EXISTING,
        )
        for facility_type in kept
    ]
    Facility.objects.bulk_create(facilities)
    spaces = [
        SpaceResource(
            community=community,
            kind=kind,
            name=f"{community.name}{label}",
            area=Decimal(rng.randrange(60, 600)),
            owner=rng.choice(["社区", "国资中心", "物业公司", "街道"]),
        )
        for kind, label in rng.sample(
            [
                (SpaceKind.MANAGEMENT, "社区用房"),
                (SpaceKind.PROPERTY, "物业用房"),
                (SpaceKind.STATE_IDLE, "闲置国有用房"),
                (SpaceKind.COMMERCIAL, "沿街经营用房"),
            ],
            2,
        )
    ]
    SpaceResource.objects.bulk_create(spaces)


def _seed_users(subdistricts: dict[str, Subdistrict]) -> None:
    """One user per role (and a superuser), password demo12345, created once."""
    departments = {d.code: d for d in Department.objects.all()}
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@cixi.example", DEMO_PASSWORD)
    for username, roles, organisation, staff in USERS:
        kind, code = organisation.split(":")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "subdistrict": subdistricts[code] if kind == "subdistrict" else None,
                "department": departments[code] if kind == "department" else None,
                "is_staff": staff,
                "email": f"{username}@cixi.example",
                "first_name": DEMO_NAMES.get(username, ""),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name__in=roles))
