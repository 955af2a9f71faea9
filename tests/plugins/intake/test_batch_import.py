"""Batch files as applicants fill them: every bad row refused with its column named,
the good rows kept, the refused ones in an error file beside the input."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.runtime import Runtime
from plugins.intake import batch_import
from plugins.intake.batch_import import BatchError
from plugins.intake.batch_models import BatchProblem, BatchRow, IntakeBatch
from tests.conftest import make_runtime
from tests.plugins.intake.batch_files import csv_file, workbook
from tests.plugins.intake.helpers import FOOD, GOOD_ID, good_uscc

S1 = "仅销售预包装食品（含保健食品等特殊食品）"
S2 = "含热食类食品制售"
HEADER = [
    "姓名/单位名称",
    "证件号码/统一社会信用代码",
    "法定代表人",
    "手机号码",
    "申请日期",
    S1,
    S2,
]
ID_COL = "证件号码/统一社会信用代码"
TODAY = dt.date(2026, 12, 7)


def person_id(n: int) -> str:
    from stdnum.cn import ric

    body = f"37030319800101{n:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def batch_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["lookup", "intake"])
    rt.config.plugin_settings["intake"] = {"batch_inbox": False}
    rt.apply_policy()
    rt.startup()
    assert "intake" in rt.host.loaded(), rt.host.plugins["intake"].error
    yield rt
    rt.shutdown()


def problems_by_row(result: batch_import.ImportResult) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for p in result.problems:
        found.setdefault(p.row_no, set()).add(p.column)
    return found


def test_a_gbk_csv_refuses_the_bad_rows_naming_the_column_and_keeps_the_rest(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    bad_check = GOOD_ID[:-1] + ("5" if GOOD_ID[-1] != "5" else "6")
    rows = [
        [*HEADER, "备注"],
        ["张三", GOOD_ID, "", "13812345678", "46357", "是", "否", "老客户"],  # 2 good
        ["李四", bad_check, "", "13812345679", "", "是", "", ""],  # 3 check character
        ["淄博甲公司", good_uscc()[:-1] + "I", "王五", "13812345670", "", "", "是", ""],  # 4
        ["", person_id(2), "", "13812345671", "", "是", "", ""],  # 5 empty name
        ["张三", GOOD_ID, "", "13812345678", "", "是", "否", ""],  # 6 duplicate of 2
        ["赵六", person_id(3), "", "1381234", "", "是", "", ""],  # 7 short mobile
        ["淄博乙公司", good_uscc(), "", "13812345672", "", "", "是", ""],  # 8 no legal rep
        ["淄博丙公司", good_uscc(), "钱七", "13812345673", "2026年11月30日", "", "是", ""],  # 9
        ["孙八", person_id(4), "", "13812345674", "", "可能", "", ""],  # 10 situation
        ["周九", person_id(5), "", "13812345675", "", "", "", ""],  # 11 no situation
        ["", "", "", "", "", "", "", ""],  # blank: skipped
        ["吴十", person_id(6), "", "13812345676", "2027-01-01", "是", "", ""],  # 13 future
    ]
    path = csv_file(tmp_path / "名单.csv", rows, "gbk")
    result = batch_import.import_file(batch_runtime, path, item_code=FOOD, today=TODAY)
    assert result.encoding == "GBK"
    assert result.ignored_columns == ["备注"]
    assert problems_by_row(result) == {
        3: {ID_COL},
        4: {ID_COL},
        5: {"姓名/单位名称"},
        6: {ID_COL},
        7: {"手机号码"},
        8: {"法定代表人"},
        10: {S1},
        11: {f"{S1}、{S2}"},
        13: {"申请日期"},
    }
    messages = {p.row_no: p.message for p in result.problems}
    assert "校验" in messages[3] and "第 2 行" in messages[6] and "I" in messages[4]
    assert result.total_rows == 11 and result.good_rows == 2 and result.bad_rows == 9
    batch = result.batch
    assert batch is not None and batch.item_code == FOOD
    kept = {r.row_no: r for r in BatchRow.select().where(BatchRow.batch_id == batch.id)}
    assert sorted(kept) == [2, 9]
    assert kept[2].applicant_kind == "person" and kept[2].situations == '["S1"]'
    assert kept[2].applied_on == dt.date(2026, 12, 1)  # the Excel serial 46357
    assert kept[9].applicant_kind == "org" and kept[9].legal_rep == "钱七"
    assert BatchProblem.select().where(BatchProblem.batch_id == batch.id).count() == 9
    # The error file beside the input: every refused row, its column, its reason and cells.
    assert result.error_file == tmp_path / "名单-错误行.csv"
    lines = list(csv.reader(io.StringIO(result.error_file.read_bytes().decode("utf-8-sig"))))
    assert lines[0][:3] == ["行号", "出错的列", "问题"] and lines[0][3:] == [*HEADER, "备注"]
    assert [line[0] for line in lines[1:]] == ["3", "4", "5", "6", "7", "8", "10", "11", "13"]
    assert lines[2][1] == ID_COL and "不会出现" in lines[2][2] and lines[2][3] == "淄博甲公司"


def test_a_utf8_workbook_with_title_merged_cells_formulas_and_serial_dates(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    rows = [
        ["食品经营许可 批量申报名单"],  # a title above the header
        HEADER,
        ["淄博甲公司", good_uscc(), "王五", None, 46300, "", "是"],  # 3: mobile by formula
        ["淄博乙公司", "91370303MA3C4XY201", None, "13812345680", 46300.0, "", "是"],  # 4 merged
        ["张三", 370303198001011234, "", "13812345681", None, "是", ""],  # 5 ID as a number
        ["李四", person_id(7), "", "13812345682", "下周", "是", ""],  # 6 not a date
    ]
    from stdnum.cn import uscc

    rows[3][1] = "91370303MA3C4XY20" + uscc.calc_check_digit("91370303MA3C4XY20")
    path = workbook(
        tmp_path / "名单.xlsx",
        rows,
        merges=("A1:G1", "C3:C4"),
        formulas={"D3": ('="1381234"&"5679"', "13812345679")},
        subject=FOOD,
    )
    result = batch_import.import_file(batch_runtime, path, today=TODAY)  # item from the subject
    assert result.item["code"] == FOOD and result.merged_cells == 7
    assert problems_by_row(result) == {5: {ID_COL}, 6: {"申请日期"}}
    assert "文本" in next(p.message for p in result.problems if p.row_no == 5)
    assert result.batch is not None
    kept = {r.row_no: r for r in BatchRow.select().where(BatchRow.batch_id == result.batch.id)}
    assert kept[3].mobile == "13812345679"  # the value Excel saved with the formula
    assert kept[4].legal_rep == "王五"  # the merged cell's value
    assert kept[3].applied_on == dt.date(2026, 10, 5)  # Excel: 45658 is 2025-01-01
    assert result.error_file == tmp_path / "名单-错误行.xlsx"
    from openpyxl import load_workbook

    sheet = load_workbook(result.error_file).active
    assert [c.value for c in sheet[1]][:3] == ["行号", "出错的列", "问题"]
    assert [c.value for c in sheet["A"]][1:] == [5, 6]


def test_a_missing_column_refuses_the_file_naming_it_and_keeps_nothing(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    rows = [["姓名", "身份证号", S1, S2], ["张三", GOOD_ID, "是", ""]]
    path = workbook(tmp_path / "缺列.xlsx", rows)
    with pytest.raises(BatchError) as refused:
        batch_import.import_file(batch_runtime, path, item_code=FOOD)
    assert "手机号码" in str(refused.value)
    assert IntakeBatch.select().count() == 0


def test_the_same_file_twice_is_refused_naming_the_first_batch(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    rows = [HEADER, ["张三", GOOD_ID, "", "13812345678", "", "是", ""]]
    path = csv_file(tmp_path / "a.csv", rows, "utf-8-sig")
    first = batch_import.import_file(batch_runtime, path, item_code=FOOD)
    assert first.batch is not None and first.encoding == "UTF-8 BOM" and first.error_file is None
    with pytest.raises(BatchError) as again:
        batch_import.import_file(batch_runtime, path, item_code=FOOD)
    assert first.batch.batch_no in str(again.value)


def test_a_file_without_an_item_says_how_to_name_one(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "名单.csv", [HEADER], "utf-8")
    with pytest.raises(BatchError) as refused:
        batch_import.import_file(batch_runtime, path)
    assert "事项" in str(refused.value)
    named = csv_file(
        tmp_path / f"{FOOD} 名单.csv",
        [HEADER, ["张三", GOOD_ID, "", "13812345678", "", "是", ""]],
        "utf-8",
    )
    assert batch_import.import_file(batch_runtime, named).item["code"] == FOOD


def test_an_unwritable_folder_gets_the_error_file_in_the_exports_folder(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    rows = [
        HEADER,
        ["张三", GOOD_ID, "", "138", "", "是", ""],
        ["李四", person_id(9), "", "13812345678", "", "是", ""],
    ]
    path = csv_file(tmp_path / "名单.csv", rows, "utf-8")
    blocker = tmp_path / "stick"  # a file where the folder should be: nothing can be written
    blocker.write_text("")
    result = batch_import.import_file(batch_runtime, path, item_code=FOOD, error_dir=blocker)
    assert result.error_file_elsewhere
    assert result.error_file == Path(batch_runtime.paths.exports_dir) / "名单-错误行.csv"
    assert "手机号码" in result.error_file.read_text(encoding="utf-8-sig")


def test_a_row_fixed_on_screen_is_checked_again_and_kept(
    batch_runtime: Runtime, tmp_path: Path
) -> None:
    rows = [
        HEADER,
        ["张三", GOOD_ID, "", "13812345678", "", "是", ""],
        ["李四", person_id(9), "", "138", "", "是", ""],
    ]
    path = csv_file(tmp_path / "名单.csv", rows, "utf-8")
    result = batch_import.import_file(batch_runtime, path, item_code=FOOD)
    assert result.batch is not None
    same = batch_import.fix_row(
        result.batch, 3, {"证件号码/统一社会信用代码": GOOD_ID, "手机号码": "13912345678"}
    )
    assert [p.column for p in same] == ["证件号码/统一社会信用代码"]  # row 2's number
    assert batch_import.fix_row(result.batch, 3, {"手机号码": "13912345678"}) == []
    kept = BatchRow.get((BatchRow.batch_id == result.batch.id) & (BatchRow.row_no == 3))
    assert kept.mobile == "13912345678" and kept.name == "李四"
    assert IntakeBatch.get_by_id(result.batch.id).good_rows == 2
    with pytest.raises(BatchError):
        batch_import.fix_row(result.batch, 3, {})
