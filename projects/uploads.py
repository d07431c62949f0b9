"""Which attachment files a plan accepts: checked by extension and by content signature."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = (b"%PDF-",)
PNG = (b"\x89PNG\r\n\x1a\n",)
JPEG = (b"\xff\xd8\xff",)
OLE2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # legacy Office .doc/.xls/.ppt
OOXML = (b"PK\x03\x04",)  # Office Open XML is a zip archive

SIGNATURES = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".doc": OLE2,
    ".xls": OLE2,
    ".ppt": OLE2,
    ".docx": OOXML,
    ".xlsx": OOXML,
    ".pptx": OOXML,
}
ALLOWED_EXTENSIONS = tuple(SIGNATURES)


def validate_attachment(upload) -> None:
    """Refuse a file whose type, content or size is not allowed, saying which."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: PDF, PNG, JPEG and Office files.")
            % {"ext": extension or _("none")},
            code="extension",
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s.")
            % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[extension]) or (
        SIGNATURES[extension] is OOXML and not _is_office_archive(upload)
    ):
        raise ValidationError(
            _("The content of “%(name)s” is not a real %(ext)s file.")
            % {"name": upload.name, "ext": extension.lstrip(".").upper()},
            code="signature",
        )


def _is_office_archive(upload) -> bool:
    """An Office Open XML file is a zip that names its content types."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
