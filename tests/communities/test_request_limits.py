"""A request larger than UPLOAD_MAX_BYTES is answered 413 before its body is read or any view
runs; a body without a length is never read at all."""

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from operations.views import SatisfactionImportView
from tests.hostile_files import real_workbook, upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
IMPORT = "operations:satisfaction_import"


class UnreadableBody:
    """A request body that fails the test as soon as anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture
def signed_in(client, staff_hushan):
    client.force_login(staff_hushan)
    return client


def post_declaring(client, length: int | None, **extra):
    """POST to the survey import, declaring ``length`` bytes of a body nobody may read."""
    if length is not None:
        extra["CONTENT_LENGTH"] = str(length)
    return client.generic(
        "POST",
        reverse(IMPORT),
        content_type=MULTIPART_CONTENT,
        **{"wsgi.input": UnreadableBody()},
        **extra,
    )


def test_an_oversized_request_is_answered_413_before_the_view_runs(signed_in, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024

    with mock.patch.object(SatisfactionImportView, "post") as view:
        response = post_declaring(signed_in, settings.UPLOAD_MAX_BYTES + 1)

    view.assert_not_called()
    assert response.status_code == 413
    page = response.content.decode()
    assert "上传的内容过大" in page and "1.0\xa0MB" in page
    assert 'lang="zh-hans"' in page


def test_the_413_page_is_in_english_for_an_english_reader(signed_in):
    response = post_declaring(signed_in, settings.UPLOAD_MAX_BYTES * 2, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 413
    page = response.content.decode()
    assert "The upload is too large" in page and "20.0\xa0MB" in page


def test_a_request_of_exactly_the_limit_is_read(signed_in, settings):
    # given a survey upload whose whole body is the limit
    body = encode_multipart(BOUNDARY, {"file": upload(real_workbook(), "survey.xlsx")})
    settings.UPLOAD_MAX_BYTES = len(body)
    # when it is posted, then the view reads it (the sheet lacks the headers)
    response = signed_in.generic("POST", reverse(IMPORT), body, MULTIPART_CONTENT)
    assert response.status_code == 200
    assert response.context["row_errors"][0].startswith("第一行")
    # and one byte less of a limit refuses it
    settings.UPLOAD_MAX_BYTES = len(body) - 1
    response = signed_in.generic("POST", reverse(IMPORT), body, MULTIPART_CONTENT)
    assert response.status_code == 413


def test_a_chunked_body_without_a_length_is_never_read(signed_in):
    # Django reads no more of a body than its declared length, so it reads none of this one.
    response = post_declaring(signed_in, None, HTTP_TRANSFER_ENCODING="chunked")

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_what_django_keeps_in_memory_stays_within_the_upload_limit():
    # given a small upload limit and spreadsheet limits from the environment
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE']='cixi_portal.settings.base';"
            "from django.conf import settings as s;"
            "print(s.UPLOAD_MAX_BYTES, s.DATA_UPLOAD_MAX_MEMORY_SIZE, "
            "s.FILE_UPLOAD_MAX_MEMORY_SIZE, s.SPREADSHEET_MAX_MEMBERS, "
            "s.SPREADSHEET_MAX_UNCOMPRESSED_BYTES, s.SPREADSHEET_MAX_COMPRESSION_RATIO)",
        ],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "UPLOAD_MAX_BYTES": "1000000",
            "SPREADSHEET_MAX_MEMBERS": "200",
            "SPREADSHEET_MAX_UNCOMPRESSED_BYTES": "9000000",
            "SPREADSHEET_MAX_COMPRESSION_RATIO": "50",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    # then Django's in-memory limits follow it down, and the others are read
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1000000", "1000000", "1000000", "200", "9000000", "50"]
    # and by default both stay below the 20 MB upload limit
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.UPLOAD_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.UPLOAD_MAX_BYTES
