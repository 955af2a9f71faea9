"""The rules of the rectification loop at the workstation: who sees a case, who moves
it, four eyes, sane dates, and the cases screen at 80×24 and 120×40.

Demo staff (data/demo/site.json): 1001 clerk of window A01, 1002 clerk of A03,
3001 supervisor; 3002 is a second supervisor added here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Button, DataTable, Input, Static

from core import i18n
from core.auth import hash_pin
from core.models import Staff
from core.runtime import Runtime
from plugins.feedback import case_rules, cases, inspections, reference
from plugins.feedback.case_rules import CaseState
from plugins.feedback.cases import CaseError
from plugins.feedback.inspections import FindingDraft, InspectionDraft
from plugins.feedback.models import Case
from plugins.feedback.ui.cases_screen import CasesScreen
from tests.plugins.feedback.helpers import advance, rate
from tests.workstation.helpers import open_as, sign_in
from workstation.app import SihaoApp
from workstation.screens.home import HomeScreen

SITE = "370303-ZWFW"
DAY = dt.date(2026, 10, 12)


def _second_supervisor() -> None:
    Staff.create(
        staff_no="3002", name="钱进", site=SITE, role="supervisor", pin_hash=hash_pin("123456")
    )


def _item_finding(runtime: Runtime) -> Case:
    """A finding about an item: the site's case, naming no window."""
    inspections.log_inspection(
        InspectionDraft(
            target_kind="item",
            target_ref="11370300MB28",
            mode="walk",
            steps=[("取号", 30.0)],
            findings=[FindingDraft("minor", "办事指南材料清单与窗口要求不一致")],
        ),
        actor="3001",
        role="supervisor",
        site_code=SITE,
        indicators=reference.indicator_set(),
        calendar=runtime.calendar,
        case_settings=runtime.settings("feedback"),
        today=DAY,
    )
    return Case.get(Case.source == "finding")


def _table_keys(screen: CasesScreen) -> set[str]:
    table = screen.query_one("#cases-table", DataTable)
    return {str(row.value) for row in table.rows}


async def test_a_clerk_sees_and_moves_only_the_cases_of_their_window(fb_runtime: Runtime) -> None:
    a01 = Case.get(Case.source_id == rate(fb_runtime, 2, window="A01", on=DAY).id)
    a03 = Case.get(Case.source_id == rate(fb_runtime, 1, window="A03", on=DAY).id)
    hall = _item_finding(fb_runtime)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "1002", "feedback.cases", CasesScreen)
        # The clerk of A03: their window's case and the one naming no window.
        assert _table_keys(screen) == {a03.id, hall.id}
        assert "未办结 2 件" in str(screen.query_one("#cases-title", Static).render())
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1002")
        tile = app.screen.query_one("#" + HomeScreen.tile_id("feedback.cases"), Button)
        assert "2 件" in str(tile.label)  # the tile counts what this clerk handles
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.cases", CasesScreen)
        assert _table_keys(screen) == {a01.id, a03.id, hall.id}  # the supervisor: the site's
    # Nor can the A03 clerk move A01's case by other means (the service checks too).
    with pytest.raises(CaseError, match="本工单属于 A01 窗口"):
        advance(a01.id, CaseState.CALLED_BACK, actor="1002", today=DAY)
    advance(a03.id, CaseState.CALLED_BACK, actor="1002", today=DAY)
    advance(hall.id, CaseState.CALLED_BACK, actor="1002", today=DAY)
    advance(a01.id, CaseState.CALLED_BACK, actor="3001", role="supervisor", today=DAY)
    assert cases.current_states() == {
        a01.id: CaseState.CALLED_BACK,
        a03.id: CaseState.CALLED_BACK,
        hall.id: CaseState.CALLED_BACK,
    }
    # Stewards, officers and IT do not handle cases at all.
    with pytest.raises(CaseError, match="只能由以下人员办理：窗口工作人员、督查人员"):
        advance(a01.id, CaseState.RECTIFYING, actor="4001", role="officer", today=DAY)


