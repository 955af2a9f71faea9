"""Keying in rating cards with the keyboard alone, as a clerk with a stack of cards."""

from __future__ import annotations

import json

from textual.widgets import DataTable, Input, Select, Static

from core.outbox import Outbox
from core.runtime import Runtime
from plugins.feedback.models import Case, Rating
from plugins.feedback.ui.rating_entry import RatingEntryScreen
from plugins.feedback.ui.rating_pad import RatingPad
from tests.workstation.helpers import open_as
from workstation.app import SihaoApp

GOOD_ID = "370303198001011234"  # passes core.identifiers.check_resident_id


async def _open_entry(app: SihaoApp, pilot, staff_no: str = "3001") -> RatingEntryScreen:  # type: ignore[no-untyped-def]
    """The supervisor (window C01) keys cards about window A01."""
    screen = await open_as(pilot, staff_no, "feedback.rating_entry", RatingEntryScreen)
    screen.query_one("#window", Select).value = "A01"
    await pilot.pause()
    return screen


def _error(screen: RatingEntryScreen) -> str:
    return str(screen.query_one("#rating-error", Static).render())


async def test_anonymous_cards_by_keys_keep_sticky_fields(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_entry(app, pilot)
        assert screen.query_one("#window", Select).value == "A01"
        assert isinstance(app.focused, RatingPad)
        await pilot.press("f3")  # 政务服务网 -> … the channel cycles; back to 评议卡 below
        assert screen.query_one("#channel", Select).value != "card"
        for _ in range(5):
            await pilot.press("f3")
        assert screen.query_one("#channel", Select).value == "card"
        # Card 1: 5 非常满意 with tags a and c, Enter.
        await pilot.press("5", "a", "c", "enter")
        await pilot.pause()
        # Card 2: 4 满意, no tags.
        await pilot.press("4", "enter")
        await pilot.pause()
        rows = list(Rating.select().order_by(Rating.created_at, Rating.id))
        assert [r.level for r in rows] == [5, 4]
        assert json.loads(rows[0].tags) == ["服务效率高", "服务态度热情"]
        assert all(r.channel == "card" and r.mode == "onsite" for r in rows)
        assert all(r.window_no == "A01" and not r.real_name for r in rows)
        assert rows[0].tagset_version == "2026.1" and rows[0].kind == "active"
        assert rows[0].actor == "3001"
        # Sticky: channel and window stay, level and tags cleared, pad focused again.
        assert screen.query_one("#channel", Select).value == "card"
        assert screen.query_one("#window", Select).value == "A01"
        pad = screen.query_one("#pad", RatingPad)
        assert pad.level is None and pad.tags == []
        assert isinstance(app.focused, RatingPad)
        assert "2" in str(screen.query_one("#rating-title", Static).render())
        assert screen.query_one("#recent", DataTable).row_count == 2
        # Good reviews open no case; both are queued for the server.
        assert Case.select().count() == 0
        assert Outbox.select().where(Outbox.kind == "feedback.rating").count() == 2


async def test_real_name_bad_review_is_masked_and_opens_a_case(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_entry(app, pilot)
        await pilot.press("f5")  # real name: focus goes to the name
        await pilot.press(*"张三")
        await pilot.press("tab", *GOOD_ID, "tab", *"13812345678")
        await pilot.pause()
        masked = str(screen.query_one("#person-masked", Static).render())
        assert "370303********1234" in masked and "138****5678" in masked
        assert GOOD_ID not in masked
        await pilot.press("f6", "2", "a", "b")
        await pilot.press("enter")
        await pilot.pause()
        assert Rating.select().count() == 1, (_error(screen), screen.read_draft())
        rating = Rating.get()
        assert rating.real_name and rating.applicant_id == GOOD_ID
        assert rating.level == 2 and json.loads(rating.tags) == ["等候时间长", "业务不熟练"]
        case = Case.get()
        assert case.source_id == rating.id and case.real_name and case.unit_site == "370303-ZWFW"
        assert "已为这条差评生成整改工单" in _error(screen)
        # The list shows the person masked; the next card is anonymous again.
        table = screen.query_one("#recent", DataTable)
        person = str(table.get_row_at(0)[5])
        assert person == "张* 370303********1234 138****5678"
        assert screen.query_one("#applicant-id", Input).value == ""
        assert screen.query_one("#applicant-id", Input).disabled


async def test_bad_input_is_refused_and_the_card_kept(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_entry(app, pilot)
        pad = screen.query_one("#pad", RatingPad)
        await pilot.press("7")
        assert "等级 7 不存在" in _error(screen) and pad.level is None
        await pilot.press("enter")  # no level yet
        assert "请选择评价等级" in _error(screen)
        await pilot.press("4", "z")
        assert "没有键为 z 的标签" in _error(screen)
        await pilot.press("b")
        # A case number in the wrong format, then Enter from the field.
        await pilot.click("#case-no")
        await pilot.press(*"12345", "enter")
        await pilot.pause()
        assert "办件编号 12345 格式不对" in _error(screen)
        assert "3703 开头" in _error(screen)
        assert screen.query_one("#case-no").has_class("invalid")
        # Everything else stays as keyed.
        assert pad.level == 4 and pad.tags == ["服务水平较好"]
        assert screen.query_one("#case-no", Input).value == "12345"
        assert Rating.select().count() == 0
        # A real-name card with an ID failing its check: refused, fields kept.
        await pilot.press("f5", *"李四", "tab", *"370303198001011238")
        await pilot.click("#case-no")
        screen.query_one("#case-no", Input).value = "370303202611280001"
        await pilot.press("enter")
        await pilot.pause()
        assert "校验位不正确" in _error(screen)
        assert screen.query_one("#applicant-id", Input).value == "370303198001011238"
        assert screen.query_one("#applicant-name", Input).value == "李四"
        assert pad.level == 4
        assert Rating.select().count() == 0
        # Fixed: saved.
        screen.query_one("#applicant-id", Input).value = GOOD_ID
        await pilot.press("f6", "enter")
        await pilot.pause()
        rating = Rating.get()
        assert rating.case_no == "370303202611280001" and rating.applicant_name == "李四"


async def test_case_number_format_is_a_site_setting(fb_runtime: Runtime) -> None:
    fb_runtime.config.plugin_settings["feedback"] = {
        "case_number_pattern": r"^ZB-\d{6}$",
        "case_number_hint": "ZB- 加 6 位数字",
    }
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_entry(app, pilot)
        screen.query_one("#case-no", Input).value = "370303202611280001"
        await pilot.press("3", "enter")
        await pilot.pause()
        assert "ZB- 加 6 位数字" in _error(screen)
        screen.query_one("#case-no", Input).value = "ZB-000123"
        await pilot.press("f6", "enter")
        await pilot.pause()
        assert Rating.get().case_no == "ZB-000123"


async def test_item_picked_by_words_with_the_lookup_search(data_dir) -> None:  # type: ignore[no-untyped-def]
    from core.catalog.models import Item, ItemUsage
    from tests.conftest import make_runtime

    runtime = make_runtime(data_dir, plugins=["about", "lookup", "feedback"])
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_entry(app, pilot)
        await pilot.click("#item-code")
        await pilot.press(*"开饭店")
        await pilot.pause()
        shown = str(screen.query_one("#item-name", Static).render())
        assert "1. " in shown
        await pilot.press("enter")  # picks the best match, does not save
        code = screen.query_one("#item-code", Input).value
        item = Item.get_by_id(code)
        assert item.name in shown
        assert Rating.select().count() == 0
        await pilot.press("f6", "5", "enter")
        await pilot.pause()
        rating = Rating.get()
        assert (rating.item_code, rating.item_name) == (item.code, item.name)
        assert rating.department == item.department
        assert ItemUsage.get_by_id(code).count >= 1
        # A code the catalog does not hold is refused now that there is a catalog.
        await pilot.click("#item-code")
        screen.query_one("#item-code", Input).value = "11370300MB0000000X"
        await pilot.press("f6", "4", "enter")
        await pilot.pause()
        assert "没有编码为 11370300MB0000000X 的事项" in _error(screen)


def test_the_lookup_item_action_opens_the_card_with_the_item(fb_runtime: Runtime) -> None:
    opened: list[str] = []
    fb_runtime.ui.open_screen = opened.append
    from core.auth import Session

    fb_runtime.session = Session("1001", "王丽", "clerk", "370303-ZWFW", None)
    actions = [a for a in fb_runtime.item_actions({"code": "X1", "name": "食品经营许可"})]
    rate_item = next(a for a in actions if a.id == "feedback.rate_item")
    rate_item.run({"code": "X1", "name": "食品经营许可"}, fb_runtime)
    assert opened == ["feedback.rating_entry"]
    assert fb_runtime.extras["feedback.rate_item"] == "X1"
    fb_runtime.session = Session("9001", "陈刚", "it_admin", "370303-ZWFW", None)
    assert not [a for a in fb_runtime.item_actions({"code": "X1"}) if a.plugin == "feedback"]


async def test_a_failed_write_keeps_the_card_and_saves_nothing(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_entry(app, pilot)
        fb_runtime.db.execute_sql("ALTER TABLE rating_tally RENAME TO rating_tally_away")
        await pilot.press("2", "a", "enter")
        await pilot.pause()
        assert "未能保存" in _error(screen)
        pad = screen.query_one("#pad", RatingPad)
        assert pad.level == 2 and pad.tags == ["等候时间长"]
        # The whole transaction rolled back: no rating, no case, nothing queued.
        assert Rating.select().count() == 0 and Case.select().count() == 0
        assert Outbox.select().count() == 0
        fb_runtime.db.execute_sql("ALTER TABLE rating_tally_away RENAME TO rating_tally")
        await pilot.press("enter")
        await pilot.pause()
        assert Rating.select().count() == 1 and Case.select().count() == 1


def _burst(app: SihaoApp, keys: list[str]) -> None:
    """Keys queued all at once, as a terminal hands over a fast typist's keys (Pilot's
    press waits for each key to be handled, which hides ordering bugs)."""
    from textual import events

    characters = {"tab": "\t", "enter": "\r"}
    for key in keys:
        character = characters.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def test_cards_keyed_faster_than_the_screen_draws_are_saved_as_typed(
    fb_runtime: Runtime,
) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_entry(app, pilot)
        # Three cards in one burst: 5 with tags a and c; 4; 5 with tag b.
        _burst(app, ["5", "a", "c", "enter", "4", "enter", "5", "b", "enter"])
        for _ in range(5):
            await pilot.pause()
        rows = list(Rating.select().order_by(Rating.created_at, Rating.id))
        assert [(r.level, json.loads(r.tags)) for r in rows] == [
            (5, ["服务效率高", "服务态度热情"]),
            (4, []),
            (5, [screen.tagset.tags_for("card", 5)[1]]),
        ], _error(screen)
        # A real-name bad review typed in one go: name, ID, phone, then level and tags.
        _burst(
            app, ["f5", *"张三", "tab", *GOOD_ID, "tab", *"13812345678", "f6", "2", "a", "enter"]
        )
        for _ in range(5):
            await pilot.pause()
        assert Rating.select().where(Rating.level == 2).exists(), (
            _error(screen),
            screen.read_draft(),
        )
        bad = Rating.select().where(Rating.level == 2).get()
        assert (bad.real_name, bad.applicant_name, bad.applicant_id) == (True, "张三", GOOD_ID)
        assert bad.applicant_phone == "13812345678" and json.loads(bad.tags) == ["等候时间长"]
