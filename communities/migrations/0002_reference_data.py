"""Departments, the six role groups with their permissions, and the default facility standards."""

from decimal import Decimal

from django.db import migrations

from communities.choices import JOINT_REVIEW_DEPARTMENTS, DepartmentCode
from communities.roles import Role, grant_permissions

DEPARTMENT_NAMES = {
    DepartmentCode.DEVELOPMENT: "市发改局",
    DepartmentCode.EDUCATION: "市教育局",
    DepartmentCode.CIVIL_AFFAIRS: "市民政局",
    DepartmentCode.FINANCE: "市财政局",
    DepartmentCode.NATURAL_RESOURCES: "市自然资源规划局",
    DepartmentCode.HOUSING: "市住建局",
    DepartmentCode.CULTURE: "市文广旅体局",
    DepartmentCode.HEALTH: "市卫生健康局",
    DepartmentCode.MEDIA_CENTRE: "市融媒体中心",
    DepartmentCode.STATE_ASSETS: "市国有资产管理中心",
    DepartmentCode.URBAN_INVESTMENT: "慈溪城投集团",
    DepartmentCode.TOWNSCAPE_OFFICE: "市风貌办",
    DepartmentCode.TASKFORCE: "补短板工作专班办公室",
}

READ_PLACES = [
    "communities.view_subdistrict",
    "communities.view_department",
    "communities.view_community",
    "communities.view_facility",
    "communities.view_spaceresource",
    "communities.view_facilitystandard",
]

ROLE_PERMISSIONS = {
    Role.SUBDISTRICT_STAFF: READ_PLACES
    + [
        "communities.add_facility",
        "communities.change_facility",
        "communities.add_spaceresource",
        "communities.change_spaceresource",
    ],
    Role.DEPARTMENT_REVIEWER: READ_PLACES,
    Role.TASKFORCE_APPROVER: READ_PLACES
    + ["communities.add_community", "communities.change_community"],
    Role.FINANCE_OFFICER: READ_PLACES,
    Role.OPERATIONS_ASSESSOR: READ_PLACES,
    Role.SUPERVISOR: READ_PLACES,
}

RADIUS_SOURCE = "行动方案：5-10分钟服务半径；GB 50180-2018 10分钟生活圈约500米"
STANDARDS = [
    # (type, from year, kind, minimum, source)
    ("elderly_care", 2023, "must_exist", None, RADIUS_SOURCE),
    ("childcare", 2023, "places_per_1000_residents", "4.00", "慈溪托位目标：2023年每千人4.0个"),
    ("childcare", 2024, "places_per_1000_residents", "4.30", "慈溪托位目标：2024年每千人4.3个"),
    ("childcare", 2025, "places_per_1000_residents", "4.60", "慈溪托位目标：2025年每千人4.6个"),
    ("childcare", 2026, "places_per_1000_residents", "5.00", "慈溪托位目标：2026年每千人5.0个"),
    ("neighbourhood_centre", 2023, "must_exist", None, RADIUS_SOURCE),
    (
        "party_service",
        2023,
        "area_per_100_households",
        "30.00",
        "完整社区建设试点：社区综合服务用房每百户不低于30平方米",
    ),
    ("health", 2023, "must_exist", None, RADIUS_SOURCE),
    ("sports", 2023, "must_exist", None, RADIUS_SOURCE),
    ("culture", 2023, "must_exist", None, RADIUS_SOURCE),
]


def create_reference_data(apps, schema_editor):
    Department = apps.get_model("communities", "Department")
    for code, name in DEPARTMENT_NAMES.items():
        Department.objects.update_or_create(
            code=code.value,
            defaults={"name": name, "is_joint_reviewer": code in JOINT_REVIEW_DEPARTMENTS},
        )
    grant_permissions(apps, {role.value: names for role, names in ROLE_PERMISSIONS.items()})
    FacilityStandard = apps.get_model("communities", "FacilityStandard")
    for facility_type, year, kind, minimum, source in STANDARDS:
        FacilityStandard.objects.update_or_create(
            facility_type=facility_type,
            effective_from_year=year,
            defaults={
                "kind": kind,
                "minimum": Decimal(minimum) if minimum else None,
                "radius_minutes": 10,
                "source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_reference_data, migrations.RunPython.noop)]
