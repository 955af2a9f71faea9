"""``Document``: the one way Sihao describes and renders a printed thing.

A document is a recipe: headings, paragraphs, tables, a flow chart, QR codes, page
breaks, added in order. Every piece of text is checked as it is added: personal data
(masked, or refused for guides) and glyphs (a character the font lacks is an error
then, not a blank box on paper). ``build()`` renders the PDF in memory; ``write()``
puts it on disk whole or not at all. reportlab is imported by ``build()`` only, so a
plugin may import this module at start-up for free.

    from core.documents import Document, Footer, FlowStep, font_from_settings

    doc = Document(
        title="食品经营许可 办事指南",
        footer=Footer(site="张店区政务服务中心", catalog_version="2026.12.01-3",
                      document_id="370300-000-XK-0001"),
        font=font_from_settings(runtime.settings("documents")),
    )
    doc.heading("食品经营许可（新设）")
    doc.fields([("事项编码", "370300-000-XK-0001"), ("承诺办结时限", "5个工作日")])
    doc.table(["序号", "材料名称", "形式", "份数"], rows, widths=[0.1, 0.6, 0.15, 0.15])
    doc.flow([FlowStep("申请"), FlowStep("受理", "1个工作日"), FlowStep("现场核查", "", counts=False)])
    doc.qr("https://zwfw.zibo.gov.cn/item/…", caption="扫码在线办理")
    doc.write(path)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.documents import personal
from core.documents.fonts import Font, find_font
from core.documents.parts import FlowStep, Footer, PageSetup, PersonalData
from core.documents.write import write_atomic
from core.i18n import _

if TYPE_CHECKING:
    from core.documents.page import Styles

# Names the place of a text in an error sentence, looked up only when one is raised.
Where = Callable[[], str]


def _footer() -> str:
    return _("the page footer")


def _fields() -> str:
    return _("the item details")


def _row(index: int) -> Where:
    return lambda: _("table row {row}").format(row=index)


def _flow() -> str:
    return _("the flow chart")


# One piece of the recipe: given the render context, the flowables to lay out.
Part = Callable[["RenderContext"], list[Any]]


class RenderContext:
    """What a part needs to make its flowables: the font, the styles, the text width."""

    def __init__(self, font: str, styles: Styles, width: float, height: float) -> None:
        self.font = font
        self.styles = styles
        self.width = width
        self.height = height


class Document:
    def __init__(
        self,
        *,
        title: str,
        footer: Footer,
        page: PageSetup | None = None,
        font: Font | None = None,
        personal_data: PersonalData = PersonalData.MASK,
    ) -> None:
        """``font`` defaults to ``find_font()``; pass ``font_from_settings(...)`` to honour
        the site's setting. Raises ``FontMissing`` / ``DocumentError`` at once if none."""
        self.font = font or find_font()
        self.page = page or PageSetup()
        self.personal_data = personal_data
        self.title = self._text(title, lambda: _("the title"))
        self.footer = Footer(
            site=self._text(footer.site, _footer),
            catalog_version=self._text(footer.catalog_version, _footer),
            document_id=self._text(footer.document_id, _footer),
            printed_at=footer.printed_at,
        )
        header = self._text(self.page.header, lambda: _("the page header"))
        self.page = dataclasses.replace(self.page, header=header)
        self._parts: list[Part] = []
        self._at_page_start = True

    # -- checking text -----------------------------------------------------------------
    def _text(self, text: str, where: Where) -> str:
        """``text`` as it will be printed; ``where`` names the place for an error
        (a callable, so the common case costs no translation lookup)."""
        cleaned = personal.apply(text, self.personal_data, where)
        self.font.require(cleaned)
        return cleaned

    def _add(self, part: Part, *, starts_page: bool = False) -> Document:
        self._parts.append(part)
        self._at_page_start = starts_page
        return self

    # -- the pieces ----------------------------------------------------------------------
    def title_block(self, text: str) -> Document:
        """A centred title (the document's name at the top of its first page)."""
        checked = self._text(text, lambda: _("the title"))
        return self._add(lambda ctx: [_paragraph(checked, ctx.styles.title)])

    def heading(self, text: str, level: int = 1) -> Document:
        """A heading, level 1–3; kept on the same page as what follows it."""
        checked = self._text(text, lambda: _("a heading"))

        def part(ctx: RenderContext) -> list[Any]:
            style = {1: ctx.styles.h1, 2: ctx.styles.h2}.get(level, ctx.styles.h3)
            flowable = _paragraph(checked, style)
            flowable.keepWithNext = True
            return [flowable]

        return self._add(part)

    def paragraph(self, text: str, *, small: bool = False) -> Document:
        """Body text (``small``: a grey note); line breaks in ``text`` are kept."""
        checked = self._text(text, lambda: _("a paragraph"))
        return self._add(
            lambda ctx: [_paragraph(checked, ctx.styles.small if small else ctx.styles.body)]
        )

    def bullets(self, items: Iterable[str]) -> Document:
        """A list, one bullet per item."""
        checked = [self._text(item, lambda: _("a list")) for item in items]
        return self._add(lambda ctx: [_paragraph("• " + item, ctx.styles.body) for item in checked])

    def fields(self, pairs: Iterable[tuple[str, str]], *, label_width: float = 0.28) -> Document:
        """Label/value rows (事项编码 …), labels shaded; ``label_width`` a fraction."""
        checked = [(self._text(k, _fields), self._text(v, _fields)) for k, v in pairs]

        def part(ctx: RenderContext) -> list[Any]:
            from core.documents.tables import make_fields

            return [
                make_fields(
                    checked, width=ctx.width, styles=ctx.styles, label_fraction=label_width
                ),
                _space(3),
            ]

        return self._add(part)

    def table(
        self,
        header: Sequence[str] | None,
        rows: Iterable[Sequence[object]],
        *,
        widths: Sequence[float] | None = None,
    ) -> Document:
        """A table over the text width; splits between (or inside) rows across pages,
        the header row repeated on each. ``widths``: fractions of the width per column."""
        head = [self._text(h, lambda: _("a table header")) for h in header] if header else None
        body = [
            [self._text(str(cell), _row(index)) for cell in row]
            for index, row in enumerate(rows, start=1)
        ]
        chosen = list(widths) if widths else None

        def part(ctx: RenderContext) -> list[Any]:
            from core.documents.tables import make_table

            return [
                make_table(head, body, width=ctx.width, styles=ctx.styles, fractions=chosen),
                _space(3),
            ]

        return self._add(part)

    def flow(self, steps: Sequence[FlowStep]) -> Document:
        """The procedure as boxes and arrows; steps with ``counts=False`` drawn apart."""
        checked = [
            FlowStep(self._text(s.name, _flow), self._text(s.time_limit, _flow), s.counts)
            for s in steps
        ]

        def part(ctx: RenderContext) -> list[Any]:
            from core.documents.flow import FlowChart

            return [FlowChart(checked, ctx.font), _space(3)]

        return self._add(part)

    def qr(
        self, data: str, *, caption: str = "", size_mm: float = 30.0, align: str = "center"
    ) -> Document:
        """A QR code for ``data`` (a URL), with a caption under it."""
        # A code's content is read by a phone, not a person: masking would break the
        # link, so personal data in it is refused whatever the document's policy.
        personal.apply(data, PersonalData.REFUSE, lambda: _("the QR code"))
        text = self._text(caption, lambda: _("the QR code"))

        def part(ctx: RenderContext) -> list[Any]:
            from core.documents.qr import QrCode

            return [QrCode(data, ctx.font, size_mm=size_mm, caption=text, align=align)]

        return self._add(part)

    def bookmark(self, title: str, *, key: str, level: int = 0) -> Document:
        """A PDF bookmark (outline entry) here; ``level`` 0 is the top, each entry at
        most one level below the one before. ``key`` names it for ``contents``."""
        checked = self._text(title, lambda: _("a bookmark"))

        def part(ctx: RenderContext) -> list[Any]:
            from core.documents.outline import Bookmark

            return [Bookmark(key, checked, level)]

        return self._add(part, starts_page=self._at_page_start)

    def contents(self, entries: Sequence[tuple[str, str, int]]) -> Document:
        """A table of contents: one line per (title, bookmark key, level) with the page
        number of that bookmark, filled in when the document is saved (one layout)."""
        checked = [(self._text(t, lambda: _("the contents")), k, lvl) for t, k, lvl in entries]

        def part(ctx: RenderContext) -> list[Any]:
            from core.documents.outline import ContentsLine

            return [ContentsLine(t, k, lvl, ctx.font) for t, k, lvl in checked]

        return self._add(part)

    def qr_grid(
        self, entries: Sequence[tuple[str, str]], *, columns: int = 4, size_mm: float = 32.0
    ) -> Document:
        """QR codes (data, caption) in a grid of ``columns``, split between rows
        across pages: a wall sheet of codes."""
        for data, _caption in entries:
            personal.apply(data, self.personal_data, lambda: _("the QR code"))
        checked = [(d, self._text(c, lambda: _("the QR code"))) for d, c in entries]

        def part(ctx: RenderContext) -> list[Any]:
            from core.documents.outline import qr_grid

            return [
                qr_grid(checked, font=ctx.font, width=ctx.width, columns=columns, size_mm=size_mm)
            ]

        return self._add(part)

    def spacer(self, height_mm: float) -> Document:
        return self._add(lambda ctx: [_space(height_mm)])

    def page_break(self) -> Document:
        def part(ctx: RenderContext) -> list[Any]:
            from reportlab.platypus import PageBreak

            return [PageBreak()]

        return self._add(part, starts_page=True)

    def section(self, document_id: str, *, new_page: bool = True) -> Document:
        """Start a section (one item of a handbook): pages from here on print
        ``document_id`` in their footer; ``new_page`` starts it on a fresh page."""
        if new_page and not self._at_page_start:
            self.page_break()
        first = self._at_page_start
        checked = self._text(document_id, _footer)

        def part(ctx: RenderContext) -> list[Any]:
            from core.documents.page import SectionMark

            return [SectionMark(checked, first_on_page=first)]

        return self._add(part, starts_page=first)

    def add(self, make: Part) -> Document:
        """Escape hatch: ``make(ctx)`` returns reportlab flowables built with
        ``ctx.font`` / ``ctx.styles``. Text in them is not checked: prefer the pieces above."""
        return self._add(make)

    # -- output --------------------------------------------------------------------------
    def build(self) -> bytes:
        """Render the PDF; raises ``LayoutFailed`` if a part cannot fit any page."""
        from core.documents.page import frame_size, make_styles, render

        width, height = frame_size(self.page)
        ctx = RenderContext(self.font.name, make_styles(self.font.name), width, height)
        flowables: list[Any] = []
        for part in self._parts:
            flowables.extend(part(ctx))
        return render(
            flowables, setup=self.page, footer=self.footer, font=self.font.name, title=self.title
        )

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Render and write to ``path`` atomically (temporary file, then rename)."""
        return write_atomic(path, self.build())


def _paragraph(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    from core.documents.tables import markup

    return Paragraph(markup(text), style)


def _space(height_mm: float) -> Any:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    return Spacer(1, height_mm * mm)
