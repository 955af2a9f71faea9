"""Files from outside are hostile until checked: one place for the checks.

Every import of a file (catalog JSON or Excel, intake spreadsheets, licence lists)
and every spreadsheet export goes through these functions, so a new importer gets
the same protection by calling them rather than by re-deriving it:

- ``neutralise_cell`` / ``restore_cell``: text that a spreadsheet would run as a
  formula (``=``, ``+``, ``-``, ``@``, tab, carriage return: CSV/formula injection,
  OWASP) is written with a leading apostrophe and read back without it, so an
  exported file imports back unchanged.
- ``check_zip``: a zip (an .xlsx is one) is refused from its central directory
  alone, before anything is decompressed, when it holds too many members, declares
  too much in all, or a large member packs more than ``max_ratio`` times its
  stored size (a "zip bomb": 250 KB that inflates to gigabytes). The declared
  sizes bound the work because ``zipfile`` (which openpyxl reads through) stops
  reading a member at its declared size, whatever the compressed stream holds.
  Reading the directory costs well under a millisecond on a 10,000-row workbook.
- ``open_workbook``: ``check_zip`` then openpyxl, read-only, values only; any
  failure is a ``FileRefused``, and so is one while its rows are read
  (``sheet_rows``).
- ``read_table``: a list of rows from an XLSX or CSV (intake batches): refused
  before reading when empty or over 50 MiB, when password-protected, an old .xls,
  a picture or a PDF; CSV encodings detected (UTF-8 with or without BOM, UTF-16
  with BOM, GBK, GB18030); merged cells read as their top-left value (openpyxl
  gives no merged ranges in read-only mode: they are read from the sheet's XML).
  ``cell_date`` reads date cells as spreadsheets hold them (Excel serials too).
- ``load_json``: size limited, nesting limited to 200 levels by pydantic-core's
  parser (``json.loads`` ends in a ``RecursionError`` around 1,000 levels), syntax
  errors as sentences that say where.
- ``parse_xml``: defusedxml, with DTDs, entities and external references refused
  (billion laughs, quadratic blow-up, XXE). Nothing in Sihao parses XML itself
  today; openpyxl parses the XML inside workbooks and uses defusedxml on its own
  once it is installed, which it is (a dependency for that reason).

``FileRefused`` is the one exception: ``str()`` is the sentence for the clerk,
``detail`` the technical reason for the log (never personal data).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from core.i18n import _

log = logging.getLogger(__name__)

# Text starting with one of these is a formula to Excel, WPS and LibreOffice.
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")

# Limits for archives. A 10,000-item catalog workbook (3.9 MB) declares 45 MB in all
# and none of its sheets packs more than 16:1; a deflate stream can reach 1,032:1.
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_TOTAL = 512 * 1024 * 1024  # declared uncompressed bytes, all members
MAX_ZIP_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024  # smaller members cannot do harm whatever their ratio

# Limits for JSON documents (a 10,000-item catalog is 24 MB).
MAX_JSON_BYTES = 256 * 1024 * 1024


class FileRefused(Exception):
    """A file was refused; ``str()`` is the sentence for the clerk, ``detail`` for the log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


# -- spreadsheet cells -------------------------------------------------------------
def neutralise_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; the rest as is."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def neutralise_row(values: Any) -> list[Any]:
    return [neutralise_cell(v) for v in values]


