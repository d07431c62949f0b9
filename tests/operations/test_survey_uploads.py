"""The survey import refuses bombs, XML entity expansion and broken files before parsing them,
with a message on its page, and saves nothing."""

from unittest import mock

import pytest
from django.urls import reverse

from operations.models import SatisfactionScore
from tests import hostile_files
from tests.factories import CommunityFactory
from tests.hostile_files import MIB, SHEET, measured, upload

pytestmark = pytest.mark.django_db

IMPORT = "operations:satisfaction_import"


@pytest.fixture
def signed_in(client, staff_hushan, hushan):
    CommunityFactory(subdistrict=hushan, code="hs-01")
    client.force_login(staff_hushan)
    client.get(reverse(IMPORT))  # a server that has shown the page once
    return client


def row_errors(response) -> list[str]:
    assert response.status_code == 200
    return response.context["row_errors"]


def test_a_zip_bomb_is_refused_unopened_fast_and_in_bounded_memory(signed_in, zip_bomb):
    with (
        mock.patch("communities.spreadsheets.load_workbook") as load_workbook,
        zip_bomb.open("rb") as handle,
        measured() as figures,
    ):
        response = signed_in.post(reverse(IMPORT), {"file": handle})

    [message] = row_errors(response)
    assert "解压后达 300.0" in message and "50.0" in message
    load_workbook.assert_not_called()
    assert not SatisfactionScore.objects.exists()
    assert figures["seconds"] < 2
    assert figures["peak_bytes"] < 20 * MIB


def test_the_refusal_is_in_english_for_an_english_reader(signed_in, zip_bomb):
    with zip_bomb.open("rb") as handle:
        response = signed_in.post(reverse(IMPORT), {"file": handle}, HTTP_ACCEPT_LANGUAGE="en")

    [message] = row_errors(response)
    assert message.startswith("The workbook would unpack to 300.0")
    assert "it was refused without being opened" in message


def test_too_many_parts_are_refused(signed_in):
    response = signed_in.post(
        reverse(IMPORT), {"file": upload(hostile_files.with_many_parts(1001))}
    )

    assert row_errors(response) == ["该工作簿包含超过 1000 个部件，未打开即已拒绝。"]
    assert not SatisfactionScore.objects.exists()


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml"], ids=["sheet", "workbook"])
def test_xml_entity_expansion_is_refused(signed_in, part):
    with measured() as figures:
        response = signed_in.post(
            reverse(IMPORT), {"file": upload(hostile_files.with_entities(part))}
        )

    [message] = row_errors(response)
    assert "声明了实体" in message
    assert not SatisfactionScore.objects.exists()
    assert figures["seconds"] < 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04 not really a zip", "不是 Excel 工作簿"),
        (hostile_files.without_workbook(), "不是 Excel 工作簿"),
        (hostile_files.truncated(), "不是 Excel 工作簿"),
        (hostile_files.with_damaged_sheet(), "已损坏"),
    ],
    ids=["not-a-zip", "zip-without-workbook", "truncated", "damaged-sheet"],
)
def test_a_malformed_file_gets_a_message_and_saves_nothing(signed_in, content, expected):
    response = signed_in.post(reverse(IMPORT), {"file": upload(content)})

    [message] = row_errors(response)
    assert expected in message
    assert not SatisfactionScore.objects.exists()


def test_row_errors_of_a_sound_workbook_are_still_listed(signed_in):
    content = hostile_files.real_workbook(
        ("社区编码", "期间", "满意度得分", "调查人数"), ("nope", "2025-H1", 90, 1)
    )

    response = signed_in.post(reverse(IMPORT), {"file": upload(content)})

    [message] = row_errors(response)
    assert message.startswith("第 2 行") and "nope" in message
