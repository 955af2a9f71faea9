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
import json
import logging
import zipfile
from collections.abc import Iterator
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


# -- CSV ---------------------------------------------------------------------------
# Excel and WPS in China save "CSV" as GBK unless told otherwise; others write
# UTF-8, with or without a BOM, or UTF-16 with a BOM ("Unicode text"). Encodings are
# tried in that order; GB 18030 (a superset of GBK) decodes any byte string that is
# valid GBK, so it is the last resort and a file that fails it too is refused.
MAX_CSV_BYTES = 512 * 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes, *, name: str = "") -> tuple[str, str]:
    """Text of a file from outside and the encoding it was read with.

    UTF-16 with a BOM, UTF-8 (BOM or not), then GB 18030; NUL bytes in an 8-bit
    file (a binary file renamed) and undecodable bytes are a ``FileRefused``.
    """
    shown = name or _("The file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _not_text(shown, f"bad UTF-16 at byte {exc.start}") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _not_text(shown, f"NUL byte at {nul}")
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _not_text(shown, "neither UTF-8 nor GB 18030")


def _not_text(name: str, detail: str) -> FileRefused:
    log.warning("text file %s refused: %s", name, detail)
    return FileRefused(
        _(
            "{name} is not a text file that can be read (UTF-8 or GBK). Save it again "
            "as CSV from Excel or WPS, or as .xlsx."
        ).format(name=name),
        detail,
    )


def read_csv(
    path: Path | str, *, name: str = "", max_bytes: int = MAX_CSV_BYTES
) -> list[list[str]]:
    """The rows of a CSV file from outside, its encoding found (``decode_text``);
    too large or unreadable is a ``FileRefused``. Cells are text as written: pass
    them through ``restore_cell`` before use."""
    import csv
    import io

    path = Path(path)
    shown = name or path.name
    size = path.stat().st_size
    if size > max_bytes:
        raise FileRefused(
            _("{name} is too large ({size} MB; at most {limit} MB).").format(
                name=shown, size=_mb(size), limit=_mb(max_bytes)
            ),
            f"{size} bytes",
        )
    text, _encoding = decode_text(path.read_bytes(), name=shown)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileRefused(
            _("{name} is not a CSV file that can be read: {reason}").format(name=shown, reason=exc),
            f"csv.Error: {exc}",
        ) from exc
