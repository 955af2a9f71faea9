"""Hostile files are refused with a sentence before they are parsed; exports run nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from core import safefiles
from core.catalog.formats import CatalogImportError, dump_catalog, load_catalog
from core.i18n import set_language
from core.safefiles import FileRefused
from tests.core.catalog.conftest import SMALL_CATALOG

BOMB_BYTES = 300 * 1024 * 1024  # what the bomb's items sheet inflates to
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.fixture(autouse=True)
def chinese() -> None:
    set_language("zh_CN")


def zip_bomb_workbook(tmp_path: Path) -> Path:
    """A real workbook (a catalog export) whose items sheet inflates to 300 MB of rows:
    a file of a few hundred KB, as the one that took 66 s and 1.8 GB to be refused."""
    good = dump_catalog(load_catalog(SMALL_CATALOG), tmp_path / "good.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    chunk = ROW * (1024 * 1024 // len(ROW))
    with (
        zipfile.ZipFile(good) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        sheet = next(n for n in source.namelist() if n.startswith("xl/worksheets/"))
        for info in source.infolist():
            if info.filename != sheet:
                target.writestr(info, source.read(info))
        # Streamed: the test never holds 300 MB.
        with target.open(sheet, "w", force_zip64=True) as out:
            out.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            out.write(b"<sheetData>")
            for _ in range(BOMB_BYTES // len(chunk)):
                out.write(chunk)
            out.write(b"</sheetData></worksheet>")
    return bomb


def test_a_zip_bomb_workbook_is_refused_before_openpyxl_reads_it(tmp_path: Path) -> None:
    bomb = zip_bomb_workbook(tmp_path)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(bomb)
    text = str(caught.value)
    assert "bomb.xlsx 已被拒收" in text and "解压后的数据量远超正常工作簿" in text
    assert "Traceback" not in text and "BadZipFile" not in text


def test_zip_limits_are_per_member_ratio_and_total(tmp_path: Path) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (4 * 1024 * 1024))  # 4 MB into ≈ 4 KB
        archive.writestr("small.xml", b"<a/>" * 1000)  # a high ratio, but tiny: fine
    with pytest.raises(FileRefused) as caught:
        safefiles.check_zip(io.BytesIO(packed.getvalue()), name="x.xlsx")
    assert "ratio" in caught.value.detail and "zeros.bin" in caught.value.detail
    # Within a generous ratio the total still counts.
    with pytest.raises(FileRefused) as caught:
        safefiles.check_zip(
            io.BytesIO(packed.getvalue()), name="x.xlsx", max_ratio=10_000, max_total=1024 * 1024
        )
    assert "declares over" in caught.value.detail
    safefiles.check_zip(io.BytesIO(packed.getvalue()), max_ratio=10_000)  # passes


def test_a_real_workbook_passes_and_a_non_workbook_is_named(tmp_path: Path) -> None:
    good = dump_catalog(load_catalog(SMALL_CATALOG), tmp_path / "good.xlsx")
    safefiles.check_zip(good)
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CatalogImportError) as caught:
        load_catalog(fake)
    assert "fake.xlsx 不是可读取的 Excel 工作簿" in str(caught.value)


def workbook_with_items_sheet(tmp_path: Path, name: str, content: bytes) -> Path:
    good = dump_catalog(load_catalog(SMALL_CATALOG), tmp_path / "good.xlsx")
    path = tmp_path / name
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            is_items = info.filename == "xl/worksheets/sheet2.xml"
            out.writestr(info, content if is_items else source.read(info))
    return path


def test_workbook_xml_with_entities_or_cut_short_is_refused_in_a_sentence(
    tmp_path: Path,
) -> None:
    """openpyxl's XML errors (a ParseError, defusedxml's refusal) were tracebacks."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + head
        + b'<sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    cut = head + b"<sheetData>" + b"<row><c><v>1</v></c></row>" * 5000 + b"<row><c>"
    for name, content in (("laughs.xlsx", laughs), ("cut.xlsx", cut)):
        with pytest.raises(CatalogImportError) as caught:
            load_catalog(workbook_with_items_sheet(tmp_path, name, content))
        assert f"{name} 不是可读取的 Excel 工作簿" in str(caught.value)


