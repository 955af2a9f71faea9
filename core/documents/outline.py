"""Bookmarks (the PDF outline), a table of contents and a grid of QR codes.

A handbook's contents must print page numbers that are known only once the pages
after it are laid out. Rather than lay the whole document out twice (reportlab's
``multiBuild``: a 100-item handbook would cost two renders), the contents reserve one
line of fixed height per entry, and the numbers are drawn when the document is
saved, as the footers are (page.py keeps every page until then): one layout pass.

Bookmarks go the same way: reportlab's ``bookmarkPage`` names the page being drawn,
and pages are drawn at save time, so a ``Bookmark`` records its page number during
layout and the outline entry is made when that page is finally written.

Imported only when a document is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from core.documents.qr import QrCode

CONTENTS_SIZE = 10.0
CONTENTS_LEADING = 5.6 * mm


@dataclass
class Deferred:
    """What is drawn at save time, shared by every page state of one canvas."""

    # key -> page number where the bookmark sits
    pages: dict[str, int] = field(default_factory=dict)
    # page number -> [(key, title, level)] outline entries made on that page
    outline: dict[int, list[tuple[str, str, int]]] = field(default_factory=dict)
    # page number -> [(x, y, key, font, size)] page numbers to draw right-aligned at x
    numbers: dict[int, list[tuple[float, float, str, str, float]]] = field(default_factory=dict)


def page_now(canvas: object) -> int:
    """The number of the page being laid out (page.py's canvas keeps finished pages)."""
    return len(getattr(canvas, "_finished", ())) + 1


class Bookmark(Flowable):  # type: ignore[misc]
    """Zero-size marker: an outline entry (``level`` 0 at the top) for this page."""

    def __init__(self, key: str, title: str, level: int) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        deferred: Deferred = self.canv.sihao_deferred
        page = page_now(self.canv)
        deferred.pages[self.key] = page
        deferred.outline.setdefault(page, []).append((self.key, self.title, self.level))


class ContentsLine(Flowable):  # type: ignore[misc]
    """One line of a table of contents: the title, a dotted leader, the page number
    of the bookmark ``key`` (drawn at save time). Titles too long are cut with "…"."""

    def __init__(self, title: str, key: str, level: int, font: str) -> None:
        super().__init__()
        self.title, self.key, self.level, self.font = title, key, level, font

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = CONTENTS_LEADING
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        size = CONTENTS_SIZE if self.level == 0 else CONTENTS_SIZE - 0.5
        indent = self.level * 6 * mm
        number_room = 12 * mm
        room = self.width - indent - number_room
        title = self.title
        if stringWidth(title, self.font, size) > room:
            while title and stringWidth(title + "…", self.font, size) > room:
                title = title[:-1]
            title += "…"
        y = 1.6 * mm
        canvas.setFont(self.font, size)
        canvas.drawString(indent, y, title)
        start = indent + stringWidth(title, self.font, size) + 2 * mm
        end = self.width - number_room + 2 * mm
        if end > start:
            canvas.saveState()
            canvas.setDash(0.6, 2.2)
            canvas.setLineWidth(0.6)
            canvas.line(start, y, end, y)
            canvas.restoreState()
        x, y_abs = canvas.absolutePosition(self.width, y)
        deferred: Deferred = canvas.sihao_deferred
        deferred.numbers.setdefault(page_now(canvas), []).append(
            (x, y_abs, self.key, self.font, size)
        )


def draw_deferred(canvas: object, number: int) -> None:
    """At save time, on page ``number``: its outline entries and contents numbers."""
    deferred: Deferred | None = getattr(canvas, "sihao_deferred", None)
    if deferred is None:
        return
    for key, title, level in deferred.outline.get(number, []):
        canvas.bookmarkPage(key)  # type: ignore[attr-defined]
        canvas.addOutlineEntry(title, key, level=level)  # type: ignore[attr-defined]
    for x, y, key, font, size in deferred.numbers.get(number, []):
        page = deferred.pages.get(key)
        if page is not None:
            canvas.setFont(font, size)  # type: ignore[attr-defined]
            canvas.drawRightString(x, y, str(page))  # type: ignore[attr-defined]


def qr_grid(
    entries: Sequence[tuple[str, str]],
    *,
    font: str,
    width: float,
    columns: int,
    size_mm: float,
) -> Table:
    """QR codes with their captions in ``columns`` columns over ``width`` points; the
    grid splits between rows across pages."""
    cell = width / columns
    codes: list[object] = [
        QrCode(data, font, size_mm=min(size_mm, cell / mm - 4), caption=caption)
        for data, caption in entries
    ]
    rows = [codes[i : i + columns] for i in range(0, len(codes), columns)]
    if rows and len(rows[-1]) < columns:
        rows[-1] = rows[-1] + [""] * (columns - len(rows[-1]))
    return Table(
        rows,
        colWidths=[cell] * columns,
        splitByRow=1,
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, "#BBBBBB"),
            ]
        ),
        hAlign="CENTER",
    )
