"""Statistics on a fixture whose figures are worked out by hand, and safe exports."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import DataTable, Static

from core.runtime import Runtime
from core.safefiles import neutralise_cell
from plugins.feedback import export, stats
from plugins.feedback.cases import CaseState
from plugins.feedback.models import Case
from plugins.feedback.ratings import Kind
from plugins.feedback.ui.stats_screen import StatsScreen
from tests.plugins.feedback.helpers import advance, rate
from tests.workstation.helpers import open_as
from workstation.app import SihaoApp

OCT = dt.date(2026, 10, 12)
NOV = dt.date(2026, 11, 9)
DAY = dt.date(2026, 11, 10)
CASE_NO = "370303202610120001"


@pytest.fixture
def fixture_ratings(fb_runtime: Runtime) -> Runtime:
    """Window A01 in October: r1 5, r2 4, r3 3 默认, r4 2 实名 (rectified), r5 1 实名
    (called back only), r6 1 anonymous, r7 5 追评. Window A03 in November: r8 3 默认,
    r9 2 实名 (untouched), r10 5."""
    rt = fb_runtime
    rate(rt, 5, on=OCT, case_no=CASE_NO)
    rate(rt, 4, on=OCT)
    rate(rt, 3, kind=Kind.DEFAULT, on=OCT)
    r4 = rate(rt, 2, real_name=True, on=OCT)
    r5 = rate(rt, 1, real_name=True, on=OCT)
    rate(rt, 1, on=OCT)
    rate(rt, 5, kind=Kind.FOLLOW_UP, on=OCT, case_no=CASE_NO)
    rate(rt, 3, kind=Kind.DEFAULT, window="A03", on=NOV)
    rate(rt, 2, real_name=True, window="A03", on=NOV)
    rate(rt, 5, window="A03", on=NOV)
    case4 = Case.get(Case.source_id == r4.id).id
    case5 = Case.get(Case.source_id == r5.id).id
    advance(case4, CaseState.CALLED_BACK, CaseState.RECTIFYING, CaseState.RECTIFIED, today=DAY)
    advance(case5, CaseState.CALLED_BACK, today=DAY)
    return rt


def test_overall_figures_by_hand(fixture_ratings: Runtime) -> None:
    row = stats.total()
    # All 10: satisfied r1 r2 r3 r7 r8 r10 = 6; bad r4 r5 r6 r9 = 4.
    assert (row.total, row.satisfied, row.bad) == (10, 6, 4)
    assert row.satisfaction_rate == pytest.approx(0.6)
    assert row.bad_rate == pytest.approx(0.4)
    # Real-name bad reviews r4 r5 r9 = 3; called back r4 r5 = 2; handled r4 = 1.
    assert (row.real_name_bad, row.called_back, row.handled) == (3, 2, 1)
    assert row.callback_rate == pytest.approx(2 / 3)
    assert row.rectification_rate == pytest.approx(1 / 3)
    # Active r1 r2 r4 r5 r6 r9 r10 = 7; cases = all but the follow-up = 9.
    assert (row.active, row.cases) == (7, 9)
    assert row.active_rate == pytest.approx(7 / 9)


def test_default_ratings_left_out(fixture_ratings: Runtime) -> None:
    row = stats.total(include_default=False)
    # r3 and r8 go: 8 ratings, satisfied r1 r2 r7 r10 = 4, bad still 4.
    assert (row.total, row.satisfied, row.bad) == (8, 4, 4)
    assert row.satisfaction_rate == pytest.approx(0.5)
    assert row.bad_rate == pytest.approx(0.5)
    assert row.active_rate == pytest.approx(7 / 9)  # the cases behind it do not change


def test_breakdown_by_window_and_month(fixture_ratings: Runtime) -> None:
    rows = {row.key: row for row in stats.breakdown(("window", "month"))}
    assert set(rows) == {("A01", "2026-10"), ("A03", "2026-11")}
    a01 = rows[("A01", "2026-10")]
    assert (a01.total, a01.satisfied, a01.bad) == (7, 4, 3)
    assert (a01.real_name_bad, a01.called_back, a01.handled) == (2, 2, 1)
    assert (a01.active, a01.cases) == (5, 6)
    a03 = rows[("A03", "2026-11")]
    assert (a03.total, a03.satisfied, a03.bad) == (3, 2, 1)
    assert (a03.real_name_bad, a03.called_back, a03.handled) == (1, 0, 0)
    assert a03.callback_rate == 0.0 and a03.active_rate == pytest.approx(2 / 3)
    # A date range picks November only; by staff/department the keys are empty here.
    november = stats.breakdown(("window",), date_from=dt.date(2026, 11, 1))
    assert [(r.key, r.total) for r in november] == [(("A03",), 3)]
    assert [r.key for r in stats.breakdown(("year",))] == [("2026",)]


def test_exports_escape_formulas(fb_runtime: Runtime, tmp_path: Path) -> None:
    rate(fb_runtime, 5, item_code='=HYPERLINK("http://x","y")')
    rate(fb_runtime, 4, item_code="-2+3")
    rate(fb_runtime, 3, item_code="@SUM(A1)")
    rate(fb_runtime, 2, item_code="11370300MB0000000X")
    lines = export.table(("item",), stats.breakdown(("item",)))
    csv_path = export.to_csv(tmp_path / "s.csv", lines)
    with csv_path.open(encoding="utf-8-sig") as handle:
        read = list(csv.reader(handle))
    assert read[0][0] == "事项" and read[0][4] == "满意率"
    keys = sorted(row[0] for row in read[1:])
    assert keys == ["'-2+3", '\'=HYPERLINK("http://x","y")', "'@SUM(A1)", "11370300MB0000000X"]
    xlsx = export.to_xlsx(tmp_path / "s.xlsx", lines)
    sheet = load_workbook(xlsx).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 6)]
    assert all(cell.data_type == "s" for cell in cells)
    assert sorted(c.value for c in cells) == keys
    # Figures stay numbers.
    assert sheet.cell(row=2, column=2).data_type == "n"
    assert neutralise_cell("\tx") == "'\tx" and neutralise_cell("\rx") == "'\rx"
    assert neutralise_cell(-3) == -3


async def test_statistics_screen_shows_rates_trend_and_exports(
    fixture_ratings: Runtime,
) -> None:
    app = SihaoApp(fixture_ratings, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.stats", StatsScreen)
        totals = str(screen.query_one("#stats-totals", Static).render())
        assert "满意率 60.00%" in totals and "回访率 66.67%" in totals
        assert screen.query_one("#stats-table", DataTable).row_count == 2
        bars = str(screen.query_one("#bars", Static).render())
        assert "2026-10" in bars and "57.14%" in bars  # A01 in October: 4 of 7
        await pilot.click("#include-default")
        await pilot.pause()
        totals = str(screen.query_one("#stats-totals", Static).render())
        assert "满意率 50.00%" in totals
        await pilot.press("ctrl+x")
        await pilot.pause()
        exported = list(fixture_ratings.paths.exports_dir.glob("ratings-*.xlsx"))
        assert len(exported) == 1
        assert load_workbook(exported[0]).active.max_row == 3


def test_the_tally_agrees_with_the_ratings(fixture_ratings: Runtime) -> None:
    from plugins.feedback import tally

    for dims in (("window", "month"), ("site", "year"), ("month",), ()):
        assert stats.breakdown(dims, use_tally=True) == stats.breakdown(dims, use_tally=False)
        assert stats.breakdown(dims, use_tally=True, include_default=False) == stats.breakdown(
            dims, use_tally=False, include_default=False
        )
    before = stats.breakdown(("window", "month"), use_tally=True)
    assert tally.rebuild() > 0
    assert stats.breakdown(("window", "month"), use_tally=True) == before


def test_export_from_the_command_line(fixture_ratings: Runtime, data_dir: Path) -> None:
    from click.testing import CliRunner

    from workstation.cli import main

    target = data_dir / "out.csv"
    result = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "ratings-export", "--by", "window", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "已导出 2 行" in result.output
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert [r[0] for r in rows] == ["窗口", "A01", "A03"]
    assert rows[1][4] == "0.5714"  # A01: 4 satisfied of 7
    wrong = CliRunner().invoke(
        main, ["--data-dir", str(data_dir), "ratings-export", "--by", "colour", str(target)]
    )
    assert wrong.exit_code == 2 and "未知的统计维度 colour" in wrong.output