def restore_cell(value: Any) -> Any:
    """The inverse of ``neutralise_cell`` for a file Sihao exported and gets back."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(DANGEROUS_START):
        return value[1:]
    return value


# -- archives ----------------------------------------------------------------------
def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def check_zip(
    source: Path | str | IO[bytes],
    *,
    name: str = "",
    max_members: int = MAX_ZIP_MEMBERS,
    max_total: int = MAX_ZIP_TOTAL,
    max_ratio: float = MAX_ZIP_RATIO,
) -> None:
    """Refuse a zip (an .xlsx) whose central directory promises too much; read nothing else."""
    shown = name or (Path(source).name if isinstance(source, str | Path) else _("the file"))
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(
            _("{name} is not an Excel workbook (.xlsx) that can be read.").format(name=shown),
            f"not a zip archive: {type(exc).__name__}: {exc}",
        ) from exc
    if len(members) > max_members:
        raise _too_big(shown, f"{len(members)} members (limit {max_members})")
    total = 0
    for member in members:
        total += member.file_size
        if total > max_total:
            raise _too_big(shown, f"declares over {max_total} bytes uncompressed")
        if member.file_size > RATIO_FLOOR:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > max_ratio:
                raise _too_big(
                    shown,
                    f"member {member.filename!r} declares {member.file_size} bytes from "
                    f"{member.compress_size} (ratio {ratio:.0f}, limit {max_ratio})",
                )


def _too_big(name: str, detail: str) -> FileRefused:
    log.warning("file %s refused before reading: %s", name, detail)
    return FileRefused(
        _(
            "{name} was refused: it would unpack to far more data than a real workbook "
            "holds (a damaged or malicious file). Nothing was read from it. Save the "
            "workbook again in Excel or WPS, or ask the sender for a new copy."
        ).format(name=name),
        detail,
    )


def open_workbook(path: Path | str, *, name: str = "", **limits: Any) -> Any:
    """An openpyxl workbook (read-only, values only) opened after ``check_zip``."""
    path = Path(path)
    shown = name or path.name
    check_zip(path, name=shown, **limits)
    from openpyxl import load_workbook  # ≈ 60 ms: only when a workbook is read

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad part; all mean the same
        raise _unreadable(shown, exc) from exc


def sheet_rows(sheet: Any, *, name: str) -> Iterator[tuple[Any, ...]]:
    """The rows of a sheet of ``open_workbook``, as value tuples; an error while they
    are read is a ``FileRefused`` like any other unreadable workbook. openpyxl 3.1
    meets broken or entity-laden sheet XML while opening the workbook already (the
    tests' cases fail there); a read-only sheet is parsed again as its rows are
    read, and this keeps a failure then from becoming a traceback too."""
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as exc:  # ParseError, DefusedXmlException, openpyxl's own
        raise _unreadable(name, exc) from exc


def _unreadable(name: str, exc: Exception) -> FileRefused:
    log.warning("workbook %s not readable: %s: %s", name, type(exc).__name__, exc)
    return FileRefused(
        _("{name} is not an Excel workbook (.xlsx) that can be read.").format(name=name),
        f"{type(exc).__name__}: {exc}",
    )


# -- JSON --------------------------------------------------------------------------
# pydantic-core's parser (jiter) stops at 200 levels of nesting, without recursion
# in Python, and parses a 24 MB catalog in 0.15 s where json.loads takes 0.23 s.
# A regex pre-scan for depth cost 0.35 s on the same file, more than parsing it.
JSON_DEPTH_LIMIT = 200
_TOO_DEEP = "recursion limit exceeded"


def load_json(
    data: bytes | str,
    *,
    name: str = "",
    max_bytes: int = MAX_JSON_BYTES,
) -> Any:
    """Parse JSON from outside: too large, nested deeper than ``JSON_DEPTH_LIMIT`` or
    malformed is a ``FileRefused``."""
    shown = name or _("The file")
    if len(data) > max_bytes:
        raise FileRefused(
            _("{name} is too large ({size} MB; at most {limit} MB).").format(
                name=shown, size=_mb(len(data)), limit=_mb(max_bytes)
            ),
            f"{len(data)} bytes",
        )
    try:
        from pydantic_core import from_json
    except ImportError:  # pragma: no cover - a dependency; json.loads below guards too
        pass
    else:
        try:
            return from_json(
                data.removeprefix(codecs.BOM_UTF8) if isinstance(data, bytes) else data
            )
        except ValueError as exc:
            if _TOO_DEEP in str(exc):
                raise _too_deep(shown) from exc
            # Anything else it refuses is judged by json.loads, whose errors say where.
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            hint = ""
            try:
                data.decode("gb18030")
                hint = _(" It looks like GBK; save it as UTF-8 and import again.")
            except UnicodeDecodeError:
                pass
            raise FileRefused(
                _("the file is not UTF-8 text (byte {offset} cannot be read).").format(
                    offset=exc.start
                )
                + hint,
                f"not UTF-8 at byte {exc.start}",
            ) from exc
    else:
        text = data
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRefused(
            _("not valid JSON at line {line}, column {col}: {msg}").format(
                line=exc.lineno, col=exc.colno, msg=exc.msg
            ),
            f"JSONDecodeError at {exc.lineno}:{exc.colno}",
        ) from exc
    except RecursionError as exc:  # about 1,000 levels, if pydantic-core is missing
        raise _too_deep(shown) from exc


def _too_deep(name: str) -> FileRefused:
    log.warning("JSON %s refused: nested deeper than %d levels", name, JSON_DEPTH_LIMIT)
    return FileRefused(
        _(
            "{name} was refused: its lists and objects are nested more than {limit} "
            "levels deep, which no Sihao file is (a damaged or malicious file). "
            "Nothing was imported."
        ).format(name=name, limit=JSON_DEPTH_LIMIT),
        f"nesting deeper than {JSON_DEPTH_LIMIT}",
    )


# -- XML ---------------------------------------------------------------------------
def parse_xml(data: bytes | str, *, name: str = "") -> Any:
    """An ElementTree root from XML, refusing DTDs, entities and external references."""
    shown = name or _("The file")
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        log.warning("XML %s refused: %s", shown, exc)
        raise FileRefused(
            _(
                "{name} was refused: it declares entities or a document type, which "
                "Sihao does not accept in imported files (a malicious file can use them "
                "to exhaust memory or read other files). Nothing was imported."
            ).format(name=shown),
            f"{type(exc).__name__}: {exc}",
        ) from exc
    except ParseError as exc:
        raise FileRefused(
            _("{name} is not valid XML (line {line}).").format(
                name=shown, line=exc.position[0] if exc.position else "?"
            ),
            f"ParseError: {exc}",
        ) from exc


# -- tables: intake spreadsheets and CSV --------------------------------------------
# An intake file is a list of applicants: 10,000 rows of six columns is 0.6 MB as
# XLSX and 1.1 MB as CSV. 50 MiB leaves room for the largest real one and refuses a
# 200 MB file before a byte of it is read.
MAX_TABLE_BYTES = 50 * 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and Office's encrypted packages
_ZIP = b"PK\x03\x04"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


@dataclass
class Table:
    """A spreadsheet read from outside: ``rows`` are ``(row number in the file, values)``.

    ``kind`` is ``xlsx`` or ``csv``; ``encoding`` names what a CSV was written in
    (UTF-8, UTF-8 BOM, GBK, GB18030, UTF-16), empty for a workbook. Cells of a merged
    range carry the value of its top-left cell, as a reader of the sheet sees it."""

    kind: str
    encoding: str
    rows: list[tuple[int, list[Any]]]
    merged_cells: int = 0
    subject: str = ""  # a workbook's document property 主题 (Sihao's templates name the item)


def read_table(path: Path | str, *, name: str = "", max_bytes: int = MAX_TABLE_BYTES) -> Table:
    """Read an XLSX or CSV file of rows, refusing what is not one with a sentence:
    0 bytes, larger than ``max_bytes`` (checked before reading), a password-protected
    or legacy .xls workbook, a PDF or other binary, text in an unknown encoding."""
    path = Path(path)
    shown = name or path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise FileRefused(
            _("{name} cannot be opened: {reason}.").format(name=shown, reason=exc.strerror or exc),
            f"{type(exc).__name__}: {exc}",
        ) from exc
    if size == 0:
        raise FileRefused(
            _("{name} is empty (0 bytes): nothing to import.").format(name=shown), "0 bytes"
        )
    if size > max_bytes:
        raise FileRefused(
            _(
                "{name} is too large ({size} MB; at most {limit} MB). Split the list into "
                "several files."
            ).format(name=shown, size=_mb(size), limit=_mb(max_bytes)),
            f"{size} bytes",
        )
    if head.startswith(_ZIP):
        return _read_workbook_table(path, shown)
    if head.startswith(_OLE2):
        data = path.read_bytes()
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise FileRefused(
                _(
                    "{name} is protected by a password. Open it in Excel or WPS, remove the "
                    "password (save without one) and import it again."
                ).format(name=shown),
                "encrypted OOXML package",
            )
        raise FileRefused(
            _(
                "{name} is an old Excel file (.xls). Open it in Excel or WPS, save it as "
                "an Excel workbook (.xlsx) and import that."
            ).format(name=shown),
            "OLE2 compound file",
        )
    data = path.read_bytes()
    if _looks_binary(data):
        raise _not_a_table(shown, f"binary data starting {data[:8]!r}")
    text, encoding = decode_text(data, name=shown)
    if "\x00" in text[:65536]:
        raise _not_a_table(shown, "NUL characters in text")
    return Table("csv", encoding, _csv_rows(text))


# What a scanner station or a phone drops instead of a list: pictures and PDFs.
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32))


def _looks_binary(data: bytes) -> bool:
    """A picture, a PDF, or bytes no text file holds (control characters other than
    tab and line ends in more than 1% of the first 4 KB). UTF-16 is decided before."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if data.startswith(_BINARY_MAGIC):
        return True
    head = data[:4096]
    return sum(head.count(bytes([c])) for c in _CONTROL) > len(head) // 100


def _not_a_table(name: str, detail: str) -> FileRefused:
    return FileRefused(
        _(
            "{name} is not a spreadsheet: import an Excel workbook (.xlsx) or a CSV file "
            "saved from one."
        ).format(name=name),
        detail,
    )


def decode_text(data: bytes, *, name: str = "") -> tuple[str, str]:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 with BOM, GBK or
    GB18030, tried in that order, with the name of the encoding found."""
    shown = name or _("The file")
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8 BOM")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        # GBK is GB18030's older subset: a file that decodes as GBK is named so.
        candidates = [("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030")]
    failure: UnicodeDecodeError | None = None
    for codec, label in candidates:
        try:
            return data.decode(codec), label
        except UnicodeDecodeError as exc:
            failure = failure or exc
    assert failure is not None
    if b"%PDF" in data[:1024] or data[:4096].count(b"\x00") > 16:
        raise _not_a_table(shown, "binary data")
    raise FileRefused(
        _(
            "{name} is not text in UTF-8, GBK or GB18030 (byte {offset} cannot be read). "
            "Save it from Excel or WPS as CSV (UTF-8) or as a workbook (.xlsx)."
        ).format(name=shown, offset=failure.start),
        f"undecodable at byte {failure.start}",
    )


def _csv_rows(text: str) -> list[tuple[int, list[Any]]]:
    lines = text.splitlines()
    sample = "\n".join(lines[:20])
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for values in reader:
            rows.append((reader.line_num, [restore_cell(v) for v in values]))
    except csv.Error as exc:  # a field over 128 KiB, a NUL
        raise FileRefused(
            _("The CSV file cannot be read at line {line}: {reason}").format(
                line=reader.line_num, reason=exc
            ),
            f"csv.Error at line {reader.line_num}: {exc}",
        ) from exc
    return rows


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _merged_ranges(workbook: Any, sheet: Any) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a read-only sheet (openpyxl does not give them in that mode):
    read from the sheet's XML, where they follow the cells (0.01 s on 10,000 rows)."""
    archive = getattr(workbook, "_archive", None)
    member = getattr(sheet, "_worksheet_path", None)
    if archive is None or member is None:
        return []
    data = archive.read(member)
    return [
        (int(r1), _column_index(c1), int(r2), _column_index(c2))
        for c1, r1, c2, r2 in _MERGE.findall(data)
    ]


def _read_workbook_table(path: Path, shown: str) -> Table:
    workbook = open_workbook(path, name=shown)
    try:
        sheet = next((s for s in workbook.worksheets if s.sheet_state == "visible"), None)
        if sheet is None:
            raise _not_a_table(shown, "no visible sheet")
        try:
            merges = _merged_ranges(workbook, sheet)
        except Exception as exc:
            raise _unreadable(shown, exc) from exc
        covered: dict[tuple[int, int], tuple[int, int]] = {}
        for r1, c1, r2, c2 in merges:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        covered[(r, c)] = (r1, c1)
        anchors = {source for source in covered.values()}
        kept: dict[tuple[int, int], Any] = {}
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(sheet_rows(sheet, name=shown), start=1):
            row = list(values)
            if covered:
                for c, value in enumerate(row):
                    if (number, c) in anchors:
                        kept[(number, c)] = value
                width = max((c + 1 for (r, c) in covered if r == number), default=0)
                if width > len(row):
                    row.extend([None] * (width - len(row)))
                for c in range(len(row)):
                    source = covered.get((number, c))
                    if source is not None:
                        row[c] = kept.get(source)
            rows.append((number, row))
        subject = str(getattr(workbook.properties, "subject", "") or "")
        return Table("xlsx", "", rows, merged_cells=len(covered), subject=subject)
    finally:
        workbook.close()


# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in); a serial
# between these bounds is a date from 1900 to 2199.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_date(value: Any) -> dt.date | None:
    """A date cell as spreadsheets hold it: a date, an Excel serial number (46000),
    or text such as 2026-12-01, 2026/12/1 or 2026年12月1日; None if it is none of those."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        match = _DATE_TEXT.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
        if re.fullmatch(r"\d{1,6}(\.0+)?", text):
            value = float(text)
        else:
            return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and 1 <= value < 109_574:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    return None
