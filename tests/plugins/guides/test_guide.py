"""An item's guide and a bundle's, made for real and read back with poppler and zbar."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from core.catalog import store
from core.catalog.schema import ITEM
from core.documents import DocumentError
from core.runtime import Runtime
from plugins.guides import render, service
from tests.core.documents import pdf
from tests.plugins.guides.conftest import FOOD


def _write(tmp_path: Path, data: bytes, name: str = "guide.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _flat(path: Path) -> str:
    """The PDF's text in reading order with spaces and line breaks gone (table cells
    wrap; -layout would interleave the lines of neighbouring cells)."""
    out = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"\s+", "", out)


def test_chosen_situation_only_with_materials_in_plain_words(
    guides_runtime: Runtime, tmp_path: Path
) -> None:
    item, data = render.item_guide(guides_runtime, FOOD, ["S1"])
    path = _write(tmp_path, data)
    text = _flat(path)
    assert "食品经营许可（新设）办事指南" in text
    s1, s2 = item["situations"]
    assert all(re.sub(r"\s+", "", c) in text for c in s1["conditions"])
    assert not any(re.sub(r"\s+", "", c) in text for c in s2["conditions"])
    for m in item["materials"]:
        name = re.sub(r"\s+", "", m["name"])
        assert (name in text) == (not m["situations"] or "S1" in m["situations"]), m["name"]
    assert "带原件" in text and "带复印件" in text and "不用带，窗口调取" in text
    assert "法定办结时限10个工作日" in text and "承诺办结时限3个工作日" in text
    assert "最多跑1次" in text and "不收费" in text
    assert "0533-2186021" in text  # the item's enquiry phone
    # the flow chart, with the step outside the deadline apart and said so
    assert "不计入法定办结时限的环节" in text and "现场核查" in text
    # the glossary explains terms the guide uses
    assert "受理：窗口收下您的材料，开始办理" in text


def test_fonts_embedded_qr_opens_the_item_online_nothing_off_the_page(
    guides_runtime: Runtime, tmp_path: Path
) -> None:
    item, data = render.item_guide(guides_runtime, FOOD, ["S2"])
    path = _write(tmp_path, data)
    fonts = pdf.fonts(path)
    assert fonts and all(f.embedded for f in fonts), fonts
    found = []
    for page in range(1, pdf.page_count(path) + 1):
        found += pdf.decode_qr(path, page, tmp_path)
    assert found == [item["online_url"]]
    assert pdf.ink_in_margins(path, tmp_path, side_mm=10) == []


def test_every_page_footer_names_site_time_catalog_version_code_and_page(
    guides_runtime: Runtime, tmp_path: Path
) -> None:
    _item, data = render.item_guide(guides_runtime, FOOD, [])
    path = _write(tmp_path, data)
    pages = pdf.page_count(path)
    version = store.catalog_version()
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}-\d{4}", version)
    for page in range(1, pages + 1):
        text = pdf.text(path, page)
        assert "张店区政务服务中心" in text and "打印时间" in text
        assert f"目录版本 {version}" in text and f"编号 {FOOD}" in text
        assert f"第 {page} 页 / 共 {pages} 页" in text


def _big_item() -> dict[str, Any]:
    item = dict(store.get_item(FOOD) or {})
    item["code"] = "TEST-60"
    item["name"] = "六十份材料的事项"
    item["materials"] = [
        {
            "key": f"m{n}",
            "name": f"第{n}份材料",
            "form": "原件",
            "copies": 1,
            "source": "申请人",
            "basis": "",
            "sample": "",
            "required": True,
            "situations": [],
        }
        for n in range(1, 61)
    ]
    return item


def test_sixty_materials_span_pages_with_the_table_header_repeated(
    guides_runtime: Runtime, tmp_path: Path
) -> None:
    store.upsert(ITEM, _big_item())
    _item, data = render.item_guide(guides_runtime, "TEST-60")
    path = _write(tmp_path, data)
    pages_with_materials = [
        p
        for p in range(1, pdf.page_count(path) + 1)
        if re.search(r"第\d+份材料", pdf.text(path, p))
    ]
    assert len(pages_with_materials) >= 2
    for page in pages_with_materials:
        assert re.search(r"序号\s+材料\s+怎么准备\s+份数", pdf.text(path, page)), page
    text = _flat(path)
    assert all(f"第{n}份材料" in text for n in range(1, 61))


def test_item_without_steps_or_materials_still_prints_and_says_so(
    guides_runtime: Runtime, tmp_path: Path
) -> None:
    item = _big_item()
    item.update(code="TEST-EMPTY", name="空事项", materials=[], steps=[], situations=[])
    store.upsert(ITEM, item)
    _item, data = render.item_guide(guides_runtime, "TEST-EMPTY")
    text = _flat(_write(tmp_path, data))
    assert "空事项办事指南" in text
    assert "目录中没有列出本事项的申请材料，请向窗口咨询。" in text
    assert "目录中没有列出本事项的办理步骤，请向窗口咨询。" in text
    assert "目录中没有列出本事项的办理条件，请向窗口咨询。" in text


def test_glossary_is_catalog_data(guides_runtime: Runtime, tmp_path: Path) -> None:
    store.upsert("catalog.term", {"code": "部门共享", "plain": "不用带，我们替您调取"})
    _item, data = render.item_guide(guides_runtime, FOOD, ["S1"])
    text = _flat(_write(tmp_path, data))
    assert "不用带，我们替您调取" in text and "不用带，窗口调取" not in text


def test_bundle_lists_items_in_order_and_a_shared_material_once(
    guides_runtime: Runtime, tmp_path: Path
) -> None:
    bundle, data = render.bundle_guide(guides_runtime, "开饭店")
    path = _write(tmp_path, data)
    text = _flat(path)
    items = store.get_items(bundle["items"])
    # one flow: the items as steps, numbered in the bundle's order
    names = [re.sub(r"\s+", "", i["name"]) for i in items]
    positions = [text.index(f"{n}.{name}") for n, name in enumerate(names, 1)]
    assert positions == sorted(positions)
    # operator_id is asked for by several of the bundle's items: listed once
    name = next(m["name"] for i in items for m in i["materials"] if m["key"] == "operator_id")
    users = [
        n for n, i in enumerate(items, 1) if any(m["key"] == "operator_id" for m in i["materials"])
    ]
    assert len(users) >= 2
    assert text.count(re.sub(r"\s+", "", name)) == 1
    assert "、".join(f"第{n}项" for n in users) in text
    assert f"编号 {bundle['code']}" in pdf.text(path, 1)
    assert all(f.embedded for f in pdf.fonts(path))


def test_unknown_code_bad_situation_and_bad_url_setting_are_sentences(
    guides_runtime: Runtime,
) -> None:
    with pytest.raises(service.GuideError, match="事项编码 NO-SUCH 不在本机的事项目录中"):
        render.item_guide(guides_runtime, "NO-SUCH")
    with pytest.raises(service.GuideError, match="S9"):
        render.item_guide(guides_runtime, FOOD, ["S9"])
    guides_runtime.config.plugin_settings["guides"] = {"qr_url_template": "ftp://x/{code}"}
    with pytest.raises(service.GuideError, match="qr_url_template"):
        render.item_guide(guides_runtime, FOOD)


def test_a_missing_font_is_a_sentence(guides_runtime: Runtime, tmp_path: Path) -> None:
    guides_runtime.config.plugin_settings["documents"] = {"font": str(tmp_path / "no.ttc")}
    with pytest.raises(DocumentError) as caught:
        render.item_guide(guides_runtime, FOOD)
    assert "no.ttc" in str(caught.value)
