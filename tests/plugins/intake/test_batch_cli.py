"""``sihao intake template|import|review|issue`` run as a user runs them: real
subprocesses on a real data directory; unreadable files are one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.documents import pdf
from tests.plugins.intake.helpers import FOOD, GOOD_ID
from tests.workstation.test_cli import sihao


@pytest.fixture
def site(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert sihao(data, "demo", "seed").returncode == 0
    assert sihao(data, "plugins", "enable", "intake").returncode == 0
    return data


def test_template_filled_imported_reviewed_and_issued(site: Path, tmp_path: Path) -> None:
    template = tmp_path / "T.xlsx"
    made = sihao(site, "intake", "template", FOOD, "--out", str(template))
    assert made.returncode == 0, made.stderr
    from openpyxl import load_workbook

    book = load_workbook(template)
    sheet = book["申报名单"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "姓名/单位名称",
        "证件号码/统一社会信用代码",
        "法定代表人",
        "手机号码",
        "申请日期",
        "仅销售预包装食品（含保健食品等特殊食品）",
        "含热食类食品制售",
    ]
    assert sheet["B2"].number_format == "@"  # 18 digits stay text in Excel
    assert book.properties.subject == FOOD and "填写说明" in book.sheetnames
    filled = [
        ["张三", GOOD_ID, None, "13812345678", None, "是", None],
        ["李四", "370303198001011235", None, "13812345679", None, "是", None],
    ]
    for row, values in enumerate(filled, start=2):  # typed under the header, as in Excel
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    book.save(template)
    imported = sihao(site, "intake", "import", str(template), "--as", "1001")
    assert imported.returncode == 0, imported.stderr
    assert "第 3 行，证件号码/统一社会信用代码 列" in imported.stdout
    assert "通过 1 行，未通过 1 行" in imported.stdout
    assert (tmp_path / "T-错误行.xlsx").exists()
    batch_no = imported.stdout.split("批次 ")[-1].split("：")[0]
    reviewed = sihao(site, "intake", "review", batch_no, "--approve", "--as", "3001")
    assert reviewed.returncode == 0, reviewed.stderr
    out = tmp_path / "certs"
    issued = sihao(site, "intake", "issue", batch_no, "--out", str(out), "--as", "1001")
    assert issued.returncode == 0, issued.stderr
    assert "本次发证 1 份，共 1 份" in issued.stdout
    assert f"{batch_no}-0001" in pdf.text(out / f"{batch_no}-0001.pdf")
    listed = sihao(site, "intake", "batches")
    assert batch_no in listed.stdout and "已发证" in listed.stdout


def test_unreadable_files_are_one_sentence_never_a_traceback(site: Path, tmp_path: Path) -> None:
    empty = tmp_path / f"{FOOD}.csv"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.xlsx"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    picture = tmp_path / "scan.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    expected = {empty: "是空的", huge: "太大", picture: "不是电子表格", locked: "密码"}
    for path, words in expected.items():
        result = sihao(site, "intake", "import", str(path), "--item", FOOD)
        assert result.returncode == 2, (path, result.stdout, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr
    unknown = sihao(site, "intake", "template", "NO-SUCH", "--out", str(tmp_path / "t.xlsx"))
    assert unknown.returncode == 2 and "NO-SUCH 不在本机的事项目录中" in unknown.stderr
    english = sihao(site, "--lang", "en", "intake", "import", str(empty), "--item", FOOD)
    assert "is empty (0 bytes)" in english.stderr
