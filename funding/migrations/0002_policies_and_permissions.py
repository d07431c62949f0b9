"""The subsidy rules of DESIGN §3 as policy rows, and the funding permissions of each role."""

from django.db import migrations

from communities.roles import Role, grant_permissions

POLICY_DATE = "2023-12-01"
SOURCE = "慈溪市城镇社区公共服务设施补短板行动方案（2023年12月）"

POLICIES = [
    {
        "code": "future-optimised",
        "name": "旧改类未来社区（2024-2025年创建计划，优化调整模式）分档补贴",
        "route": "future",
        "case": "future_optimised",
        "mode": "band",
        "tiers": [
            {"upper": "4000000.00", "rate": "95"},
            {"upper": "5000000.00", "rate": "90"},
            {"upper": "6000000.00", "rate": "85"},
            {"upper": "8000000.00", "rate": "80"},
        ],
        "schedule": [
            {"stage": "future_approval", "percent": "30"},
            {"stage": "future_joint_acceptance", "percent": "30"},
            {"stage": "future_naming", "percent": "40"},
        ],
        "source": SOURCE + " 五(一)、七(一)",
    },
    {
        "code": "future-original",
        "name": "省级前七批未来社区（原有模式）",
        "route": "future",
        "case": "future_original",
        "mode": "manual",
        "schedule": [{"stage": "original_model", "percent": "100"}],
        "source": SOURCE + " 五(一)",
    },
    {
        "code": "future-new-build",
        "name": "新建类未来社区（由创建实施主体保障）",
        "route": "future",
        "case": "future_new_build",
        "mode": "none",
        "source": SOURCE + " 五(一)",
    },
    {
        "code": "future-passthrough",
        "name": "引领型未来社区省级命名后宁波补助全额补助街道",
        "route": "future",
        "case": "future_passthrough",
        "mode": "manual",
        "schedule": [{"stage": "ningbo_passthrough", "percent": "100"}],
        "source": SOURCE + " 七(一)",
    },
    {
        "code": "future-operations",
        "name": "未来社区创建成功并经运营考核后一次性奖励街道",
        "route": "future",
        "case": "future_operations",
        "mode": "fixed",
        "fixed_amount": "600000.00",
        "schedule": [{"stage": "operations_reward", "percent": "100"}],
        "source": SOURCE + " 五(一)",
    },
    {
        "code": "gap-filling",
        "name": "公服设施补短板以奖代补（项目投资额不含政策处理费的50%）",
        "route": "gap",
        "case": "gap_filling",
        "mode": "band",
        "tiers": [{"upper": None, "rate": "50"}],
        "schedule": [{"stage": "gap_after_acceptance", "percent": "100"}],
        "deducts_policy_fee": True,
        "source": SOURCE + " 五(二)、七(三)",
    },
]

READ_TRANCHES = ["funding.view_tranche", "funding.view_trancheevent"]
ROLE_PERMISSIONS = {
    Role.SUBDISTRICT_STAFF: READ_TRANCHES,
    Role.TASKFORCE_APPROVER: READ_TRANCHES + ["funding.view_subsidypolicy"],
    Role.FINANCE_OFFICER: READ_TRANCHES
    + [
        "funding.view_subsidypolicy",
        "funding.view_budgetenvelope",
        "funding.add_budgetenvelope",
        "funding.change_budgetenvelope",
        "funding.view_disbursementexport",
    ],
    Role.OPERATIONS_ASSESSOR: READ_TRANCHES,
    Role.SUPERVISOR: READ_TRANCHES,
}


def seed(apps, schema_editor):
    SubsidyPolicy = apps.get_model("funding", "SubsidyPolicy")
    for row in POLICIES:
        row = dict(row)
        code = row.pop("code")
        SubsidyPolicy.objects.update_or_create(
            code=code, version=1, defaults={**row, "effective_from": POLICY_DATE}
        )
    grant_permissions(apps, {role.value: names for role, names in ROLE_PERMISSIONS.items()})


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
