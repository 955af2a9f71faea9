"""Catalog files: JSON and Excel read back what was written; bad files are refused whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.catalog.formats import CatalogImportError, dump_catalog, load_catalog
from tests.core.catalog.conftest import SMALL_CATALOG


def _raw() -> dict:
    return json.loads(SMALL_CATALOG.read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: dict, name: str = "c.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    doc = load_catalog(SMALL_CATALOG)
    path = dump_catalog(doc, tmp_path / f"out{suffix}")
    again = load_catalog(path)
    assert again.to_json() == doc.to_json()
    food = next(i for i in again.items if i["name"] == "食品经营许可（新设）")
    assert [s["name"] for s in food["situations"]] == ["仅销售预包装食品", "餐饮服务"]
    assert food["materials"][2]["situations"] == ["S2"]
    assert food["materials"][1]["source"] == "部门共享"


def test_gbk_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps(_raw(), ensure_ascii=False).encode("gbk"))
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert "UTF-8" in message and "GBK" in message
    assert "未导入" in message


def test_duplicate_codes_and_unknown_references_are_all_reported(tmp_path: Path) -> None:
    raw = _raw()
    raw["items"].append(dict(raw["items"][0]))  # same code again
    raw["items"][1]["department"] = "nosuch"
    raw["bundles"][0]["items"].append("NO-SUCH-ITEM")
    raw["service_points"][2]["parent"] = "999999"
    raw["items"][2]["exercise_level"] = "地级"
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(_write(tmp_path, raw))
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "items[7]（370300-SCJG-XK-001-01）" in text and "重复" in text
    assert "nosuch" in text and "NO-SUCH-ITEM" in text and "999999" in text
    assert "exercise_level" in text and "地级" in text
    assert len(caught.value.problems) == 5


def test_missing_required_field_and_bad_material_situation(tmp_path: Path) -> None:
    raw = _raw()
    del raw["items"][0]["item_type"]
    raw["items"][1]["materials"][0]["situations"] = ["S9"]
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(_write(tmp_path, raw))
    problems = caught.value.problems
    assert any(p.column == "item_type" and "items[1]" in p.where for p in problems)
    assert any(p.column == "materials" and "S9" in p.reason for p in problems)


def test_excel_missing_column_and_bad_rows_name_sheet_row_and_column(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = dump_catalog(load_catalog(SMALL_CATALOG), tmp_path / "c.xlsx")
    book = load_workbook(path)
    items = book["items"]
    header = [c.value for c in items[1]]
    items.cell(row=3, column=header.index("code") + 1, value=items.cell(row=2, column=1).value)
    items.cell(row=4, column=header.index("legal_days") + 1, value="二十")
    book["materials"].cell(row=2, column=1, value="NO-SUCH")
    book.save(path)
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(path)
    text = str(caught.value)
    assert "工作表 items 第 3 行" in text and "code" in text
    assert "工作表 items 第 4 行" in text and "legal_days" in text
    assert "工作表 materials 第 2 行" in text and "NO-SUCH" in text

    book = load_workbook(path)
    book["departments"].delete_cols(2)  # the name column
    book.save(path)
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(path)
    assert any(p.column == "name" and "departments" in p.where for p in caught.value.problems)


def test_not_json_and_unknown_suffix(tmp_path: Path) -> None:
    bad = tmp_path / "c.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogImportError, match="JSON"):
        load_catalog(bad)
    other = tmp_path / "c.csv"
    other.write_text("a,b", encoding="utf-8")
    with pytest.raises(CatalogImportError, match=".xlsx"):
        load_catalog(other)


def test_excel_accepts_chinese_column_headings(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = dump_catalog(load_catalog(SMALL_CATALOG), tmp_path / "c.xlsx")
    book = load_workbook(path)
    chinese = {
        "code": "事项编码",
        "name": "事项名称",
        "department": "主管部门",
        "item_type": "事项类型",
    }
    for cell in book["items"][1]:
        cell.value = chinese.get(cell.value, cell.value)
    book.save(path)
    assert load_catalog(path).to_json() == load_catalog(SMALL_CATALOG).to_json()


def test_words_the_lookup_could_not_use_are_refused(tmp_path: Path) -> None:
    raw = _raw()
    raw["words"] += [
        {"code": "开饭店", "means": ""},  # an everyday word: as a filler it would hide items
        {"code": "饭铺", "means": "饭庄"},  # leads nowhere: no item says 饭庄
        {"code": "馆子", "means": "饭馆"},  # 饭馆 is itself a synonym (of 饭店)
        {"code": "生娃", "means": "生娃"},  # itself
        {"code": "！？", "means": ""},  # nothing a phrase could hold
        {"means": "饭店"},  # no word at all
    ]
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(_write(tmp_path, raw))
    problems = [str(p) for p in caught.value.problems]
    text = "\n".join(problems)
    assert len(problems) == 6, text
    assert "words[3]（开饭店）" in text and "食品经营许可（新设）" in text
    assert "饭庄" in text and "饭馆" in text and "生娃" in text
    assert "words[7]（！？）" in text
    assert "words[8]" in text and "code" in text
    # A file without any of these imports, words and all.
    assert len(load_catalog(SMALL_CATALOG).words) == 2


def test_glossary_entries_a_guide_could_not_print_are_refused(tmp_path: Path) -> None:
    raw = _raw()
    raw["glossary"] += [
        {"code": "受理", "plain": "又一次"},  # the same term twice
        {"code": "告知承诺", "plain": "告知承诺"},
        {"code": "材" * 21, "plain": "太长的术语"},
        {"code": "送达"},
        {"code": "审查", "plain": "核" * 61},
    ]
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(_write(tmp_path, raw))
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "glossary[3]（受理），code 列：编码 受理 重复" in text
    assert "glossary[4]（告知承诺），plain 列：与术语本身相同" in text
    assert "code 列：超过 20 个字" in text
    assert "glossary[6]（送达），plain 列：缺少此项" in text
    assert "glossary[7]（审查），plain 列：超过 60 个字" in text
    assert len(caught.value.problems) == 5


def test_glossary_sheet_accepts_chinese_headings(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = dump_catalog(load_catalog(SMALL_CATALOG), tmp_path / "c.xlsx")
    book = load_workbook(path)
    sheet = book["glossary"]
    sheet["A1"], sheet["B1"] = "术语", "白话"
    sheet.append(["即办件", "当场办好"])
    book.save(path)
    again = load_catalog(path)
    assert {"code": "即办件", "plain": "当场办好"} in again.glossary
    assert len(again.glossary) == 3
