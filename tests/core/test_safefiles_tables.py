"""Reading intake spreadsheets and CSV from outside: encodings detected, unreadable
files refused with a sentence, merged cells and formulas read as a person sees them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from core.safefiles import FileRefused, cell_date, decode_text, read_table
from tests.plugins.intake.batch_files import csv_file, workbook

ROWS = [["姓名", "手机号码"], ["张三", "13812345678"], ["李䶮", "13912345678"]]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 BOM"), ("gb18030", "GB18030"), ("utf-16", "UTF-16")],
)
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, label: str) -> None:
    table = read_table(csv_file(tmp_path / "a.csv", ROWS, encoding))
    assert table.kind == "csv" and table.encoding == label
    assert table.rows[2] == (3, ["李䶮", "13912345678"])


def test_gbk_is_named_gbk_and_a_gb18030_only_character_is_gb18030() -> None:
    assert decode_text("张三,13812345678".encode("gbk")) == ("张三,13812345678", "GBK")
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")  # only in GB18030: the file above cannot be GBK
    assert decode_text("䶮".encode("gb18030"))[1] == "GB18030"


def test_unreadable_files_get_a_sentence_and_nothing_is_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.xlsx"
    with huge.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    pdf = tmp_path / "scan.csv"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    expected = {
        empty: "是空的",
        huge: "太大",
        pdf: "不是电子表格",
        old: "另存为",
        locked: "密码",
        fake: "不是可读取的 Excel 工作簿",
    }
    for path, words in expected.items():
        with pytest.raises(FileRefused) as refused:
            read_table(path)
        assert words in str(refused.value), (path.name, str(refused.value))
        assert "Traceback" not in str(refused.value)


def test_merged_cells_carry_the_top_left_value_and_formulas_their_saved_value(
    tmp_path: Path,
) -> None:
    path = workbook(
        tmp_path / "m.xlsx",
        [["单位", "姓名", "手机"], ["淄博甲公司", "张三", None], [None, "李四", "13912345678"]],
        merges=("A2:A3",),
        formulas={"C2": ('="1381234"&"5678"', "13812345678")},
    )
    table = read_table(path)
    assert table.merged_cells == 1
    assert table.rows[1] == (2, ["淄博甲公司", "张三", "13812345678"])
    assert table.rows[2] == (3, ["淄博甲公司", "李四", "13912345678"])


def test_dates_as_serials_text_and_dates() -> None:
    assert cell_date(46357) == dt.date(2026, 12, 1)
    assert cell_date(46357.0) == dt.date(2026, 12, 1)
    assert cell_date("46357") == dt.date(2026, 12, 1)
    assert cell_date("2026年12月1日") == dt.date(2026, 12, 1)
    assert cell_date("2026/12/1") == dt.date(2026, 12, 1)
    assert cell_date(dt.datetime(2026, 12, 1, 9, 30)) == dt.date(2026, 12, 1)
    assert cell_date("2026-02-30") is None
    assert cell_date("下周一") is None
    assert cell_date(True) is None


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "a.csv", ROWS, "utf-8")
    with pytest.raises(FileRefused):
        read_table(path, max_bytes=os.path.getsize(path) - 1)
