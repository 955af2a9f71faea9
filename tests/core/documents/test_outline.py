"""Bookmarks, a table of contents whose page numbers are filled in at save, A3 paper
and a grid of QR codes: read back with poppler (pdftohtml's outline, pdftotext)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from core.documents import Document, Footer, PageSetup, PaperSize
from tests.core.documents import pdf


def outline(path: Path) -> list[tuple[str, int]]:
    """(title, page) of every bookmark, in order, as a PDF viewer lists them."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [(t, int(p)) for p, t in re.findall(r'<item page="(\d+)">([^<]*)</item>', xml)]


def test_contents_print_the_pages_the_bookmarks_land_on(tmp_path: Path) -> None:
    doc = Document(title="手册", footer=Footer(site="张店区政务服务中心"))
    chapters = [(f"第{n}章 事项{n}", f"c{n}", 0) for n in range(1, 6)]
    doc.title_block("手册")
    doc.contents(chapters)
    for n, (title, key, _level) in enumerate(chapters, 1):
        doc.section(f"ID-{n}")
        doc.bookmark(title, key=key)
        doc.heading(title)
        # chapter n takes n pages, so the numbers are not simply consecutive
        doc.paragraph("正文。" * 700 * n)
    path = doc.write(tmp_path / "book.pdf")
    marks = outline(path)
    assert [t for t, _p in marks] == [t for t, _k, _l in chapters]
    pages = [p for _t, p in marks]
    assert pages[0] == 2 and all(
        b - a >= n for n, (a, b) in enumerate(zip(pages, pages[1:], strict=False), 1)
    )
    contents = pdf.text(path, 1)
    for title, page in marks:
        assert re.search(rf"{title}\s.*\b{page}\s*$", contents, re.M), (title, page, contents)
    for title, page in marks:  # each bookmark opens the page its chapter starts on
        assert title in pdf.text(path, page)


def test_a3_sheet_of_qr_codes_decodes_every_code(tmp_path: Path) -> None:
    urls = [f"https://zwfw.example.cn/guide/370303-X-{n:03d}" for n in range(12)]
    doc = Document(
        title="扫码墙", footer=Footer(site="张店区政务服务中心"), page=PageSetup(size=PaperSize.A3)
    )
    doc.qr_grid([(u, f"事项{n}") for n, u in enumerate(urls)], columns=6, size_mm=40)
    path = doc.write(tmp_path / "wall.pdf")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "841.89 x 1190.55" in info  # A3 in points
    assert sorted(pdf.decode_qr(path, 1, tmp_path)) == sorted(urls)
    assert "事项11" in pdf.text(path, 1)
    assert pdf.ink_in_margins(path, tmp_path, side_mm=10) == []