async def test_whoever_recorded_the_fix_does_not_review_it(fb_runtime: Runtime) -> None:
    _second_supervisor()
    case = Case.get(Case.source_id == rate(fb_runtime, 2, on=DAY).id)
    # One supervisor calls back, fixes on the spot and reports back …
    advance(
        case.id,
        CaseState.CALLED_BACK,
        CaseState.RECTIFIED,
        CaseState.FED_BACK,
        actor="3001",
        role="supervisor",
        today=DAY,
    )
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.cases", CasesScreen)
        screen.today = DAY
        await pilot.press("1")  # … and may not review it.
        error = str(screen.query_one("#case-error", Static).render())
        assert "四眼原则" in error and "已整改" in error
        assert cases.state_of(case.id) is CaseState.FED_BACK
    # Another supervisor does.
    advance(case.id, CaseState.REVIEWED, actor="3002", role="supervisor", today=DAY)
    assert cases.state_of(case.id) is CaseState.REVIEWED
    # An appeal is decided by someone other than whoever lodged it.
    appealed = Case.get(Case.source_id == rate(fb_runtime, 1, on=DAY).id)
    advance(appealed.id, CaseState.CALLED_BACK, CaseState.APPEALED, actor="3001",
            role="supervisor", today=DAY)  # fmt: skip
    with pytest.raises(CaseError, match="四眼原则"):
        advance(appealed.id, CaseState.REVIEWED, actor="3001", role="supervisor", today=DAY)
    advance(appealed.id, CaseState.REVIEWED, actor="3002", role="supervisor", today=DAY)


def test_dates_are_neither_in_the_future_nor_before_the_case(fb_runtime: Runtime) -> None:
    case = Case.get(Case.source_id == rate(fb_runtime, 2, on=DAY).id)
    with pytest.raises(CaseError, match="日期 2099-01-01 晚于今天"):
        advance(case.id, CaseState.CALLED_BACK, today=dt.date(2099, 1, 1))
    with pytest.raises(CaseError, match="早于工单开立日期（2026-10-12）"):
        advance(case.id, CaseState.CALLED_BACK, today=dt.date(2026, 10, 1))
    future = case_rules.local_now() + dt.timedelta(hours=3)
    with pytest.raises(CaseError, match="回访时间 .* 晚于现在"):
        cases.transition(case.id, CaseState.CALLED_BACK, actor="1001", role="clerk",
                         today=DAY, note="已回访", called_at=future)  # fmt: skip
    assert cases.state_of(case.id) is CaseState.PENDING_CALLBACK


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_cases_screen_shows_deadlines_and_overdue_at_both_sizes(
    fb_runtime: Runtime, size: tuple[int, int], language: str
) -> None:
    for _ in range(12):  # more cases than rows: the table scrolls, the rest stays
        rate(fb_runtime, 2, real_name=True, on=dt.date(2026, 9, 30))
    i18n.set_language(language)
    app = SihaoApp(fb_runtime, watch=False)
    try:
        async with app.run_test(size=size) as pilot:
            await sign_in(pilot, "3001")
            screen = CasesScreen(fb_runtime, today=dt.date(2026, 10, 9))
            await app.push_screen(screen)
            await pilot.pause()
            table = screen.query_one("#cases-table", DataTable)
            visible = table.scrollable_content_region.width
            columns = table.ordered_columns
            # State, call back by, rectify by and overdue are whole on screen.
            used = sum(column.get_render_width(table) for column in columns[:4])
            assert used <= visible, (used, visible)
            assert all(column.auto_width for column in columns[:4])  # never cut to a width
            row = table.get_row_at(0)
            assert str(row[1]) == "2026-10-08" and str(row[2]) == "2026-10-13"
            assert str(row[3]) == ("回访逾期" if language == "zh_CN" else "callback overdue")
            # The table keeps rows to show; the detail, the fields and the error line
            # sit above the status bar, inside the screen.
            assert table.size.height >= 5
            status = app.screen.query_one("StatusBar")
            for selector in ("#case-detail-box", "#case-note", "#case-evidence",
                             "#case-called-at", "#case-error"):  # fmt: skip
                region = screen.query_one(selector).region
                assert region.height >= 1 and region.bottom <= status.region.y, selector
                assert region.right <= size[0], selector
            # An error is said once, and goes when the field is fixed.
            await pilot.press("1")
            await pilot.press("1")
            error = screen.query_one("#case-error", Static)
            said = str(error.render())
            assert said.count("✗") == 1
            assert said.count("需要说明" if language == "zh_CN" else "needs a note") == 1
            screen.query_one("#case-note", Input).value = "已回访"
            await pilot.pause()
            assert str(error.render()) == ""
    finally:
        i18n.set_language("zh_CN")


async def test_typed_but_unrecorded_steps_are_reported_to_the_shell(fb_runtime: Runtime) -> None:
    case = Case.get(Case.source_id == rate(fb_runtime, 2, on=DAY).id)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "1001", "feedback.cases", CasesScreen)
        screen.today = DAY
        assert screen.unsaved_input() is None
        await pilot.click("#case-note")
        await pilot.press(*"已电话回访", "enter")
        assert screen.unsaved_input() == "未保存的整改记录"
        screen.query_one("#case-called-at", Input).value = "10:15"
        await pilot.press("1")
        await pilot.pause()
        assert cases.state_of(case.id) is CaseState.CALLED_BACK
        assert screen.unsaved_input() is None  # recorded: nothing left to lose
