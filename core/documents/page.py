"""The page template: paper size, margins, header, and the footer on every page.

Imported only when a document is rendered (reportlab's platypus costs ~100 ms to
import, measured here with python -X importtime). The footer says site, printed-at,
catalog version, document id and "第 x 页 / 共 y 页"; the total is known only at the
end, so the canvas keeps each finished page and draws the footers when the document
is saved (the usual "numbered canvas" of reportlab recipes: one pass, no re-layout).

A document may hold several sections (a handbook of items): a ``SectionMark``
flowable switches the id the footer prints from there on; a page holding two
sections names both.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A3, A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from core.documents.errors import LayoutFailed
from core.documents.outline import Deferred, draw_deferred
from core.documents.parts import Footer, PageSetup, PaperSize

FOOTER_SIZE = 7.5
HEADER_SIZE = 8.5
GREY = colors.HexColor("#555555")


@dataclass(frozen=True)
class Styles:
    """The paragraph styles every document shares, built for one font."""

    font: str
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_header: ParagraphStyle


def make_styles(font: str) -> Styles:
    def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
        # wordWrap="CJK": Chinese breaks between any two characters (no spaces).
        extra.setdefault("alignment", TA_LEFT)
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=size * 1.45, wordWrap="CJK", **extra
        )

    return Styles(
        font=font,
        title=style("title", 18, spaceAfter=8, alignment=TA_CENTER),
        h1=style("h1", 15, spaceBefore=8, spaceAfter=5),
        h2=style("h2", 12.5, spaceBefore=6, spaceAfter=3),
        h3=style("h3", 11, spaceBefore=4, spaceAfter=2),
        body=style("body", 10.5, spaceAfter=3),
        small=style("small", 8.5, spaceAfter=2, textColor=GREY),
        cell=style("cell", 9.5),
        cell_header=style("cell_header", 9.5),
    )


def page_size(setup: PageSetup) -> tuple[float, float]:
    width, height = {PaperSize.A3: A3, PaperSize.A4: A4}.get(setup.size, A5)
    return (height, width) if setup.landscape else (float(width), float(height))


class SectionMark(Flowable):  # type: ignore[misc]
    """Zero-size marker: pages from here on print ``document_id`` in their footer."""

    def __init__(self, document_id: str, first_on_page: bool) -> None:
        super().__init__()
        self.document_id = document_id
        self.first_on_page = first_on_page
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        canvas = self.canv
        if self.first_on_page:
            canvas.sihao_page_ids = [self.document_id]
        elif self.document_id not in canvas.sihao_page_ids:
            canvas.sihao_page_ids = [*canvas.sihao_page_ids, self.document_id]
        canvas.sihao_current_id = self.document_id


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Cut ``text`` with an ellipsis so it fits ``width``: a footer never runs off."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def footer_lines(
    footer: Footer, ids: Sequence[str], number: int, total: int, *, font: str, width: float
) -> tuple[str, str]:
    """The footer's left part (site, printed at) and right part (catalog version, ids,
    page x / y), each fitted to ``width``. What dates a printout is never cut: a long
    site name or a long list of ids gives way first."""
    printed = footer.printed_at or datetime.now()
    stamp = f"  打印时间 {printed:%Y-%m-%d %H:%M}"
    site_room = width - stringWidth(stamp, font, FOOTER_SIZE)
    left = _fit(footer.site, font, FOOTER_SIZE, max(site_room, 0)) + stamp
    tail = f"第 {number} 页 / 共 {total} 页"
    head = f"目录版本 {footer.catalog_version}  " if footer.catalog_version else ""
    shown = [i for i in ids if i]
    if shown:
        room = width - stringWidth(head + "编号   " + tail, font, FOOTER_SIZE)
        head += "编号 " + _fit("、".join(shown), font, FOOTER_SIZE, max(room, 0)) + "  "
    return left, head + tail


def _canvas_class(
    draw_footer: Callable[[Canvas, int, int], None], first_id: str, font: str
) -> type[Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Keeps finished pages until save(), when the page count is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Every page starts in our font: reportlab's default (Helvetica, never
            # embedded) would otherwise be named in the PDF though nothing uses it.
            kwargs["initialFontName"] = font
            super().__init__(*args, **kwargs)
            self._finished: list[dict[str, Any]] = []
            # Bookmarks and contents page numbers, drawn at save (outline.py); one
            # object shared by every page's saved state.
            self.sihao_deferred = Deferred()
            self.sihao_current_id = first_id
            self.sihao_page_ids = [first_id]

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._finished.append(dict(self.__dict__))
            self._startPage()
            self.sihao_page_ids = [self.sihao_current_id]

        def save(self) -> None:
            total = len(self._finished)
            for number, state in enumerate(self._finished, start=1):
                self.__dict__.update(state)
                draw_footer(self, number, total)
                draw_deferred(self, number)
                Canvas.showPage(self)
            if self.sihao_deferred.outline:
                self.showOutline()  # a reader opens the bookmarks beside the pages
            Canvas.save(self)

    return NumberedCanvas


def render(
    flowables: list[Flowable],
    *,
    setup: PageSetup,
    footer: Footer,
    font: str,
    title: str,
) -> bytes:
    """Lay ``flowables`` out on pages of ``setup``; return the PDF's bytes."""
    width, height = page_size(setup)
    left, right = setup.left_mm * mm, setup.right_mm * mm
    top, bottom = setup.top_mm * mm, max(setup.bottom_mm, 14.0) * mm
    text_width = width - left - right
    stamped = (
        footer
        if footer.printed_at
        else Footer(footer.site, footer.catalog_version, footer.document_id, datetime.now())
    )

    def draw_header(canvas: Canvas, _doc: Any) -> None:
        if not setup.header:
            return
        canvas.saveState()
        canvas.setFont(font, HEADER_SIZE)
        canvas.setFillColor(GREY)
        y = height - top + 5 * mm
        canvas.drawString(left, y, _fit(setup.header, font, HEADER_SIZE, text_width))
        canvas.setStrokeColor(colors.lightgrey)
        canvas.setLineWidth(0.5)
        canvas.line(left, y - 1.8 * mm, width - right, y - 1.8 * mm)
        canvas.restoreState()

    def draw_footer(canvas: Canvas, number: int, total: int) -> None:
        ids = getattr(canvas, "sihao_page_ids", [])
        left_text, right_text = footer_lines(
            stamped, ids, number, total, font=font, width=text_width
        )
        canvas.saveState()
        canvas.setFont(font, FOOTER_SIZE)
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(colors.lightgrey)
        canvas.setLineWidth(0.5)
        line_y = bottom - 4 * mm
        canvas.line(left, line_y, width - right, line_y)
        gap = 4 * mm
        both = stringWidth(left_text, font, FOOTER_SIZE) + stringWidth(
            right_text, font, FOOTER_SIZE
        )
        if both + gap <= text_width:
            y = line_y - 3.5 * mm
            canvas.drawString(left, y, left_text)
            canvas.drawRightString(width - right, y, right_text)
        else:  # narrow paper (A5) or long names: two lines
            canvas.drawString(left, line_y - 3.5 * mm, left_text)
            canvas.drawRightString(width - right, line_y - 7 * mm, right_text)
        canvas.restoreState()

    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=footer.site,
        subject=footer.document_id,
        creator="Sihao",
    )
    frame = Frame(
        left,
        bottom,
        text_width,
        height - top - bottom,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=draw_header)])
    try:
        template.build(flowables, canvasmaker=_canvas_class(draw_footer, footer.document_id, font))
    except LayoutError as exc:
        raise LayoutFailed(str(exc)) from exc
    return buffer.getvalue()


def frame_size(setup: PageSetup) -> tuple[float, float]:
    """Width and height (points) of the text area: what a table or chart may use."""
    width, height = page_size(setup)
    return (
        width - (setup.left_mm + setup.right_mm) * mm,
        height - (setup.top_mm + max(setup.bottom_mm, 14.0)) * mm,
    )
