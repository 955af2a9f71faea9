"""Rules of the entry screens a clerk meets: out-of-range scores refused as typed, no
rating of oneself, a saved card voided with a reason, keys that never act silently,
and errors shown once and gone when fixed."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from core.audit import AuditEntry, verify
from core.outbox import Outbox
from core.runtime import Runtime
from plugins.feedback import export, inspections, ratings, reference, stats, tally, voids
from plugins.feedback.models import Rating, RatingVoid
from plugins.feedback.ratings import RatingDraft
from plugins.feedback.ui.inspection_screen import InspectionScreen
from plugins.feedback.ui.rating_entry import RatingEntryScreen
from plugins.feedback.ui.rating_pad import RatingPad
from plugins.feedback.ui.stats_screen import StatsScreen
from plugins.feedback.ui.void_dialog import VoidDialog
from tests.plugins.feedback.helpers import rate
from tests.workstation.helpers import open_as
from workstation.app import SihaoApp


def _text(widget: Static) -> str:
    return str(widget.render())


# -- scores ------------------------------------------------------------------------
async def test_a_score_out_of_range_cannot_be_typed(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.inspection", InspectionScreen)
        await pilot.click("#score-guide")
        await pilot.press(*"5150")
        await pilot.pause()
        field = screen.query_one("#score-guide", Input)
        assert field.value == "51"  # the third key would have made 515: not taken
        error = _text(screen.query_one("#inspection-error", Static))
        assert "办事指南准确性" in error and "0 到 100" in error
        weighted = _text(screen.query_one("#weighted", Static))
        assert "加权得分：51.00" in weighted and "837.05" not in weighted
        for keys, kept in (("100", "100"), ("1005", "100"), ("99.999", "99.99"), ("-5", "5")):
            field.value = ""
            await pilot.press(*keys)
            assert field.value == kept, keys
        # Pasted past the keys (a value set whole) is not counted, and said so.
        field.value = "5150"
        await pilot.pause()
        weighted = _text(screen.query_one("#weighted", Static))
        assert "已评 0/6" in weighted and "0 到 100" in weighted
        # The service refuses it too.
        draft = screen.draft()
        with pytest.raises(inspections.InspectionError, match="办事指南准确性"):
            inspections.check(draft, screen.indicators, fb_runtime.config.site_code)


# -- self-rating -------------------------------------------------------------------
async def test_a_clerk_cannot_rate_her_own_window(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "1001", "feedback.rating_entry", RatingEntryScreen)
        window = screen.query_one("#window", Select)
        assert window.value is Select.NULL  # her own window (A01) is not preselected
        window.value = "A01"
        await pilot.press("5", "enter")
        await pilot.pause()
        error = _text(screen.query_one("#rating-error", Static))
        assert "不能录入对您本人或本窗口的评价" in error
        assert Rating.select().count() == 0
        # Naming herself as the staff member rated, at another window: refused as well.
        window.value = "A03"
        screen.query_one("#staff", Select).value = "1001"
        await pilot.press("f6", "5", "enter")
        await pilot.pause()
        assert "不能录入对您本人" in _text(screen.query_one("#rating-error", Static))
        assert Rating.select().count() == 0
        # A colleague's window is fine.
        screen.query_one("#staff", Select).clear()
        await pilot.press("f6", "5", "enter")
        await pilot.pause()
        assert Rating.select().count() == 1 and not Rating.get().self_rated
    # The service refuses it whatever the screen does.
    checked = ratings.validate(
        RatingDraft(window_no="A01", level=5),
        reference.tag_set(),
        fb_runtime.settings("feedback"),
        fb_runtime.config.site_code,
        actor="1001",
    )
    assert [p.field for p in checked.problems] == ["window"]
    with pytest.raises(ValueError, match="themselves"):
        ratings.save(
            checked.__class__((), checked.draft),
            actor="1001",
            site_code=fb_runtime.config.site_code,
            tagset=reference.tag_set(),
            calendar=fb_runtime.calendar,
            case_settings=fb_runtime.settings("feedback"),
        )


async def test_a_one_window_point_may_rate_itself_and_is_flagged(fb_runtime: Runtime) -> None:
    fb_runtime.config.plugin_settings["feedback"] = {"allow_self_rating": True}
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "1001", "feedback.rating_entry", RatingEntryScreen)
        screen.query_one("#window", Select).value = "A01"
        await pilot.press("4", "enter")
        await pilot.pause()
        assert "统计中单独标注" in _text(screen.query_one("#rating-error", Static))
        rating = Rating.get()
        assert rating.self_rated and rating.actor == "1001"
        await pilot.press("f10")
        await pilot.pause()
        stats_screen = await open_as(pilot, "3001", "feedback.stats", StatsScreen)
        table = stats_screen.query_one("#stats-table", DataTable)
        headers = [str(c.label) for c in table.ordered_columns]
        row = table.get_row_at(0)
        assert row[headers.index("自评")] == "1"
        assert "其中自评 1 条" in _text(stats_screen.query_one("#stats-totals", Static))
    assert stats.total().self_rated == 1


# -- voiding -----------------------------------------------------------------------
async def test_a_saved_card_is_voided_with_a_reason(fb_runtime: Runtime, tmp_path: Path) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.rating_entry", RatingEntryScreen)
        screen.query_one("#window", Select).value = "A01"
        await pilot.press("5", "enter")
        await pilot.pause()
        await pilot.press("2", "a", "enter")  # keyed twice by mistake: the second is wrong
        await pilot.pause()
        assert stats.total().total == 2
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, VoidDialog)
        await pilot.press("enter")  # no reason: refused, the dialog stays
        assert isinstance(app.screen, VoidDialog)
        await pilot.press(*"重复录入", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RatingEntryScreen)
        table = screen.query_one("#recent", DataTable)
        assert str(table.get_row_at(1)[-1]) == "已作废：重复录入"
        said = _text(screen.query_one("#rating-error", Static))
        assert "已作废" in said and "它引发的整改工单已撤销" in said  # the bad card's case
        # Voiding again is refused.
        await pilot.press("f7")
        await pilot.pause()
        assert "已作废" in _text(screen.query_one("#rating-error", Static))
        assert not isinstance(app.screen, VoidDialog)
    bad = Rating.get(Rating.level == 2)
    void = RatingVoid.get()
    assert (void.rating_id, void.reason, void.actor) == (bad.id, "重复录入", "3001")
    # Audited, chained, and queued for the server with the rating's key.
    assert AuditEntry.select().where(AuditEntry.kind == voids.VOID_KIND).count() == 1
    assert verify().broken_seq is None
    queued = Outbox.get(Outbox.kind == voids.VOID_KIND)
    assert '"rating_id": "' + bad.id + '"' in queued.payload
    # Left out of the statistics (tally and ratings agree), counted apart in exports.
    total = stats.total()
    assert (total.total, total.bad, total.voided) == (1, 0, 1)
    by_window = stats.breakdown(("window",), use_tally=True)
    assert by_window == stats.breakdown(("window",), use_tally=False)
    assert [(r.key, r.total, r.voided) for r in by_window] == [(("A01",), 1, 1)]
    assert stats.total(date_from=dt.date(2000, 1, 1)).voided == 1
    tally.rebuild()
    assert stats.breakdown(("window",), use_tally=True) == by_window
    path = export.to_csv(tmp_path / "r.csv", export.table(("window",), by_window))
    with path.open(encoding="utf-8-sig") as handle:
        header, line = list(csv.reader(handle))
    assert line[header.index("已作废（不计入）")] == "1" and line[header.index("评价数")] == "1"


def test_only_the_keyer_or_a_supervisor_voids(fb_runtime: Runtime) -> None:
    rating = rate(fb_runtime, 4)  # keyed by 4001, an officer
    site = fb_runtime.config.site_code
    with pytest.raises(voids.VoidError, match="只有录入该卡的人员或督查人员"):
        voids.void_rating(rating.id, reason="错", actor="1002", role="clerk", site_code=site)
    with pytest.raises(voids.VoidError, match="作废原因"):
        voids.void_rating(rating.id, reason="  ", actor="4001", role="officer", site_code=site)
    with pytest.raises(voids.VoidError, match="没有这条评价"):
        voids.void_rating(rating.id, reason="错", actor="3001", role="supervisor", site_code="X")
    voids.void_rating(rating.id, reason="窗口选错", actor="3001", role="supervisor", site_code=site)
    with pytest.raises(voids.VoidError, match="已作废"):
        voids.void_rating(rating.id, reason="再次", actor="4001", role="officer", site_code=site)


# -- keys and errors ---------------------------------------------------------------
async def test_letter_keys_act_only_on_the_pad_and_say_what_they_did(
    fb_runtime: Runtime,
) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.rating_entry", RatingEntryScreen)
        pad = screen.query_one("#pad", RatingPad)
        error = screen.query_one("#rating-error", Static)
        await pilot.press("2")
        # Outside text fields and outside the pad, letters change nothing.
        for selector in ("#channel", "#window", "#kind", "#real-name", "#recent"):
            screen.query_one(selector).focus()
            await pilot.press("a", "b", "e")
            assert pad.tags == [], selector
        assert screen.query_one("#real-name", Checkbox).value is False
        # On the pad each tag key says what it ticked or unticked.
        screen.query_one("#pad").focus()
        await pilot.press("b")
        assert pad.tags == ["业务不熟练"] and "标签 [b] ☑ 业务不熟练" in _text(error)
        await pilot.press("b")
        assert pad.tags == [] and "标签 [b] ☐ 业务不熟练" in _text(error)
        # A letter meant for a field is refused aloud, not taken as a tag.
        await pilot.press("A")
        assert pad.tags == [] and "等级标签区只接受" in _text(error)


async def test_errors_show_once_and_go_when_the_field_is_fixed(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.rating_entry", RatingEntryScreen)
        error = screen.query_one("#rating-error", Static)
        screen.query_one("#case-no", Input).value = "12345"
        await pilot.press("enter")
        await pilot.press("enter")  # twice: still one line per problem
        await pilot.pause()
        lines = _text(error).splitlines()
        assert len(lines) == len(set(lines)) == 3, lines  # level, case number, window
        assert screen.query_one("#case-no").has_class("invalid")
        screen.query_one("#case-no", Input).value = "370303202611280001"
        await pilot.pause()
        assert "格式不对" not in _text(error)
        assert not screen.query_one("#case-no").has_class("invalid")
        screen.query_one("#window", Select).value = "A01"
        await pilot.pause()
        assert not screen.query_one("#window").has_class("invalid")
        await pilot.press("4")
        await pilot.pause()
        assert _text(error).strip() == ""


async def test_statistics_date_errors_show_once_and_go_when_fixed(fb_runtime: Runtime) -> None:
    rate(fb_runtime, 5)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.stats", StatsScreen)
        message = screen.query_one("#stats-message", Static)
        await pilot.click("#date-from")
        await pilot.press(*"2026-13-01", "enter")
        await pilot.press("enter")
        await pilot.pause()
        assert _text(message).count("“2026-13-01”不是有效日期") == 1
        await pilot.click("#date-to")
        await pilot.press(*"12/31", "enter")
        await pilot.pause()
        lines = _text(message).splitlines()
        assert len(lines) == 2 and "12/31" in lines[1], lines
        from_field = screen.query_one("#date-from", Input)
        from_field.value = "2026-01-01"
        await pilot.pause()
        assert "2026-13-01" not in _text(message) and "12/31" in _text(message)


async def test_inspection_problems_go_as_they_are_fixed(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.inspection", InspectionScreen)
        error = screen.query_one("#inspection-error", Static)
        await pilot.press("ctrl+s")
        await pilot.pause()
        refused = _text(error)
        assert "请填写检查的站点、窗口或事项" in refused and "办事指南准确性" in refused
        assert refused.count("办事指南准确性") == 1
        screen.query_one("#target-ref", Input).value = "A01"
        await pilot.pause()
        assert "请填写检查的" not in _text(error) and "办事指南准确性" in _text(error)
        for indicator in screen.indicators.indicators:
            screen.query_one(f"#score-{indicator.code}", Input).value = "90"
        await pilot.pause()
        assert _text(error) == ""


async def test_todays_cards_come_back_to_be_voided(fb_runtime: Runtime) -> None:
    """Cards keyed earlier today by this person are listed when the entry is opened
    again (with their void marks), so one keyed wrong can still be voided."""
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.rating_entry", RatingEntryScreen)
        screen.query_one("#window", Select).value = "A01"
        await pilot.press("5", "enter")
        await pilot.pause()
        await pilot.press("4", "enter")
        await pilot.pause()
        first = Rating.select().order_by(Rating.created_at).first()
        voids.void_rating(
            first.id, reason="窗口选错", actor="3001", role="supervisor", site_code="370303-ZWFW"
        )
        await pilot.press("escape")
        await pilot.pause()
        app.open_screen("feedback.rating_entry")
        await pilot.pause()
        table = app.screen.query_one("#recent", DataTable)
        assert table.row_count == 2
        assert str(table.get_row_at(0)[-1]) == "已作废：窗口选错"
        assert str(table.get_row_at(1)[-1]) == ""
        await pilot.press("f10")
        await pilot.pause()
        other = await open_as(pilot, "1002", "feedback.rating_entry", RatingEntryScreen)
        assert other.query_one("#recent", DataTable).row_count == 0  # someone else's
