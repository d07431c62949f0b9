"""Uploaded spreadsheets are judged by their zip directory before anything is parsed: bombs,
XML entity expansion and broken files are refused with a message, quickly, and nothing is saved."""

import zipfile
from io import BytesIO, StringIO
from unittest import mock

import defusedxml.ElementTree
import openpyxl
import openpyxl.xml.functions
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from communities import services
from communities.checks import check_openpyxl_uses_defusedxml
from communities.models import Community
from communities.roles import Role
from tests import hostile_files
from tests.hostile_files import MIB, SHEET, measured, upload

pytestmark = pytest.mark.django_db

IMPORT = "admin:communities_community_import"
MEMORY_BOUND = 20 * MIB


@pytest.fixture
def taskforce(user_with_role):
    return user_with_role(Role.TASKFORCE_APPROVER, username="taskforce")


@pytest.fixture(autouse=True)
def subdistricts(hushan, gutang):
    return hushan, gutang


def refusal(taskforce, content: bytes) -> str:
    """The one message with which the register import refuses the content."""
    with pytest.raises(ValidationError) as refused:
        services.community_register_import(actor=taskforce, file=upload(content))
    [message] = refused.value.messages
    return message


def test_openpyxl_parses_workbooks_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    # The sheets and shared strings are read through this parser, which refuses entities.
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse
    assert check_openpyxl_uses_defusedxml(None) == []


def test_the_system_check_fails_when_openpyxl_would_parse_without_defusedxml(monkeypatch):
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)

    [error] = check_openpyxl_uses_defusedxml(None)

    assert error.id == "communities.E001"


def test_a_zip_bomb_is_refused_on_the_admin_page_unopened_fast_and_in_bounded_memory(
    client, taskforce, zip_bomb
):
    # given a 300 KB workbook that unpacks to 300 MB, and a server that has shown the page
    client.force_login(taskforce)
    assert zip_bomb.stat().st_size < MIB
    client.get(reverse(IMPORT))
    # when the task force uploads it
    with (
        mock.patch("communities.spreadsheets.load_workbook") as load_workbook,
        zip_bomb.open("rb") as handle,
        measured() as figures,
    ):
        response = client.post(reverse(IMPORT), {"file": handle})
    # then it is refused with the reason, openpyxl never saw it and nothing was saved
    assert response.status_code == 200
    [message] = response.context["row_errors"]
    assert "解压后达 300.0" in message and "50.0" in message and "未打开即已拒绝" in message
    load_workbook.assert_not_called()
    assert not Community.objects.exists()
    assert figures["seconds"] < 2
    assert figures["peak_bytes"] < MEMORY_BOUND, figures


def test_the_import_command_refuses_a_zip_bomb_unopened(taskforce, zip_bomb):
    errors = StringIO()
    with (
        mock.patch("communities.spreadsheets.load_workbook") as load_workbook,
        measured() as figures,
        pytest.raises(CommandError, match="Nothing was imported: 1 problem"),
    ):
        call_command("import_communities", str(zip_bomb), "--as-user", "taskforce", stderr=errors)
    assert "300.0" in errors.getvalue() and "50.0" in errors.getvalue()
    load_workbook.assert_not_called()
    assert not Community.objects.exists()
    assert figures["seconds"] < 2
    assert figures["peak_bytes"] < MEMORY_BOUND, figures


