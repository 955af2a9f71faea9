"""Export statistics to CSV and Excel, safe against formula injection.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is run as a formula by Excel and WPS (CSV injection, OWASP); such text is written
with a leading apostrophe by the neutraliser every export shares
(``core.safefiles.neutralise_cell``). Numbers stay numbers. Only aggregate figures
are exported: no personal data leaves this way.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.i18n import _
from core.safefiles import neutralise_row
from plugins.feedback.stats import DIMENSIONS, StatRow


def dimension_label(name: str) -> str:
    labels = {
        "site": _("Site"),
        "window": _("Window"),
        "staff": _("Staff"),
        "item": _("Item"),
        "department": _("Department"),
        "day": _("Day"),
        "month": _("Month"),
        "year": _("Year"),
    }
    return labels.get(name, name)


def table(group_by: Sequence[str], rows: Sequence[StatRow]) -> list[list[Any]]:
    """Header plus one line per group; rates as fractions rounded to 4 places."""
    for name in group_by:
        if name not in DIMENSIONS:
            raise ValueError(name)
    header = [dimension_label(n) for n in group_by] + [
        _("Ratings"),
        _("Satisfied (5+4+3)"),
        _("Bad (2+1)"),
        _("Satisfaction rate"),
        _("Bad-review rate"),
        _("Real-name bad reviews"),
        _("Callback rate"),
        _("Rectification rate"),
        _("Active ratings"),
        _("Cases"),
        _("Active rating rate"),
    ]

    def rate(value: float | None) -> float | str:
        return "" if value is None else round(value, 4)

    lines: list[list[Any]] = [header]
    for row in rows:
        lines.append(
            [*row.key]
            + [
                row.total,
                row.satisfied,
                row.bad,
                rate(row.satisfaction_rate),
                rate(row.bad_rate),
                row.real_name_bad,
                rate(row.callback_rate),
                rate(row.rectification_rate),
                row.active,
                row.cases,
                rate(row.active_rate),
            ]
        )
    return lines


def to_csv(path: Path, lines: list[list[Any]]) -> Path:
    # utf-8-sig: Excel on a Chinese Windows reads UTF-8 CSV correctly only with a BOM.
    with Path(path).open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        for line in lines:
            writer.writerow(neutralise_row(line))
    return Path(path)


def to_xlsx(path: Path, lines: list[list[Any]], title: str = "好差评统计") -> Path:
    from openpyxl import Workbook  # ~120 ms to import: only when exporting
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for line in lines:
        sheet.append(neutralise_row(line))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    book.save(path)
    return Path(path)