def test_catalog_export_writes_no_live_formula_and_reads_back_unchanged(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    doc = load_catalog(SMALL_CATALOG)
    item = doc.items[0]
    item["name"] = "=cmd|' /C calc'!A0"
    item["keywords"] = ['=HYPERLINK("http://evil.example")', "@SUM(A1)", "开饭店"]
    item["place"] = "+86 0533"
    item["materials"][0]["name"] = "-1+1"
    path = dump_catalog(doc, tmp_path / "c.xlsx")

    book = load_workbook(path)  # not read-only: formulas would show as data_type "f"
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'=cmd|' /C calc'!A0" in texts and "'-1+1" in texts and "'+86 0533" in texts
    assert not any(t.startswith(safefiles.DANGEROUS_START) for t in texts)

    again = load_catalog(path)
    assert again.to_json() == doc.to_json()


def test_neutralise_and_restore() -> None:
    for text in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert safefiles.neutralise_cell(text) == "'" + text
        assert safefiles.restore_cell(safefiles.neutralise_cell(text)) == text
    assert safefiles.neutralise_cell(-3) == -3 and safefiles.neutralise_cell("0533-1") == "0533-1"
    assert safefiles.restore_cell("'quoted") == "'quoted"  # not ours: left alone


def test_deep_json_is_refused_with_a_sentence() -> None:
    for deep in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        with pytest.raises(FileRefused) as caught:
            safefiles.load_json(deep.encode(), name="deep.json")
        assert "deep.json 已被拒收" in str(caught.value) and "200" in str(caught.value)
    # 150 levels is odd but not hostile: parsed.
    nested = safefiles.load_json(b"[" * 150 + b"]" * 150)
    for _level in range(149):
        nested = nested[0]
    assert nested == []
    assert safefiles.load_json('{"a": [1, {"b": "x"}]}') == {"a": [1, {"b": "x"}]}


def test_json_errors_say_where_and_size_is_limited() -> None:
    with pytest.raises(FileRefused) as caught:
        safefiles.load_json(b'{"a": 1,\n "b": }', name="c.json")
    assert "第 2 行" in str(caught.value)
    with pytest.raises(FileRefused) as caught:
        safefiles.load_json("文".encode("gb18030") * 4, name="c.json")
    assert "GBK" in str(caught.value)
    with pytest.raises(FileRefused) as caught:
        safefiles.load_json(b"[" + b"1," * 600_000 + b"1]", name="big.json", max_bytes=1024 * 1024)
    assert "big.json 太大" in str(caught.value)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<licences>&lol3;</licences>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE l [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<licences>&secret;</licences>"""


def test_xml_entity_tricks_are_refused_plain_xml_is_read() -> None:
    for hostile in (BILLION_LAUGHS, XXE):
        with pytest.raises(FileRefused) as caught:
            safefiles.parse_xml(hostile, name="licences.xml")
        assert "licences.xml 已被拒收" in str(caught.value)
    root = safefiles.parse_xml("<licences><licence no='1'>食品经营许可证</licence></licences>")
    assert root.find("licence").text == "食品经营许可证"
    with pytest.raises(FileRefused) as caught:
        safefiles.parse_xml(b"<a><b></a>", name="bad.xml")
    assert "bad.xml 不是有效的 XML" in str(caught.value)


def test_the_sentences_follow_the_language() -> None:
    set_language("en")
    try:
        with pytest.raises(FileRefused) as caught:
            safefiles.load_json(b"[" * 1000 + b"]" * 1000, name="deep.json")
        assert str(caught.value).startswith("deep.json was refused: its lists and objects")
    finally:
        set_language("zh_CN")
