"""Reading an uploaded spreadsheet safely: every import opens its workbook here.

The archive is judged by its zip directory alone before any part of it is unpacked or parsed,
so a zip bomb costs a few kilobytes of reading. ZipFile never unpacks a part to more than the
size its directory entry states (a part that holds more fails its CRC check), so the sizes
checked here also bound what parsing can inflate. The XML itself is parsed by openpyxl through
defusedxml (see communities/checks.py); whatever a parser refuses becomes a message for the
user instead of a server error.
"""

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml.etree import ErrorTypes, XMLSyntaxError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# A part that unpacks to less than this cannot hurt, whatever its ratio; small parts of real
# workbooks (an empty sheet, the styles) are often packed tighter than any sane limit.
RATIO_APPLIES_FROM = 1024 * 1024
# A directory entry is 46 bytes plus the part's name and extra fields (under 200 bytes in real
# workbooks). Bounding the directory's size bounds what ZipFile builds before parts are counted.
DIRECTORY_BYTES_PER_MEMBER = 1024
# The importers read a handful of columns; a sheet may announce 16,384 of them in every row.
MAX_COLUMNS = 100
# What openpyxl and the zip and XML layers raise for a file they cannot read.
READ_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    ParseError,
    XMLSyntaxError,
)
# libxml2 (openpyxl parses the workbook part with lxml) stops an entity expansion with these.
ENTITY_ERRORS = {ErrorTypes.ERR_ENTITY_LOOP, ErrorTypes.ERR_RESOURCE_LIMIT}


def _not_a_workbook() -> ValidationError:
    return ValidationError(
        _("The file is not an Excel workbook (.xlsx). Use the template."), code="not_a_workbook"
    )


def check_spreadsheet_archive(file) -> None:
    """Refuse a file that is no zip or whose zip directory announces a bomb; nothing is unpacked.

    Limits: ``SPREADSHEET_MAX_MEMBERS`` parts, ``SPREADSHEET_MAX_UNCOMPRESSED_BYTES`` in all once
    unpacked, and ``SPREADSHEET_MAX_COMPRESSION_RATIO`` for each large part and for the whole.
    """
    max_members = settings.SPREADSHEET_MAX_MEMBERS
    file.seek(0)
    # The end record is what ZipFile itself reads first; checking it before ZipFile parses the
    # directory keeps a directory of a million entries from being built in memory.
    end = zipfile._EndRecData(file)
    if end is None:
        raise _not_a_workbook()
    too_many = ValidationError(
        _("The workbook has more than %(limit)s parts; it was refused without being opened.")
        % {"limit": max_members},
        code="too_many_parts",
    )
    if (
        end[zipfile._ECD_ENTRIES_TOTAL] > max_members
        or end[zipfile._ECD_SIZE] > max_members * DIRECTORY_BYTES_PER_MEMBER
    ):
        raise too_many
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _not_a_workbook() from error
    finally:
        file.seek(0)
    if len(members) > max_members:
        raise too_many
    _check_sizes(members)


def _check_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive whose parts unpack to too much, or are packed suspiciously tight."""
    limit = settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES
    max_ratio = settings.SPREADSHEET_MAX_COMPRESSION_RATIO
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit:
        raise ValidationError(
            _(
                "The workbook would unpack to %(size)s, more than the %(limit)s allowed; "
                "it was refused without being opened."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)},
            code="too_large_unpacked",
        )
    packed = sum(member.compress_size for member in members)
    parts = [(member.filename, member.file_size, member.compress_size) for member in members]
    for name, size, compressed in [*parts, (_("all parts together"), unpacked, packed)]:
        if size >= RATIO_APPLIES_FROM and size > max_ratio * max(compressed, 1):
            raise ValidationError(
                _(
                    "The workbook is compressed %(ratio)s to 1 (%(part)s), more than the "
                    "%(limit)s to 1 a real workbook reaches; files built to overload the server "
                    "look like this, so it was refused without being opened."
                )
                % {"part": name, "ratio": size // max(compressed, 1), "limit": max_ratio},
                code="compression_ratio",
            )


def _declares_entities(error: BaseException) -> bool:
    """Whether the error, or one it was raised from, is an XML parser refusing entities."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DefusedXmlException):
            return True
        if isinstance(error, XMLSyntaxError) and error.code in ENTITY_ERRORS:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _unreadable(error: BaseException) -> ValidationError:
    """The message for a workbook that passed the archive check but cannot be read."""
    if _declares_entities(error):
        return ValidationError(
            _(
                "The workbook declares XML entities, which no spreadsheet needs and which can "
                "overload the server; it was refused."
            ),
            code="xml_entities",
        )
    if isinstance(error, InvalidFileException | KeyError | IndexError):
        return _not_a_workbook()
    return ValidationError(
        _("The workbook is damaged and cannot be read. Save it again in Excel and retry."),
        code="damaged",
    )


@contextmanager
def first_sheet_rows(file) -> Iterator[Iterator[tuple]]:
    """The values of the first sheet, row by row, from a workbook that passed the archive check.

    Raises ValidationError with the reason when the file is refused or cannot be read, also
    half-way through the rows, so the caller reports it instead of failing.
    """
    check_spreadsheet_archive(file)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except READ_ERRORS as error:
        raise _unreadable(error) from error
    try:
        if not workbook.worksheets:
            raise _not_a_workbook()
        yield _rows(workbook.worksheets[0])
    finally:
        workbook.close()


def _rows(sheet) -> Iterator[tuple]:
    """The sheet's rows as values; what its XML holds half-way is judged like the rest."""
    width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    try:
        yield from sheet.iter_rows(values_only=True, max_col=width)
    except READ_ERRORS as error:
        raise _unreadable(error) from error
