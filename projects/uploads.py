"""Which attachment files a plan accepts: checked by extension and by content signature."""

import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
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


# A file chosen on a plan form that then failed validation is kept server-side, named in the
# user's session, until the form is saved (the file is then attached) or the user removes it.
PENDING_SESSION_KEY = "plan_pending_uploads"


def _pending_storage():
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def pending_get(session, key: str) -> dict | None:
    """The kept file of this form ({"name", "size", "path"}), if its file still exists."""
    entry = session.get(PENDING_SESSION_KEY, {}).get(key)
    if entry and _pending_storage().exists(entry["path"]):
        return entry
    return None


def pending_keep(session, key: str, upload) -> dict:
    """Keep a validated upload for this form, replacing the one kept before."""
    pending_discard(session, key)
    name = PurePath(upload.name).name[:200]
    upload.seek(0)
    path = _pending_storage().save(f"pending/{uuid.uuid4().hex}/{name}", upload)
    entry = {"name": name, "size": upload.size, "path": path}
    session.setdefault(PENDING_SESSION_KEY, {})[key] = entry
    session.modified = True
    return entry


def pending_open(entry: dict) -> File:
    """The kept file, open for reading, under its original name."""
    handle = _pending_storage().open(entry["path"], "rb")
    return File(handle, name=entry["name"])


def pending_discard(session, key: str) -> None:
    """Forget this form's kept file and delete it."""
    entry = session.get(PENDING_SESSION_KEY, {}).pop(key, None)
    if entry:
        session.modified = True
        _pending_storage().delete(entry["path"])
