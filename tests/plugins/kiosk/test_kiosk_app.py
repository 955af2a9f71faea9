"""The hall kiosk driven by Pilot: tiles from plugins, search to guide, printing,
the nearest point, rating the hall, the idle reset, and no way into staff screens."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Static

from core.runtime import Runtime
from tests.conftest import make_runtime
from workstation.kiosk_app import KioskApp, StartScreen
from workstation.screens.base import SihaoScreen
from workstation.screens.kiosk_base import KioskScreen

PLUGINS = ["about", "lookup", "guides", "feedback", "printing", "kiosk"]
SIZE = (100, 40)


@pytest.fixture
def kiosk_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=PLUGINS)
    yield rt
    rt.shutdown()


def _text(widget: Static) -> str:
    return str(widget.render())


async def until(pilot, check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``check()`` holds (a loaded machine is slow), or fail."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "the kiosk did not get there in time"
        await pilot.pause(0.05)


async def _type(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        await pilot.press(ch)


async def test_start_shows_the_tiles_plugins_offer(kiosk_runtime: Runtime) -> None:
    app = KioskApp(kiosk_runtime, idle_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        tiles = [b.name for b in app.screen.query(".kiosk-tile").results(Button)]
        assert tiles == ["kiosk.search", "kiosk.points", "feedback.kiosk_rating"]
        assert app.registry.item_page() is not None
        assert app.registry.item_page().plugin == "guides"


async def test_search_opens_the_guide_and_prints_it(kiosk_runtime: Runtime) -> None:
    from core.printing import queue_for

    # The kiosk's own printer (a CUPS queue); the job is queued whether CUPS runs or not.
    kiosk_runtime.config.plugin_settings["kiosk"] = {"printer": "KioskPrinter"}
    app = KioskApp(kiosk_runtime, idle_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#tile-kiosk-search")
        await pilot.pause()
        await _type(pilot, "食品经营")
        await until(pilot, lambda: getattr(app.screen, "shown_query", "") == "食品经营")
        await pilot.pause()
        results = list(app.screen.query(".kiosk-result").results(Button))
        assert "食品经营许可" in str(results[0].label)
        code = results[0].name
        await pilot.click(f"#{results[0].id}")
        await until(pilot, lambda: type(app.screen).__name__ == "KioskGuideScreen")
        assert app.screen.code == code
        guide = _text(app.screen.query_one("#kiosk-guide", Static))
        assert "要带什么材料" in guide and "办理时限" in guide
        jobs_before = len(queue_for(kiosk_runtime).jobs())
        await pilot.click("#kiosk-print")
        await pilot.pause()
        note = _text(app.screen.query_one("#kiosk-print-note", Static))
        assert "打印" in note
        jobs = queue_for(kiosk_runtime).jobs()
        assert len(jobs) == jobs_before + 1
        assert "办事指南" in jobs[0].title and jobs[0].printer == "KioskPrinter"
    text = subprocess.run(
        ["pdftotext", str(jobs[0].spool), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "食品经营许可" in text and "要带什么材料" in text


async def test_nearest_point_for_a_village(kiosk_runtime: Runtime) -> None:
    app = KioskApp(kiosk_runtime, idle_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#tile-kiosk-points")
        await pilot.pause()
        await _type(pilot, "华侨城")
        await until(pilot, lambda: list(app.screen.query(".kiosk-choice")))
        places = list(app.screen.query(".kiosk-choice").results(Button))
        assert places and "华侨城" in str(places[0].label)
        await pilot.click(f"#{places[0].id}")
        await pilot.pause()
        shown = _text(app.screen.query_one("#kiosk-point", Static))
        assert "车站街道华侨城社区便民服务站" in shown
        assert "张店区政务服务中心" in shown  # the halls above it


async def test_rating_the_hall_stores_an_anonymous_kiosk_rating(kiosk_runtime: Runtime) -> None:
    from plugins.feedback.models import Case, Rating

    app = KioskApp(kiosk_runtime, idle_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#tile-feedback-kiosk_rating")
        await pilot.pause()
        await pilot.click("#kiosk-rating-submit")  # no level yet: refused, said why
        await pilot.pause()
        assert "1" in _text(app.screen.query_one("#kiosk-rating-note", Static))
        assert Rating.select().count() == 0
        await pilot.click("#level-2")
        await pilot.pause()
        await pilot.click("#tag-0")
        await pilot.click("#kiosk-rating-submit")
        await pilot.pause()
        assert "感谢" in _text(app.screen.query_one("#kiosk-rating-note", Static))
    rating = Rating.get()
    assert (rating.channel, rating.target, rating.level, rating.actor) == ("kiosk", "hall", 2, "")
    assert rating.real_name is False and rating.applicant_phone == ""
    assert rating.tags == '["等候时间长"]'
    # A bad review opens its rectification case, like a card's.
    assert Case.get(Case.source_id == rating.id).level == 2


async def test_idle_timeout_clears_what_was_typed(kiosk_runtime: Runtime) -> None:
    app = KioskApp(kiosk_runtime, idle_seconds=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#tile-kiosk-search")
        await pilot.pause()
        await _type(pilot, "企业")
        await pilot.pause(0.3)
        assert app.screen.query_one("#kiosk-query", Input).value == "企业"
        await asyncio.sleep(1.5)
        await until(pilot, lambda: isinstance(app.screen, StartScreen))
        assert len(app.screen_stack) == 2
        assert app.resets == 1
        await pilot.click("#tile-kiosk-search")
        await pilot.pause()
        assert app.screen.query_one("#kiosk-query", Input).value == ""
        assert not list(app.screen.query(".kiosk-result"))


STAFF_KEYS = [
    "ctrl+p", "ctrl+q", "ctrl+c", "f1", "f10", "escape", "ctrl+s", "ctrl+g", "ctrl+y",
    "ctrl+d", "ctrl+z", "ctrl+backslash", "f2", "f5", "f12", "ctrl+l", "ctrl+o",
]  # fmt: skip


async def test_no_key_leads_out_or_to_a_staff_screen(kiosk_runtime: Runtime) -> None:
    app = KioskApp(kiosk_runtime, idle_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        assert set(app._bindings.key_to_bindings) == {"tab", "shift+tab"}
        for tile in ("#tile-kiosk-search", "#tile-feedback-kiosk_rating", "#tile-kiosk-points"):
            await pilot.click(tile)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, KioskScreen)
            assert not screen._bindings.key_to_bindings  # a kiosk screen binds nothing
            for key in STAFF_KEYS:
                await pilot.press(key)
                await pilot.pause()
                assert app.is_running
                assert all(not isinstance(s, SihaoScreen) for s in app.screen_stack)
                assert not type(app.screen).__name__.startswith("CommandPalette")
            await pilot.click("#kiosk-home")
            await pilot.pause()
            assert isinstance(app.screen, StartScreen)
        # A plugin asking the shell for a staff screen gets nothing.
        kiosk_runtime.ui.open_screen("feedback.rating_entry")
        from plugins.feedback.ui.rating_entry import RatingEntryScreen

        kiosk_runtime.ui.push_screen(RatingEntryScreen(kiosk_runtime))
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert app.is_running


async def test_a_key_after_the_page_lost_focus_still_lands(kiosk_runtime: Runtime) -> None:
    """In a browser the page's blur takes the focus off the screen; the next key
    gives it back to the screen's first button, so Enter opens the first tile."""
    from textual import events

    app = KioskApp(kiosk_runtime, idle_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(events.AppBlur())
        await pilot.pause()
        assert app.screen.focused is None
        app.screen.set_focus(None)
        app._last_focused_on_app_blur = None  # as when the blur came before the first focus
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "KioskSearchScreen")
