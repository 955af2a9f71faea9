"""The handbook (cover, contents, bookmarks, items by audience and department) and
the QR wall, read back with poppler and zbar."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from core.catalog import store
from core.runtime import Runtime
from plugins.guides import render, service
from tests.core.documents import pdf


def outline(path: Path) -> list[tuple[str, int]]:
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [(t, int(p)) for p, t in re.findall(r'<item page="(\d+)">([^<]*)</item>', xml)]


def test_handbook_ranks_by_usage_at_this_site(guides_runtime: Runtime, tmp_path: Path) -> None:
    items = list(store.iter_items())
    busy = [items[40]["code"], items[7]["code"], items[90]["code"]]
    for n, code in enumerate(busy):
        store.bump_usage(code, 30 - n)
    selection, data = render.handbook(guides_runtime, top=12)
    assert [i["code"] for i in selection.items[:3]] == busy
    assert selection.counted == 3 and "3" in selection.note
    path = tmp_path / "book.pdf"
    path.write_bytes(data)

    cover = pdf.text(path, 1)
    assert "《审批服务高频事项办事指南》" in cover and "共 12 项" in cover
    marks = outline(path)
    titles = [t for t, _p in marks]
    for item in selection.items:
        assert item["name"] in titles
    assert {"个人办事", "企业办事"} & set(titles)
    contents = pdf.text(path, 2)
    assert "目录" in contents
    pages = pdf.page_count(path)
    for title, page in marks:
        # the contents name the page each bookmark opens, and that page holds it
        assert re.search(rf"{re.escape(title)}\s.*\b{page}\s*$", contents, re.M), title
        assert title in pdf.text(path, page)
    for item in selection.items:
        page = dict(marks)[item["name"]]
        text = pdf.text(path, page)
        assert f"编号 {item['code']}" in text and f"共 {pages} 页" in text
    assert pdf.ink_in_margins(path, tmp_path, side_mm=10) == []  # contents lines too
    # the words explained once, at the end of the book, not after every item
    assert pdf.text(path).count("看不懂的词") == 1
    assert "看不懂的词" in pdf.text(path, pages) and "受理：" in pdf.text(path, pages)


def test_handbook_of_a_category_groups_by_audience(guides_runtime: Runtime, tmp_path: Path) -> None:
    selection, data = render.handbook(guides_runtime, top=100, category="市场监管")
    assert selection.items and all(i["department"] == "scjg" for i in selection.items)
    path = tmp_path / "market.pdf"
    path.write_bytes(data)
    titles = [t for t, _p in outline(path)]
    groups = [t for t in titles if t.endswith("办事")]
    assert groups == [g for g in ("个人办事", "企业办事", "个人和企业办事") if g in groups]
    with pytest.raises(service.GuideError, match="没有属于 火星局 的事项"):
        render.handbook(guides_runtime, top=5, category="火星局")


def test_qr_wall_codes_open_each_items_online_guide(
    guides_runtime: Runtime, tmp_path: Path
) -> None:
    guides_runtime.config.plugin_settings["guides"] = {
        "qr_url_template": "https://guide.example.cn/item/{code}?from=wall"
    }
    selection, data = render.qrwall(guides_runtime, top=20, paper="A4")
    path = tmp_path / "wall.pdf"
    path.write_bytes(data)
    expected = {f"https://guide.example.cn/item/{i['code']}?from=wall" for i in selection.items}
    found: set[str] = set()
    for page in range(1, pdf.page_count(path) + 1):
        found |= set(pdf.decode_qr(path, page, tmp_path))
    assert found == expected
    text = re.sub(r"\s+", "", pdf.text(path))
    assert all(re.sub(r"\s+", "", i["name"])[:6] in text for i in selection.items)
    assert pdf.ink_in_margins(path, tmp_path, side_mm=10) == []
