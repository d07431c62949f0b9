"""Hostile and broken spreadsheet files, built in the test run: bombs, entity expansion, wrecks."""

import tracemalloc
import zipfile
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from time import perf_counter

from openpyxl import Workbook

MIB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
# Nine levels of ten: "&lol9;" would expand to a thousand million "lol"s.
ENTITIES = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10 if level > 1 else "&lol;" * 10}">'
        for level in range(1, 10)
    )
    + "]>"
)


def real_workbook(*rows) -> bytes:
    """A small genuine workbook, the base of the hostile variants."""
    book = Workbook()
    for row in rows or [("社区编码", "社区名称")]:
        book.active.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_zip_bomb(target: Path, *, unpacked: int) -> Path:
    """A workbook whose first sheet is a run of zeros that unpacks to ``unpacked`` bytes."""
    parts = _parts(real_workbook())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != SHEET:
                archive.writestr(name, data)
        # Streamed in, so the test itself never holds the unpacked size in memory.
        with archive.open(SHEET, "w", force_zip64=True) as sheet:
            chunk = b"0" * MIB
            for _ in range(unpacked // MIB):
                sheet.write(chunk)
    return target


def with_many_parts(count: int, *, declared: int | None = None) -> bytes:
    """A workbook padded to ``count`` parts; its end record may claim another number."""
    parts = _parts(real_workbook())
    for number in range(count - len(parts)):
        parts[f"xl/media/padding{number}.bin"] = b"x"
    content = _zip(parts)
    if declared is None:
        return content
    # The end-of-directory record is the last 22 bytes; both entry counts sit at 8..12.
    end = bytearray(content[-22:])
    end[8:12] = declared.to_bytes(2, "little") * 2
    return content[:-22] + bytes(end)


def with_entities(part: str) -> bytes:
    """A workbook whose given part declares and uses nested XML entities (billion laughs)."""
    parts = _parts(real_workbook())
    xml = parts[part].decode()
    prolog_end = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
    body = xml[prolog_end:]
    if part == SHEET:
        start = body.index("<t>") + 3
        body = body[:start] + "&lol9;" + body[body.index("</t>", start) :]
    else:
        body = body.replace('name="Sheet"', 'name="&lol9;"', 1)
    parts[part] = (xml[:prolog_end] + ENTITIES + body).encode()
    return _zip(parts)


def without_workbook() -> bytes:
    """A valid zip archive that holds no workbook."""
    return _zip({"readme.txt": b"no workbook in here"})


def truncated() -> bytes:
    """The first half of a genuine workbook, as a broken download leaves it."""
    content = real_workbook()
    return content[: len(content) // 2]


def with_damaged_sheet() -> bytes:
    """A genuine workbook whose first sheet's compressed bytes were overwritten on the way."""
    content = bytearray(real_workbook(*[(f"hs-{n}", f"社区{n}") for n in range(200)]))
    with zipfile.ZipFile(BytesIO(bytes(content))) as archive:
        info = archive.getinfo(SHEET)
    # Past the local header (30 bytes, then the name and extra field, their lengths at 26..30)
    # lies the deflated stream; its middle is overwritten.
    header = info.header_offset
    name_length = int.from_bytes(content[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(content[header + 28 : header + 30], "little")
    start = header + 30 + name_length + extra_length + info.compress_size // 2
    content[start : start + 64] = bytes(64)
    return bytes(content)


def packed_tight(size: int) -> bytes:
    """A workbook with an extra part of ``size`` zeros: small unpacked, but packed 1000:1."""
    parts = _parts(real_workbook())
    parts["xl/media/zeros.bin"] = bytes(size)
    return _zip(parts)


def upload(content: bytes, name: str = "upload.xlsx") -> BytesIO:
    """The bytes as a named file, as the test client uploads it."""
    buffer = BytesIO(content)
    buffer.name = name
    return buffer


@contextmanager
def measured():
    """Time and peak Python memory of the block, filled into the yielded dict when it ends."""
    figures: dict[str, float] = {}
    tracemalloc.start()
    started = perf_counter()
    try:
        yield figures
    finally:
        figures["seconds"] = perf_counter() - started
        figures["peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
