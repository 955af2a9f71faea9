"""The lookup screens at the counter: burst input from a reader, small terminals."""

from __future__ import annotations

import random

import pytest
from textual import events
from textual.widgets import DataTable, Input, Select, Static, Tab, TabbedContent

from core.i18n import set_language
from core.runtime import Runtime
from plugins.lookup.ui.clipboard import terminal_takes_clipboard
from tests.workstation.helpers import notifications, sign_in
from workstation.app import SihaoApp


def _burst(app: SihaoApp, keys: list[str]) -> None:
    """Keys queued all at once, as a barcode or ID-card reader delivers them (Pilot's
    press waits for each key to be handled, which hides lost keys)."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def _typed(keys: list[str]) -> str:
    """What a box holds after ``keys``, by the plain rules of a line editor."""
    text, cursor = "", 0
    for key in keys:
        if key == "backspace":
            text, cursor = text[: max(cursor - 1, 0)] + text[cursor:], max(cursor - 1, 0)
        elif key == "left":
            cursor = max(cursor - 1, 0)
        elif key == "right":
            cursor = min(cursor + 1, len(text))
        elif key == "home":
            cursor = 0
        elif key == "end":
            cursor = len(text)
        else:
            text, cursor = text[:cursor] + key + text[cursor:], cursor + 1
    return text


async def _settle(pilot: object, rounds: int = 20) -> None:
    for _ in range(rounds):
        await pilot.pause()  # type: ignore[attr-defined]


async def test_no_key_is_lost_in_a_burst(lookup_runtime: Runtime) -> None:
    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.search")
        await pilot.pause()
        query = app.screen.query_one("#lookup-query", Input)
        # The case from the counter: a correction, then the next word, at reader speed.
        for keys in (
            [*"开饭店", "backspace", "backspace", "backspace", *"kfd"],
            ["backspace", *"开饭店"],
        ):
            query.value = ""
            await pilot.pause()
            _burst(app, keys)
            await _settle(pilot)
            assert query.value == _typed(keys)
        # 200 keys: hanzi, letters, digits, corrections and cursor moves, all queued.
        rng = random.Random(20261207)
        alphabet = [*"开饭店营业执照食品许可", *"kfdyyzz0123", "backspace", "left", "right"]
        keys = [rng.choice(alphabet) for _ in range(196)] + ["home", *"开", "end"]
        query.value = ""
        await pilot.pause()
        _burst(app, keys)
        await _settle(pilot, 60)
        assert query.value == _typed(keys)
        # The directory's boxes keep the order too.
        app.open_screen("lookup.directory")
        await _settle(pilot, 2)
        place = app.screen.query_one("#directory-query", Input)
        keys = [*"张店", "backspace", *"店区车站", "left", "backspace", "end", *"街道"]
        _burst(app, keys)
        await _settle(pilot, 20)
        assert place.value == _typed(keys)


SIZES = [(80, 24), (120, 40)]
LAYOUTS = [(lang, size) for lang in ("zh_CN", "en") for size in SIZES]


def _shown_through(table: DataTable, last: int) -> bool:
    """Whether columns 0..last fit the table's width (none pushed off the right)."""
    columns = list(table.columns.values())[: last + 1]
    return sum(c.get_render_width(table) for c in columns) <= table.size.width


async def _lookup(app: SihaoApp, pilot: object) -> None:
    await sign_in(pilot, "1001")  # type: ignore[arg-type]
    app.open_screen("lookup.search")
    await _settle(pilot, 2)


@pytest.mark.parametrize(("lang", "size"), LAYOUTS)
async def test_lookup_filters_and_columns_fit(
    lookup_runtime: Runtime, lang: str, size: tuple[int, int]
) -> None:
    set_language(lang)
    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await _lookup(app, pilot)
        filters = app.screen.query_one("#lookup-filters")
        # One line: no prompt wraps (全部部 / 门), and every filter is on screen.
        assert filters.region.height == 1
        for select in app.screen.query("#lookup-filters Select").results(Select):
            assert select.region.height == 1 and select.region.right <= size[0]
        app.screen.query_one("#lookup-query", Input).value = "食品经营许可"
        await _settle(pilot, 3)
        table = app.screen.query_one("#lookup-results", DataTable)
        assert table.row_count > 0
        # Item, department, level, online and matched-by all show; the name uncut
        # where it fits (（新设） and （注销） tell items apart).
        assert _shown_through(table, 4)
        assert "食品经营许可（新设）" in [str(table.get_row_at(r)[0]) for r in range(3)]
        assert list(table.columns.values())[0].get_render_width(table) >= 2 + 20


@pytest.mark.parametrize(("lang", "size"), LAYOUTS)
async def test_approximate_results_say_so_and_which_words_matched(
    lookup_runtime: Runtime, lang: str, size: tuple[int, int]
) -> None:
    set_language(lang)
    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await _lookup(app, pilot)
        query = app.screen.query_one("#lookup-query", Input)
        reading = app.screen.query_one("#lookup-reading", Static)
        status = app.screen.query_one("#lookup-status", Static)
        table = app.screen.query_one("#lookup-results", DataTable)
        query.value = "我想开个饭店"
        await _settle(pilot, 3)
        names = [str(table.get_row_at(r)[0]) for r in range(min(3, table.row_count))]
        assert "食品经营许可（新设）" in names
        line = str(reading.render())
        assert reading.display and reading.region.height >= 1
        if lang == "zh_CN":
            assert line.startswith("近似结果：按“开”“饭店”匹配") and "略去“我想”“个”" in line
            # The bundle the phrase names is offered first.
            assert str(status.render()).startswith("相关一件事：开饭店")
        else:
            assert line.startswith("Approximate: matched by “开”“饭店”")
            assert "left out “我想”“个”" in line
            assert str(status.render()).startswith("One-thing bundle: 开饭店")
        # A homophone slip says what it matched by sound.
        query.value = "营业职照"
        await _settle(pilot, 3)
        assert "企业设立登记" in [str(table.get_row_at(r)[0]) for r in range(3)]
        assert "“营业职照”" in str(reading.render())
        # Found as typed: no approximate line.
        query.value = "开饭店"
        await _settle(pilot, 3)
        assert not reading.display and table.row_count > 0
        # Nothing related: an empty list, and what to try.
        query.value = "今天天气真好"
        await _settle(pilot, 3)
        assert table.row_count == 0 and not reading.display
        assert ("yyzz" in str(status.render())) and ("开饭店" in str(status.render()))


