"""IT imports existing licences from a spreadsheet: every row checked, bad rows
reported by row and column, good rows kept; and loads the reminder rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from plugins.reminders import register
from plugins.reminders.server_models import Licence
from tests.plugins.reminders.conftest import SITE, uscc, write
from workstation.cli import main

HEADER = "持证人,统一社会信用代码,法定代表人,手机号,证照类型,证照编号,有效期至,发证日期\n"


def _rows(today: dt.date) -> str:
    later = (today + dt.timedelta(days=400)).isoformat()
    past = (today - dt.timedelta(days=3)).isoformat()
    return (
        HEADER
        + "\n".join(
            [
                f"淄博甲餐饮有限公司,{uscc(9001)},张三,13812345678,食品经营许可证,JY001,{later},2022-01-01",
                f"淄博乙餐饮有限公司,{uscc(9002)},李四,,食品经营许可证,JY002,{later},",  # no mobile
                f"淄博丙餐饮有限公司,{uscc(9003)},王五,13812345679,食品经营许可证,JY003,{past},",  # expired
                f"淄博丁餐饮有限公司,91370303MA3C5XXX1Y,赵六,13812345670,食品经营许可证,JY004,{later},",
                f"淄博戊餐饮有限公司,{uscc(9005)},钱七,13812345671,食品经营许可证,JY005,明年三月,",
                f"个体户孙八,370303198001011234,孙八,１３８１２３４５６７２,食品经营许可证,JY006,{later[:4]}年3月1日,",
                f"淄博己餐饮有限公司,{uscc(9007)},周九,13812345673,食品经营许可证,JY001,{later},",  # again
                ",,,,,,,",
            ]
        )
    )


def _run(url: str, *args: str) -> object:
    return CliRunner().invoke(main, ["server", "--database", url, "reminders", *args])


def test_a_gbk_csv_with_bad_rows_keeps_the_good_ones(clean: str, tmp_path: Path) -> None:
    from plugins.reminders import rules
    from server.models import utcnow

    today = rules.china_today(utcnow())
    path = write(tmp_path / "存量证照.csv", _rows(today), encoding="gbk")
    result = _run(clean, "import", str(path), "--site", SITE)
    out = result.output
    assert result.exit_code == 1, out
    assert "row 3, column 手机号: is empty: without a mobile no reminder can be sent" in out
    assert "row 4, column 有效期至: the licence expired on" in out
    assert "row 5, column 统一社会信用代码: is neither a credit code nor a resident ID" in out
    assert "row 6, column 有效期至: '明年三月' is not a date" in out
    assert "row 8, column 证照编号: the same licence as row 2" in out
    assert "2 licence(s) kept for 370303-ZWFW; 5 row(s) left out" in out
    kept = {lic.licence_no: lic for lic in Licence.select()}
    assert set(kept) == {"JY001", "JY006"}
    assert kept["JY006"].holder_kind == "person" and kept["JY006"].mobile == "13812345672"
    assert kept["JY001"].source == "import" and kept["JY001"].site_code == SITE


def test_an_xlsx_is_read_through_the_safe_reader(clean: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["'=淄博庚公司", uscc(9101), "吴十", "13812340000", "排污许可证", "PW01",
                  dt.date(2030, 5, 1), dt.date(2025, 5, 1)])  # fmt: skip
    path = tmp_path / "licences.xlsx"
    book.save(path)
    result = _run(clean, "import", str(path), "--site", SITE)
    assert result.exit_code == 0, result.output
    (lic,) = Licence.select()
    assert lic.holder_name == "=淄博庚公司"  # the apostrophe that disarmed it is taken off
    assert str(lic.valid_until) == "2030-05-01"


def test_files_that_cannot_be_imported_say_why(clean: str, tmp_path: Path) -> None:
    bomb = tmp_path / "x.xlsx"
    bomb.write_bytes(b"PK\x03\x04 not a zip")
    assert "not imported" in _run(clean, "import", str(bomb), "--site", SITE).output
    headless = write(tmp_path / "a.csv", "名字,电话\n张三,138\n")
    answer = _run(clean, "import", str(headless), "--site", SITE)
    assert answer.exit_code == 2 and "missing: 持证人, 统一社会信用代码" in answer.output
    nowhere = _run(clean, "import", str(headless), "--site", "NO-SUCH")
    assert "no site NO-SUCH" in nowhere.output
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02")
    assert "不是电子表格" in _run(clean, "import", str(binary), "--site", SITE).output
    assert Licence.select().count() == 0


def test_rules_are_loaded_whole_or_not_at_all(clean: str, tmp_path: Path) -> None:
    good = {
        "quiet_hours": {"start": "21:30", "end": "08:00"},
        "rules": [{"licence_type": "食品经营许可证", "lead_days": [60, 30, 7],
                   "renewal_item": "370300-SP-003", "mask_holder": True}],
    }  # fmt: skip
    path = write(tmp_path / "rules.json", json.dumps(good, ensure_ascii=False))
    answer = _run(clean, "rules", "load", str(path))
    assert answer.exit_code == 0, answer.output
    assert "quiet hours 21:30-08:00" in answer.output
    bad = {"rules": [{"licence_type": "排污许可证", "template": "{holder}{when}"}]}
    path = write(tmp_path / "bad.json", json.dumps(bad, ensure_ascii=False))
    answer = _run(clean, "rules", "load", str(path))
    assert answer.exit_code == 2
    assert "{when}, which is not a placeholder" in answer.output
    shown = _run(clean, "rules", "show").output
    assert "食品经营许可证\t60/30/7 days\t370300-SP-003 masked" in shown
    assert "排污许可证" not in shown
    assert register.load_rules().for_type("食品经营许可证").mask_holder


def test_opt_out_and_status(clean: str) -> None:
    code = uscc(9200)
    assert (
        "no more reminders" in _run(clean, "opt-out", code.lower(), "--reason", "本人要求").output
    )
    assert "resume" in _run(clean, "opt-in", code).output
    status = json.loads(_run(clean, "status", "--json").output)
    assert status["licences"] == 0 and status["gateway_paused_until"] is None


def test_the_demo_licences_fall_due_over_the_coming_months(clean: str) -> None:
    answer = _run(clean, "demo")
    assert answer.exit_code == 0, answer.output
    assert "6 demo licence(s) for 370303-ZWFW" in answer.output
    assert Licence.select().count() == 6
    assert register.load_rules().for_type("食品经营许可证").lead_days == (60, 30, 7)
    assert _run(clean, "demo").exit_code == 0  # again: the same six, refreshed
    assert Licence.select().count() == 6
