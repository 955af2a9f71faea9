"""Fitting a table's long text column to the terminal, so the short columns show.

A name (an item, a material) can run to 40 characters; sized to its longest cell
it pushes the columns after it (形式, 份数, 是否需提交…) off an 80-column screen. The
long column is capped to what is left once the columns through ``show_through``
have their natural width: its cells are cut, and each screen shows the whole text
elsewhere (the item's own screen, the material's detail line).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.widgets import DataTable

SCROLLBAR = 2


def fit_column(
    table: DataTable[Any], show_through: int, *, column: int = 0, minimum: int = 10
) -> None:
    """Cap ``column`` so columns ``0..show_through`` fit the table's width."""
    available = table.size.width
    columns = list(table.columns.values())
    if not available or len(columns) <= column:
        return
    widths = [cell_len(c.label.plain) for c in columns]
    for row in range(table.row_count):
        for index, cell in enumerate(table.get_row_at(row)):
            widths[index] = max(widths[index], cell_len(str(cell)))
    pad = 2 * table.cell_padding
    shown = range(min(show_through, len(columns) - 1) + 1)
    scrollbar = SCROLLBAR if table.row_count + 1 > table.size.height else 0
    room = available - scrollbar - sum(widths[i] + pad for i in shown if i != column) - pad
    widths[column] = min(widths[column], max(minimum, room))
    # Every width set here, none left to DataTable's own measuring: it shrinks a
    # column only when one of its cells changes, so a narrower bundle kept the
    # previous one's widths and pushed its columns off the screen.
    for width, each in zip(widths, columns, strict=True):
        each.auto_width = False
        each.width = width
    table._require_update_dimensions = True  # re-measured on the next refresh
    table.refresh()