@pytest.mark.parametrize(("lang", "size"), LAYOUTS)
async def test_item_tabs_and_material_columns_fit(
    lookup_runtime: Runtime, lang: str, size: tuple[int, int]
) -> None:
    from core.catalog import store
    from plugins.lookup.ui.item_screen import ItemScreen

    set_language(lang)
    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        item = next(i for i in store.iter_items() if i["name"] == "食品经营许可（新设）")
        await app.push_screen(ItemScreen(lookup_runtime, item["code"]))
        await _settle(pilot, 2)
        tabbed = app.screen.query_one("#item-tabs", TabbedContent)
        for pane in ("tab-materials", "tab-faq", "tab-basic"):
            tabbed.active = pane
            await _settle(pilot, 3)
            # Every tab whole on screen, whichever is chosen (基本信息 was cut to 本信息).
            for tab in tabbed.query(Tab).results(Tab):
                assert tab.region.x >= tabbed.region.x, (pane, str(tab.label))
                assert tab.region.right <= tabbed.region.right, (pane, str(tab.label))
        tabbed.active = "tab-materials"
        await _settle(pilot, 3)
        materials = app.screen.query_one("#item-materials", DataTable)
        assert _shown_through(materials, 2)  # material, form, copies
        if size[0] >= 120:
            assert _shown_through(materials, 4)  # source and "bring?" too
        # A name cut in the table is whole in the line under it.
        longest = max(item["materials"], key=lambda m: len(m["name"]))
        materials.move_cursor(row=[m["key"] for m in item["materials"]].index(longest["key"]))
        await _settle(pilot, 2)
        assert longest["name"] in str(app.screen.query_one("#material-detail", Static).render())


@pytest.mark.parametrize(("lang", "size"), LAYOUTS)
async def test_bundle_columns_fit_and_days_are_honest(
    lookup_runtime: Runtime, lang: str, size: tuple[int, int]
) -> None:
    from core.catalog import store

    set_language(lang)
    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.bundles")
        await _settle(pilot, 2)
        listing = app.screen.query_one("#bundle-list", DataTable)
        title = app.screen.query_one("#bundle-title", Static)
        items_of = {i["code"]: i for i in store.iter_items()}
        rows = [str(listing.get_row_at(r)[0]) for r in range(listing.row_count)]
        for bundle in store.bundles():
            listing.move_cursor(row=rows.index(bundle["name"]))
            await _settle(pilot, 3)
            spot = [items_of[c]["on_the_spot"] for c in bundle["items"]]
            text = str(title.render())
            if all(spot):  # every step done at the counter: no "0 working days"
                assert ("全部当场办结" if lang == "zh_CN" else "all done on the spot") in text
                assert "0 个工作日" not in text and "added up: 0" not in text
            else:
                assert ("承诺时限合计" if lang == "zh_CN" else "added up") in text
            materials = app.screen.query_one("#bundle-materials", DataTable)
            assert _shown_through(materials, 1), bundle["name"]  # material and "bring?"
            if size[0] >= 120:
                assert _shown_through(materials, 3)  # form and copies too
            bt = app.screen.query_one("#bundle-items", DataTable)
            assert _shown_through(bt, 3), bundle["name"]


def test_which_terminals_take_clipboard_text() -> None:
    assert terminal_takes_clipboard({"TERM_PROGRAM": "WezTerm"}, headless=False) is True
    assert terminal_takes_clipboard({"WT_SESSION": "1", "TERM": "xterm"}, headless=False) is True
    assert terminal_takes_clipboard({"TERM": "linux"}, headless=False) is False
    assert terminal_takes_clipboard({"VTE_VERSION": "7600"}, headless=False) is False
    assert terminal_takes_clipboard({"TERM_PROGRAM": "Apple_Terminal"}, headless=False) is False
    assert terminal_takes_clipboard({"TERM": "xterm-256color"}, headless=False) is None
    assert terminal_takes_clipboard({"TERM_PROGRAM": "WezTerm"}, headless=True) is False


async def test_copy_says_copied_only_when_the_terminal_took_it(lookup_runtime: Runtime) -> None:
    from core.catalog import store
    from plugins.lookup.ui.item_screen import ItemScreen

    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        item = next(i for i in store.iter_items() if i["name"] == "食品经营许可（新设）")
        await app.push_screen(ItemScreen(lookup_runtime, item["code"]))
        await _settle(pilot, 2)
        await pilot.press("ctrl+y")  # the lookup's own "copy materials"
        await _settle(pilot, 3)
        said = notifications(app)
        # No terminal here (headless): nothing took the text, so not "copied"; it is
        # in a file the notice names, as the clerk would paste it.
        assert not any("已复制到剪贴板" in n for n in said), said
        saved = sorted(lookup_runtime.paths.exports_dir.glob(f"{item['code']}-*.txt"))
        assert len(saved) == 1 and any(str(saved[0]) in n for n in said), said
        text = saved[0].read_text(encoding="utf-8")
        assert text.strip() == app.clipboard.strip() and item["name"] in text
