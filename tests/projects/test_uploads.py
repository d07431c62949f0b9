"""Attachments are accepted by extension and content signature, within the size limit."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.uploads import validate_attachment


def office_file(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("a.pdf", b"%PDF-1.7 ..."),
        SimpleUploadedFile("a.PNG", b"\x89PNG\r\n\x1a\n...."),
        SimpleUploadedFile("a.jpeg", b"\xff\xd8\xff\xe0...."),
        SimpleUploadedFile("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...."),
        office_file("a.docx"),
        office_file("a.xlsx"),
    ],
)
def test_allowed_files_pass(upload):
    validate_attachment(upload)


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00"), "extension"),
        (SimpleUploadedFile("a.pdf", b"MZ\x90\x00"), "signature"),
        (SimpleUploadedFile("a.docx", b"PK\x03\x04not really a zip"), "signature"),
        (SimpleUploadedFile("a.html", b"<html>"), "extension"),
    ],
)
def test_disallowed_files_are_refused(upload, code):
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload)
    assert refused.value.code == code


def test_files_above_the_limit_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as refused:
        validate_attachment(SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 20))
    assert refused.value.code == "size"
