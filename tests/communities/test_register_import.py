"""Import of the community register: row-level errors, nothing saved until the file is clean."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from communities.models import Community
from communities.register import template_workbook
from communities.roles import Role
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

HEADER = ["社区编码", "社区名称", "镇街", "提升路径", "计划年度", "省级批次", "常住人口", "户数"]


def workbook(*rows, header=HEADER) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "register.xlsx"
    return buffer


@pytest.fixture
def taskforce(user_with_role):
    return user_with_role(Role.TASKFORCE_APPROVER, username="taskforce")


@pytest.fixture(autouse=True)
def subdistricts(hushan, gutang):
    return hushan, gutang


def test_template_has_the_headers_the_importer_reads():
    with translation.override("zh-hans"):
        sheet = load_workbook(BytesIO(template_workbook())).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["社区编码", "社区名称", "镇街", "提升路径"]


def test_clean_file_is_imported_and_reimport_updates(client, taskforce, hushan):
    client.force_login(taskforce)
    url = reverse("admin:communities_community_import")
    rows = [
        ("hs-01", "金山", "浒山街道", "补短板", 2023, None, 8000, 3000),
        ("hs-02", "金南", "hushan", "future", 2024, None, 6000, 2000),
    ]
    response = client.post(url, {"file": workbook(*rows)})
    assert response.status_code == 302
    assert Community.objects.get(code="hs-01").route == "gap"
    assert Community.objects.get(code="hs-02").subdistrict == hushan

    rows[0] = ("hs-01", "金山", "浒山", "gap", 2023, None, 8100, 3000)
    client.post(url, {"file": workbook(*rows)})
    assert Community.objects.count() == 2
    assert Community.objects.get(code="hs-01").population == 8100


def test_bad_rows_are_reported_by_number_and_nothing_is_imported(client, taskforce):
    client.force_login(taskforce)
    rows = [
        ("hs-01", "金山", "浒山", "gap", 2023, None, 8000, 3000),  # row 2 is fine
        ("hs-02", "金南", "无此街道", "gap", 2023, None, 8000, 3000),  # row 3
        ("hs-01", "金东", "浒山", "gap", 2023, None, 8000, 3000),  # row 4: duplicate code
        ("hs-04", "鸣山", "浒山", "gap", 2023, None, "很多", 3000),  # row 5: text in number
        ("hs-05", None, "浒山", "gap", 2023, None, 8000, 3000),  # row 6: no name
        ("hs-06", "剑山", "浒山", "gap", 2023, 9, 8000, 3000),  # row 7: batch out of range
    ]
    response = client.post(reverse("admin:communities_community_import"), {"file": workbook(*rows)})
    assert response.status_code == 200
    errors = response.context["row_errors"]
    assert len(errors) == 5
    assert errors[0].startswith("第 3 行") and "未知镇街“无此街道”" in errors[0]
    assert errors[1].startswith("第 4 行") and "编码 hs-01 已在第 2 行使用" in errors[1]
    assert errors[2].startswith("第 5 行") and "“很多”" in errors[2] and "不是数字" in errors[2]
    assert errors[3].startswith("第 6 行") and "缺少社区名称" in errors[3]
    assert errors[4].startswith("第 7 行") and "省级批次" in errors[4]
    assert not Community.objects.exists()


def test_name_already_used_in_the_subdistrict_is_reported(client, taskforce, hushan):
    CommunityFactory(subdistrict=hushan, code="old", name="金山")
    client.force_login(taskforce)
    rows = [("hs-01", "金山", "浒山", "gap", 2023, None, 8000, 3000)]
    response = client.post(reverse("admin:communities_community_import"), {"file": workbook(*rows)})
    assert "已有名为金山的社区（编码 old）" in response.context["row_errors"][0]


def test_a_file_that_is_not_a_workbook_is_refused(client, taskforce):
    client.force_login(taskforce)
    fake = BytesIO(b"this is not a spreadsheet")
    fake.name = "register.xlsx"
    response = client.post(reverse("admin:communities_community_import"), {"file": fake})
    assert "不是 Excel 工作簿" in response.context["row_errors"][0]
    assert not Community.objects.exists()


def test_wrong_headers_are_reported(client, taskforce):
    client.force_login(taskforce)
    response = client.post(
        reverse("admin:communities_community_import"),
        {"file": workbook(("x", "y"), header=["甲", "乙"])},
    )
    assert "第一行须为模板表头" in response.context["row_errors"][0]


def test_only_the_task_force_may_import(client, staff_hushan):
    staff_hushan.is_staff = True
    staff_hushan.save()
    client.force_login(staff_hushan)
    response = client.post(
        reverse("admin:communities_community_import"),
        {"file": workbook(("hs-01", "金山", "浒山", "gap", 2023, None, 1, 1))},
    )
    assert response.status_code == 403
    assert not Community.objects.exists()


def test_command_imports_and_reports_rows(tmp_path, taskforce):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(("hs-01", "金山", "浒山", "gap", 2023, None, 8000, 3000)).getvalue())
    call_command("import_communities", str(good), "--as-user", "taskforce")
    assert Community.objects.filter(code="hs-01").exists()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(("hs-09", "X", "无此街道", "gap", 2023, None, 1, 1)).getvalue())
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_communities", str(bad), "--as-user", "taskforce")
    assert not Community.objects.filter(code="hs-09").exists()


def test_the_sample_register_in_fixtures_imports(taskforce):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "fixtures" / "community-register-sample.xlsx"
    call_command("import_communities", str(sample), "--as-user", "taskforce")
    assert Community.objects.filter(code__in=["hushan-90", "gutang-90"]).count() == 2


def test_a_mixed_file_creates_and_updates_exactly_with_one_history_row_per_change(
    taskforce, hushan, gutang
):
    from communities import services

    kept = CommunityFactory(code="hs-01", name="金山", subdistrict=hushan, route="gap")
    moved = CommunityFactory(code="hs-02", name="金南", subdistrict=hushan, route="gap")
    before = {c.pk: c.history.count() for c in (kept, moved)}
    rows = [
        (
            "hs-01",
            kept.name,
            "浒山",
            "gap",
            kept.plan_year,
            kept.provincial_batch,
            kept.population,
            kept.households,
        ),
        ("hs-02", "金南", "古塘", "future", 2024, 3, 6100, 2100),
        ("gt-01", "古塘一", "古塘", "gap", 2023, None, None, 900),
    ]
    with translation.override("zh-hans"):
        result = services.community_register_import(actor=taskforce, file=workbook(*rows))
    assert result == {"created": 1, "updated": 2}
    moved.refresh_from_db()
    assert (moved.subdistrict, moved.route, moved.plan_year, moved.provincial_batch) == (
        gutang,
        "future",
        2024,
        3,
    )
    assert (moved.population, moved.households) == (6100, 2100)
    new = Community.objects.get(code="gt-01")
    assert (new.subdistrict, new.name, new.population, new.households) == (gutang, "古塘一", 0, 900)
    assert kept.history.count() == before[kept.pk]
    assert moved.history.count() == before[moved.pk] + 1
    assert moved.history.first().history_user == taskforce
    assert moved.history.first().history_type == "~"
    [created] = new.history.all()
    assert (created.history_user, created.history_type) == (taskforce, "+")
    # The new community is assessed, and the moved one reassessed for its new population.
    assert new.gap_assessments.exists()


def test_an_error_in_the_last_row_changes_nothing(taskforce, hushan):
    from django.core.exceptions import ValidationError

    from communities import services

    existing = CommunityFactory(code="hs-01", name="金山", subdistrict=hushan, population=10)
    rows = [
        ("hs-01", "金山", "浒山", "gap", 2023, None, 8000, 3000),
        ("hs-02", "金南", "浒山", "gap", 2023, None, 8000, 3000),
        ("hs-03", "金东", "浒山", "无此路径", 2023, None, 8000, 3000),
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.community_register_import(actor=taskforce, file=workbook(*rows))
    [message] = refused.value.messages
    assert message.startswith("第 4 行") and "无此路径" in message
    existing.refresh_from_db()
    assert existing.population == 10
    assert Community.objects.count() == 1
    assert existing.history.count() == 1


def test_a_name_used_twice_in_the_file_names_both_rows(client, taskforce):
    client.force_login(taskforce)
    rows = [
        ("hs-01", "金山", "浒山", "gap", 2023, None, 8000, 3000),
        ("hs-02", "金山", "浒山", "gap", 2023, None, 8000, 3000),
        ("hs-03", "金东", "浒山", "gap", 2023, None, 8000, 3000),
        ("hs-03", "金西", "浒山", "gap", 2023, None, 8000, 3000),
    ]
    response = client.post(reverse("admin:communities_community_import"), {"file": workbook(*rows)})
    errors = response.context["row_errors"]
    assert len(errors) == 2
    assert errors[0].startswith("第 3 行") and "已有名为金山的社区（编码 hs-01）" in errors[0]
    assert errors[1].startswith("第 5 行") and "编码 hs-03 已在第 4 行使用" in errors[1]
    assert not Community.objects.exists()


def test_the_row_limit_is_twenty_thousand():
    from communities import register

    assert register.MAX_ROWS == 20_000
    # Row 1 is the header: rows 2 to 20,001 are the 20,000 communities.
    assert not register.exceeds_row_limit(20_001)
    assert register.exceeds_row_limit(20_002)


def test_a_file_past_the_limit_is_refused_whole(taskforce, monkeypatch):
    from django.core.exceptions import ValidationError

    from communities import register, services

    monkeypatch.setattr(register, "MAX_ROWS", 2)
    rows = [(f"hs-0{n}", f"社区{n}", "浒山", "gap", 2023, None, 10, 5) for n in range(1, 4)]
    with pytest.raises(ValidationError):
        services.community_register_import(actor=taskforce, file=workbook(*rows))
    assert not Community.objects.exists()
    monkeypatch.setattr(register, "MAX_ROWS", 3)
    services.community_register_import(actor=taskforce, file=workbook(*rows))
    assert Community.objects.count() == 3
