"""Batch files as applicants send them: workbooks with merged cells, formulas that
carry the value Excel computed, dates as serial numbers; CSV in several encodings."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any


def workbook(
    path: Path,
    rows: list[list[Any]],
    *,
    merges: tuple[str, ...] = (),
    formulas: dict[str, tuple[str, str]] | None = None,
    subject: str = "",
) -> Path:
    """Write ``rows``; ``formulas`` maps a cell ("D3") to (formula, the value Excel
    saved beside it), patched into the sheet XML the way Excel writes it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell, (formula, _value) in (formulas or {}).items():
        sheet[cell] = formula
    for merged in merges:
        sheet.merge_cells(merged)
    if subject:
        book.properties.subject = subject
    book.save(path)
    if formulas:
        _cache_formula_values(path, formulas)
    return path


def _cache_formula_values(path: Path, formulas: dict[str, tuple[str, str]]) -> None:
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    xml = parts[member].decode()
    for cell, (_formula, value) in formulas.items():
        xml, n = re.subn(
            rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/>',
            rf'<c r="{cell}" t="str"><f>\2</f><v>{value}</v>',
            xml,
        )
        assert n == 1, cell
    parts[member] = xml.encode()
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts.items():
                out.writestr(name, data)
    shutil.move(tmp.name, path)


def csv_file(path: Path, rows: list[list[Any]], encoding: str) -> Path:
    text = "".join(",".join("" if v is None else str(v) for v in row) + "\r\n" for row in rows)
    path.write_bytes(text.encode(encoding))
    return path
