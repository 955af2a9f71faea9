"""The rectification loop: deadlines in working days, every state by key, overdue tiles."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Button, Input, Static

from core.outbox import Outbox
from core.runtime import Runtime
from plugins.feedback import cases
from plugins.feedback.cases import CaseError, CaseState
from plugins.feedback.models import Case, CaseEvent
from plugins.feedback.ui.cases_screen import CasesScreen
from tests.plugins.feedback.helpers import advance, rate
from tests.workstation.helpers import sign_in
from workstation.app import SihaoApp
from workstation.screens.home import HomeScreen


def test_deadlines_skip_national_day_and_count_make_up_saturdays(fb_runtime: Runtime) -> None:
    # Opened Wed 2026-09-30. National Day 10-01..10-07 is off; Sat 10-10 is a
    # make-up working day; Sun 10-11 is off. Callback within 1 working day:
    # Thu 10-08. Rectify within 5: 10-08, 10-09, 10-10 (Sat), 10-12, 10-13.
    rating = rate(fb_runtime, 2, real_name=True, on=dt.date(2026, 9, 30))
    case = Case.get(Case.source_id == rating.id)
    assert case.callback_due == dt.date(2026, 10, 8)
    assert case.rectify_due == dt.date(2026, 10, 13)
    assert not case.due_estimate
    # Opened Fri 2026-09-18: the next working day is Sun 09-20 (make-up day).
    # Rectify: 09-20, 09-21, 09-22, 09-23, 09-24 (Fri 09-25 starts 中秋).
    rating = rate(fb_runtime, 1, on=dt.date(2026, 9, 18))
    case = Case.get(Case.source_id == rating.id)
    assert (case.callback_due, case.rectify_due) == (dt.date(2026, 9, 20), dt.date(2026, 9, 24))


def test_settings_change_the_deadlines(fb_runtime: Runtime) -> None:
    fb_runtime.config.plugin_settings["feedback"] = {
        "callback_within_working_days": 2,
        "rectify_within_working_days": 15,
    }
    rating = rate(fb_runtime, 2, on=dt.date(2026, 9, 30))
    case = Case.get(Case.source_id == rating.id)
    # 2 working days: 10-08, 10-09. 15: 10-08, 09, 10 (Sat), 12–16, 19–23, 26, 27.
    assert case.callback_due == dt.date(2026, 10, 9)
    assert case.rectify_due == dt.date(2026, 10, 27)


def test_a_year_without_a_calendar_is_flagged_as_an_estimate(fb_runtime: Runtime) -> None:
    rating = rate(fb_runtime, 1, on=dt.date(2026, 11, 1), opened=dt.date(2027, 3, 1))
    case = Case.get(Case.source_id == rating.id)
    assert case.due_estimate
    assert case.rectify_due == dt.date(2027, 3, 8)  # weekends only: Tue..Fri, Mon


def _error(screen: CasesScreen) -> str:
    return str(screen.query_one("#case-error", Static).render())


async def test_walk_a_case_through_every_state_by_keys(fb_runtime: Runtime) -> None:
    """The clerk of the window calls back, rectifies and reports back, each step with
    what it needs; another person, a supervisor, reviews."""
    rating = rate(fb_runtime, 2, real_name=True, on=dt.date(2026, 9, 30))
    case = Case.get(Case.source_id == rating.id)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 45)) as pilot:
        await sign_in(pilot, "1001")  # clerk of window A01, the window rated
        screen = CasesScreen(fb_runtime, today=dt.date(2026, 10, 9))
        await app.push_screen(screen)
        await pilot.pause()
        title = str(screen.query_one("#cases-title", Static).render())
        assert "逾期 1 件" in title  # callback was due Thu 10-08
        detail = str(screen.query_one("#case-detail", Static).render())
        assert "[1] 已回访（说明、回访时间）" in detail
        await pilot.press("1")  # 已回访 without a note: refused, the note field marked
        assert "需要说明" in _error(screen)
        assert screen.query_one("#case-note", Input).has_class("-invalid")
        await pilot.click("#case-note")
        await pilot.press(*"已电话联系申请人", "enter")
        # Fixing the field takes the complaint away.
        assert _error(screen) == ""
        assert not screen.query_one("#case-note", Input).has_class("-invalid")
        await pilot.press("1")  # still no callback time
        assert "回访时间" in _error(screen)
        assert screen.query_one("#case-called-at", Input).has_class("-invalid")
        await pilot.click("#case-called-at")
        await pilot.press(*"9:3O", "enter", "1")
        assert "回访时间格式不对" in _error(screen)
        assert cases.state_of(case.id) is CaseState.PENDING_CALLBACK
        screen.query_one("#case-called-at", Input).value = "09:30"
        await pilot.press("1")
        await pilot.pause()
        assert cases.state_of(case.id) is CaseState.CALLED_BACK
        assert "已转为“已回访”" in _error(screen)
        # 整改中 needs a plan; 已整改 the evidence of the fix.
        screen.query_one("#case-note", Input).value = "列入台账，十日内更换叫号机"
        await pilot.press("1")
        await pilot.press("1")
        assert "整改证明" in _error(screen)
        assert screen.query_one("#case-evidence", Input).has_class("-invalid")
        screen.query_one("#case-evidence", Input).value = "维修单 2026-118"
        await pilot.press("1")
        screen.query_one("#case-note", Input).value = "已告知申请人整改结果"
        await pilot.press("1")  # → 已反馈
        await pilot.pause()
        assert cases.state_of(case.id) is CaseState.FED_BACK
        await pilot.press("1")  # a clerk never reviews
        assert "只有督查人员" in _error(screen)
        detail = str(screen.query_one("#case-detail", Static).render())
        assert "维修单 2026-118" in detail and "10-09 09:30" in detail
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 45)) as pilot:
        await sign_in(pilot, "3001")  # the supervisor reviews
        screen = CasesScreen(fb_runtime, today=dt.date(2026, 10, 9))
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert cases.state_of(case.id) is CaseState.REVIEWED
        assert "已办结" in str(screen.query_one("#case-detail", Static).render())
        await pilot.press("1")
        assert "没有第 1 个下一步" in _error(screen)
    events = cases.history(case.id)
    assert [e.to_state for e in events] == [
        "pending_callback",
        "called_back",
        "rectifying",
        "rectified",
        "fed_back",
        "reviewed",
    ]
    assert [e.from_state for e in events[1:]] == [e.to_state for e in events[:-1]]
    assert [e.actor for e in events[1:]] == ["1001"] * 4 + ["3001"]
    assert [e.role for e in events[1:]] == ["clerk"] * 4 + ["supervisor"]
    assert events[1].called_at == dt.datetime(2026, 10, 9, 9, 30)
    assert events[3].evidence == "维修单 2026-118"
    # One row per change, each queued for the server with the unit to route to.
    queued = Outbox.select().where(Outbox.kind == "feedback.case_event")
    assert queued.count() == 6
    assert all('"unit_site": "370303-ZWFW"' in row.payload for row in queued)
    assert {row.payload_version for row in queued} == {2}


async def test_explanation_needs_a_note_and_appeal_branches(fb_runtime: Runtime) -> None:
    first = Case.get(Case.source_id == rate(fb_runtime, 1, on=dt.date(2026, 10, 12)).id)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 45)) as pilot:
        await sign_in(pilot, "3001")  # a supervisor handles cases too
        screen = CasesScreen(fb_runtime, today=dt.date(2026, 10, 12))
        await app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#case-note", Input).value = "已回访"
        screen.query_one("#case-called-at", Input).value = "2026-10-12 10:05"
        await pilot.press("1")  # 已回访
        await pilot.press("3")  # 解释说明 without a note: refused
        assert "需要说明" in _error(screen)
        assert cases.state_of(first.id) is CaseState.CALLED_BACK
        await pilot.click("#case-note")
        await pilot.press(*"无法律依据", "enter")
        await pilot.press("3")
        await pilot.pause()
        assert cases.state_of(first.id) is CaseState.EXPLAINED
        assert screen.query_one("#case-note", Input).value == ""
        assert CaseEvent.get(CaseEvent.to_state == "explained").note == "无法律依据"
    # Appeal: rejected on review, so the unit rectifies after all.
    second = Case.get(Case.source_id == rate(fb_runtime, 2, on=dt.date(2026, 10, 12)).id)
    today = dt.date(2026, 10, 13)
    advance(second.id, CaseState.CALLED_BACK, today=today)
    with pytest.raises(CaseError):
        cases.transition(second.id, CaseState.APPEALED, actor="1001", role="clerk", today=today)
    cases.transition(
        second.id, CaseState.APPEALED, actor="1001", role="clerk", today=today, note="恶意差评"
    )
    with pytest.raises(CaseError, match="只有督查人员"):
        advance(second.id, CaseState.RECTIFYING, today=today)
    advance(second.id, CaseState.RECTIFYING, actor="3001", role="supervisor", today=today)
    advance(second.id, CaseState.RECTIFIED, CaseState.FED_BACK, today=today)
    # Only a supervisor reviews.
    with pytest.raises(CaseError, match="只有督查人员"):
        cases.transition(second.id, CaseState.REVIEWED, actor="1001", role="clerk", today=today)
    # 立行立改: fixed on the spot straight after the callback.
    third = Case.get(Case.source_id == rate(fb_runtime, 2, on=dt.date(2026, 10, 12)).id)
    advance(third.id, CaseState.CALLED_BACK, CaseState.RECTIFIED, today=today)
    # No skipping: a new case cannot jump to 已整改.
    fourth = Case.get(Case.source_id == rate(fb_runtime, 2, on=dt.date(2026, 10, 12)).id)
    with pytest.raises(CaseError, match="待回访"):
        advance(fourth.id, CaseState.RECTIFIED, today=today)
    states = cases.current_states()
    assert states[second.id] is CaseState.FED_BACK
    assert states[third.id] is CaseState.RECTIFIED
    assert states[fourth.id] is CaseState.PENDING_CALLBACK


async def test_overdue_cases_light_up_the_home_tile(fb_runtime: Runtime) -> None:
    rate(fb_runtime, 2, on=dt.date(2026, 9, 30))  # long overdue by now (2026-11-28)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 45)) as pilot:
        await sign_in(pilot, "1001")
        assert isinstance(app.screen, HomeScreen)
        tile = app.screen.query_one("#" + HomeScreen.tile_id("feedback.cases"), Button)
        assert tile.has_class("alert")
        assert "逾期 1 件" in str(tile.label)


async def test_estimated_deadlines_are_marked_on_screen(fb_runtime: Runtime) -> None:
    rate(fb_runtime, 1, on=dt.date(2026, 11, 1), opened=dt.date(2027, 3, 1))
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 45)) as pilot:
        await sign_in(pilot, "1001")
        screen = CasesScreen(fb_runtime, today=dt.date(2027, 3, 2))
        await app.push_screen(screen)
        await pilot.pause()
        assert "仅按周末估算" in str(screen.query_one("#case-detail", Static).render())


def test_only_the_responsible_unit_moves_a_case(fb_runtime: Runtime) -> None:
    from plugins.feedback import inspections, reference
    from plugins.feedback.inspections import FindingDraft, InspectionDraft

    today = dt.date(2026, 10, 12)
    inspections.log_inspection(
        InspectionDraft(
            target_kind="site",
            target_ref="370303001-BM",
            mode="walk",
            steps=[("取号", 12.0)],
            findings=[FindingDraft("severe", "无障碍通道被占用")],
        ),
        actor="3001",
        role="supervisor",
        site_code="370303-ZWFW",
        indicators=reference.indicator_set(),
        calendar=fb_runtime.calendar,
        case_settings=fb_runtime.settings("feedback"),
        today=today,
    )
    case = Case.get(Case.source == "finding")
    assert case.unit_site == "370303001-BM"
    with pytest.raises(CaseError, match="张店区车站街道便民服务中心负责办理"):
        advance(case.id, CaseState.CALLED_BACK, today=today, site_code="370303-ZWFW")
    # The district follows it on its list, marked with the unit; the tile counts
    # only what the district itself must handle.
    views = cases.list_cases("370303-ZWFW", today, opened_here=True)
    assert [v.case.id for v in views] == [case.id]
    assert cases.unit_label(case.unit_site, "370303-ZWFW") == "张店区车站街道便民服务中心"
    assert cases.overdue_count("370303-ZWFW", dt.date(2026, 12, 1)) == (0, 0)
    advance(case.id, CaseState.CALLED_BACK, actor="T1", today=today, site_code=case.unit_site)
    assert cases.state_of(case.id) is CaseState.CALLED_BACK


def test_one_follow_up_per_case(fb_runtime: Runtime) -> None:
    from plugins.feedback import ratings, reference
    from plugins.feedback.ratings import Kind, RatingDraft

    first = rate(fb_runtime, 2, case_no="370303202610120007", on=dt.date(2026, 10, 12))
    follow = rate(
        fb_runtime, 4, kind=Kind.FOLLOW_UP, case_no="370303202610120007", on=dt.date(2026, 10, 20)
    )
    assert follow.follow_up_of == first.id
    settings = fb_runtime.settings("feedback")
    again = RatingDraft(window_no="A01", level=5, kind=Kind.FOLLOW_UP, case_no="370303202610120007")
    checked = ratings.validate(again, reference.tag_set(), settings, "370303-ZWFW")
    assert [p.message for p in checked.problems] == [
        "办件 370303202610120007 已追评过一次，每件只能追评一次。"
    ]
    unknown = RatingDraft(
        window_no="A01", level=5, kind=Kind.FOLLOW_UP, case_no="370303202610129999"
    )
    checked = ratings.validate(unknown, reference.tag_set(), settings, "370303-ZWFW")
    assert "没有找到办件 370303202610129999 的原评价" in checked.problems[0].message


def test_a_broken_deadline_setting_falls_back_to_the_default(fb_runtime: Runtime) -> None:
    fb_runtime.config.plugin_settings["feedback"] = {
        "callback_within_working_days": "one",
        "rectify_within_working_days": -3,
    }
    rating = rate(fb_runtime, 2, on=dt.date(2026, 9, 30))
    case = Case.get(Case.source_id == rating.id)
    assert (case.callback_due, case.rectify_due) == (dt.date(2026, 10, 8), dt.date(2026, 10, 13))


async def test_a_voided_cards_case_reads_withdrawn_and_offers_no_step(fb_runtime: Runtime) -> None:
    """Voiding the card withdraws its case: the list shows 已撤销, the detail says why
    and offers no next step, digits do nothing, and the home tile stops counting it."""
    from plugins.feedback import voids

    overdue = rate(fb_runtime, 2, on=dt.date(2026, 9, 30))  # long overdue by now
    case = Case.get(Case.source_id == overdue.id)
    voids.void_rating(
        overdue.id, reason="重复录入", actor="4001", role="officer",
        site_code=fb_runtime.config.site_code,
    )  # fmt: skip
    assert cases.state_of(case.id) is CaseState.WITHDRAWN
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "3001")
        tile = app.screen.query_one("#" + HomeScreen.tile_id("feedback.cases"), Button)
        assert not tile.has_class("alert") and "逾期" not in str(tile.label)
        screen = CasesScreen(fb_runtime, today=dt.date(2026, 10, 9))
        await app.push_screen(screen)
        await pilot.pause()
        detail = str(screen.query_one("#case-detail", Static).render())
        assert "已撤销，引发它的评价已作废" in detail and "重复录入" in detail
        assert "下一步" not in detail
        events = CaseEvent.select().where(CaseEvent.case_id == case.id).count()
        await pilot.press("1")
        await pilot.pause()
        assert CaseEvent.select().where(CaseEvent.case_id == case.id).count() == events
        assert "未办结 0 件" in str(screen.query_one("#cases-title", Static).render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_overdue_count_on_the_home_tile_is_on_screen(
    fb_runtime: Runtime, size: tuple[int, int], language: str
) -> None:
    """At 80 columns the cases tile's description takes two lines and its overdue
    count a third: the tile grows (with its row) instead of cutting the count off."""
    from core.i18n import set_language

    rate(fb_runtime, 2, on=dt.date(2026, 9, 30))  # long overdue by now
    set_language(language)
    app = SihaoApp(fb_runtime, watch=False)
    try:
        async with app.run_test(size=size) as pilot:
            await sign_in(pilot, "3001")
            tile = app.screen.query_one("#" + HomeScreen.tile_id("feedback.cases"), Button)
            tile.scroll_visible(animate=False)
            await pilot.pause()
            text = "\n".join(
                "".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()
            )
            assert ("逾期 1 件" if language == "zh_CN" else "1 overdue") in text
            row = [t for t in app.screen.query(".tile") if t.region.y == tile.region.y]
            assert len(row) > 1 and {t.region.height for t in row} == {tile.region.height}
    finally:
        set_language("zh_CN")
