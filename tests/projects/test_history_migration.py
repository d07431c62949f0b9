"""The data migration turns the history comments the system wrote in words into codes."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from communities.choices import DepartmentCode
from projects.models import StatusChange

migration = importlib.import_module("projects.migrations.0005_status_change_comment_code")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("comment", "parsed"),
    [
        ("第 1 轮会审", ("review_round", {"round": 1})),
        ("Review round 12", ("review_round", {"round": 12})),
        ("第 2 轮会审各相关部门均已同意。", ("all_agreed", {"round": 2})),
        ("Every required department agreed in round 3.", ("all_agreed", {"round": 3})),
        ("发改局 已不再同意，重新进入会审。", None),  # not a department's label: kept
        ("投资测算依据不足，请补充分项造价。", None),
        ("", None),
    ],
)
def test_known_patterns_become_codes_and_the_rest_stays_as_entered(comment, parsed):
    assert migration.parse(comment, migration.department_codes_by_name(apps)) == parsed


@pytest.mark.django_db
def test_a_lost_agreement_maps_its_departments_to_codes():
    names = migration.department_codes_by_name(apps)
    with translation.override("zh-hans"):
        finance = str(DepartmentCode.FINANCE.label)

    assert migration.parse("No agreement any more from Finance Bureau, Health Bureau.", names) == (
        "agreement_lost",
        {"departments": ["finance", "health"]},
    )
    assert migration.parse(f"{finance} 已不再同意，重新进入会审。", names) == (
        "agreement_lost",
        {"departments": ["finance"]},
    )


@pytest.mark.django_db
def test_the_migration_rewrites_system_rows_and_keeps_typed_ones(plan, staff_hushan):
    system = StatusChange.objects.create(
        plan=plan, actor=staff_hushan, to_state="in_joint_review", comment="第 1 轮会审"
    )
    typed = StatusChange.objects.create(
        plan=plan, actor=staff_hushan, to_state="returned", comment="请补充分项造价。"
    )

    migration.to_codes(apps, None)

    system.refresh_from_db()
    typed.refresh_from_db()
    assert (system.comment, system.comment_code, system.comment_params) == (
        "",
        "review_round",
        {"round": 1},
    )
    assert (typed.comment, typed.comment_code) == ("请补充分项造价。", "")
    with translation.override("en"):
        assert system.comment_text == "Review round 1"