def test_the_unpacked_limit_is_a_setting_and_is_exact(taskforce, settings):
    # given a genuine workbook and its unpacked size
    content = hostile_files.real_workbook(
        ("社区编码", "社区名称", "镇街", "提升路径"), ("hs-01", "金山", "浒山", "gap")
    )
    with zipfile.ZipFile(BytesIO(content)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    # when the limit is one byte less, then it is refused
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = unpacked - 1
    assert "解压后达" in refusal(taskforce, content)
    # when the limit is its size, then it is imported
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = unpacked
    services.community_register_import(actor=taskforce, file=upload(content))
    assert Community.objects.filter(code="hs-01").exists()


def test_too_many_parts_are_refused_from_the_end_record_before_the_directory_is_read(taskforce):
    content = hostile_files.with_many_parts(1001)

    with mock.patch("communities.spreadsheets.zipfile.ZipFile") as zip_file:
        message = refusal(taskforce, content)

    zip_file.assert_not_called()
    assert message == "该工作簿包含超过 1000 个部件，未打开即已拒绝。"
    assert not Community.objects.exists()


def test_an_end_record_that_understates_the_parts_does_not_get_them_through(taskforce):
    content = hostile_files.with_many_parts(1001, declared=9)

    assert "超过 1000 个部件" in refusal(taskforce, content)


def test_the_part_limit_is_a_setting(taskforce, settings):
    settings.SPREADSHEET_MAX_MEMBERS = 20

    assert "超过 20 个部件" in refusal(taskforce, hostile_files.with_many_parts(21))
    # 20 parts pass the archive check; the sheet then lacks the headers
    assert refusal(taskforce, hostile_files.with_many_parts(20)).startswith("第一行")


def test_a_part_packed_far_tighter_than_a_workbook_is_refused(taskforce):
    # 5 MB of zeros is far below the unpacked limit, but packed about 1000 to 1
    message = refusal(taskforce, hostile_files.packed_tight(5 * MIB))

    assert "压缩比" in message and "xl/media/zeros.bin" in message and "100:1" in message


def test_small_parts_may_be_packed_tight(taskforce):
    # a part that unpacks to less than 1 MB cannot hurt, whatever its ratio
    message = refusal(taskforce, hostile_files.packed_tight(MIB // 2))

    assert message.startswith("第一行")  # read as far as its headers


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml"], ids=["sheet", "workbook"])
def test_xml_entity_expansion_is_refused_with_a_message(client, taskforce, part):
    client.force_login(taskforce)
    client.get(reverse(IMPORT))

    with measured() as figures:
        response = client.post(reverse(IMPORT), {"file": upload(hostile_files.with_entities(part))})

    assert response.status_code == 200
    assert response.context["row_errors"] == [
        "该工作簿的 XML 中声明了实体；正常的电子表格用不到实体，而实体可能拖垮服务器，已拒绝。"
    ]
    assert not Community.objects.exists()
    assert figures["seconds"] < 2
    assert figures["peak_bytes"] < MEMORY_BOUND, figures


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"this is not a spreadsheet", "不是 Excel 工作簿"),
        (hostile_files.without_workbook(), "不是 Excel 工作簿"),
        (hostile_files.truncated(), "不是 Excel 工作簿"),
        (hostile_files.with_damaged_sheet(), "已损坏"),
    ],
    ids=["text", "zip-without-workbook", "truncated", "damaged-sheet"],
)
def test_a_malformed_file_gets_a_message_and_changes_nothing(client, taskforce, content, expected):
    client.force_login(taskforce)

    response = client.post(reverse(IMPORT), {"file": upload(content)})

    assert response.status_code == 200
    [message] = response.context["row_errors"]
    assert expected in message
    assert not Community.objects.exists()


def test_the_refusal_is_in_the_users_language(client, taskforce, zip_bomb):
    client.force_login(taskforce)

    with zip_bomb.open("rb") as handle:
        response = client.post(reverse(IMPORT), {"file": handle}, HTTP_ACCEPT_LANGUAGE="en")

    [message] = response.context["row_errors"]
    assert message.startswith("The workbook would unpack to 300.0")


def test_an_empty_file_given_to_the_command_is_not_a_workbook(taskforce, tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    errors = StringIO()

    # an English-speaking operator: the language is set here, never left over from another test
    with pytest.raises(CommandError), translation.override("en"):
        call_command("import_communities", str(empty), "--as-user", "taskforce", stderr=errors)

    assert "The file is not an Excel workbook" in errors.getvalue()
