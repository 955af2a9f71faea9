"""Tables that split across pages with their header row repeated on each page.

Cells are paragraphs so long Chinese text wraps inside its column instead of running
past the page edge; a row taller than the space left may split inside itself
(``splitInRow``), so even a cell longer than a page prints. Imported only when a
document is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from core.documents.page import Styles

HEADER_BACKGROUND = colors.HexColor("#E8ECF2")
RULE = colors.HexColor("#888888")


def markup(text: str) -> str:
    """Plain text as paragraph markup: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def make_table(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    *,
    width: float,
    styles: Styles,
    fractions: Sequence[float] | None = None,
) -> Table:
    """A table over ``width`` points; ``fractions`` share it out (equal if None)."""
    columns = len(header) if header else max((len(r) for r in rows), default=1)
    if fractions is None:
        fractions = [1 / columns] * columns
    total = sum(fractions) or 1
    widths = [width * f / total for f in fractions]
    data = []
    if header:
        data.append([Paragraph(markup(h), styles.cell_header) for h in header])
    for row in rows:
        cells = list(row) + [""] * (columns - len(row))
        data.append([Paragraph(markup(str(c)), styles.cell) for c in cells[:columns]])
    commands: list[tuple[object, ...]] = [
        # The cells are paragraphs in our font, but the table sets its own cell font
        # before drawing them; reportlab's default would be named in the PDF unembedded.
        ("FONTNAME", (0, 0), (-1, -1), styles.font),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND))
    return Table(
        data,
        colWidths=widths,
        repeatRows=1 if header else 0,
        splitByRow=1,
        splitInRow=1,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def make_fields(
    pairs: Sequence[tuple[str, str]], *, width: float, styles: Styles, label_fraction: float
) -> Table:
    """Label/value rows (事项编码, 实施机关 …): a table without a header, labels shaded."""
    table = make_table(
        None,
        [list(p) for p in pairs],
        width=width,
        styles=styles,
        fractions=[label_fraction, 1 - label_fraction],
    )
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), HEADER_BACKGROUND)]))
    return table
