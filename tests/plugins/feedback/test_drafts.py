"""Work is never lost: a half-filled inspection or rating card survives Esc, F1 and
sign-out, comes back when the form is opened again, and goes only when saved or
discarded on purpose (Ctrl+D twice)."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static

from core import drafts
from core.runtime import Runtime
from plugins.feedback.models import Inspection, Rating
from plugins.feedback.ui.inspection_screen import InspectionScreen
from plugins.feedback.ui.rating_entry import RatingEntryScreen
from plugins.feedback.ui.rating_pad import RatingPad
from tests.workstation.helpers import open_as, sign_in
from workstation.app import SihaoApp
from workstation.screens.home import HomeScreen
from workstation.screens.signin import SignInScreen

INSPECTION = "feedback.inspection"
ENTRY = "feedback.rating_entry"


async def _fill_inspection(pilot, screen: InspectionScreen) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*"A02", "tab", *"85", "tab", *"70")
    await pilot.click("#finding-text")
    await pilot.press(*"自助机故障", "ctrl+f")
    await pilot.pause()
    await pilot.click("#inspection-note")
    await pilot.press(*"午间抽查")
    await pilot.pause()


async def _sign_out(pilot) -> None:  # type: ignore[no-untyped-def]
    """F10; where the shell asks first about unsaved input, the answer is yes."""
    await pilot.press("f10")
    await pilot.pause()
    if pilot.app.screen.id == "confirm":
        await pilot.click("#confirm-yes")
        await pilot.pause()


def _inspection_values(screen: InspectionScreen) -> tuple[str, str, str, int, str]:
    return (
        screen.query_one("#target-ref", Input).value,
        screen.query_one("#score-guide", Input).value,
        screen.query_one("#score-waiting", Input).value,
        screen.query_one("#findings", DataTable).row_count,
        screen.query_one("#inspection-note", Input).value,
    )


async def test_an_inspection_survives_esc_home_and_sign_out(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", INSPECTION, InspectionScreen)
        assert screen.unsaved_input() is None  # nothing typed: nothing to ask about
        await _fill_inspection(pilot, screen)
        expected = ("A02", "85", "70", 1, "午间抽查")
        assert _inspection_values(screen) == expected
        assert screen.unsaved_input() == "未保存的检查记录（已存为草稿）"
        # Esc: back home; the form comes back when opened again.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.open_screen(INSPECTION)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InspectionScreen)
        assert _inspection_values(screen) == expected
        assert "已恢复未保存的检查" in str(screen.query_one("#inspection-error", Static).render())
        assert "加权得分：78.57" in str(screen.query_one("#weighted", Static).render())
        # F1 right after typing more: the last keys are kept too.
        await pilot.click("#score-attitude")
        await pilot.press(*"90", "f1")
        await pilot.pause()
        app.open_screen(INSPECTION)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InspectionScreen)
        assert screen.query_one("#score-attitude", Input).value == "90"
        # Sign-out (F10) and back in: the same person gets it back …
        await _sign_out(pilot)
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "4001")  # … another person does not
        app.open_screen(INSPECTION)
        await pilot.pause()
        assert app.screen.query_one("#target-ref", Input).value == ""
        await _sign_out(pilot)
        screen = await open_as(pilot, "3001", INSPECTION, InspectionScreen)
        assert _inspection_values(screen)[:2] == ("A02", "85")
        assert screen.query_one("#score-attitude", Input).value == "90"
        # Discarded on purpose: Ctrl+D twice. Once only asks.
        await pilot.press("ctrl+d")
        assert "再按一次 Ctrl+D" in str(screen.query_one("#inspection-error", Static).render())
        assert drafts.load("3001", INSPECTION) is not None
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert _inspection_values(screen) == ("", "", "", 0, "")
        assert drafts.load("3001", INSPECTION) is None
        await pilot.press("escape")
        await pilot.pause()
        app.open_screen(INSPECTION)
        await pilot.pause()
        assert app.screen.query_one("#target-ref", Input).value == ""


async def test_a_saved_inspection_leaves_no_draft(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", INSPECTION, InspectionScreen)
        await pilot.press(*"A02")
        for indicator in screen.indicators.indicators:
            screen.query_one(f"#score-{indicator.code}", Input).value = "80"
        await pilot.pause(0.7)  # past the typing pause: the draft is written
        assert drafts.load("3001", INSPECTION) is not None
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert Inspection.select().count() == 1
        assert drafts.load("3001", INSPECTION) is None
        await pilot.press("escape")
        await pilot.pause()
        assert drafts.load("3001", INSPECTION) is None


async def test_a_half_keyed_rating_card_comes_back(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", ENTRY, RatingEntryScreen)
        screen.query_one("#window", Select).value = "A01"
        await pilot.press("2", "a", "c")
        await pilot.click("#case-no")
        await pilot.press(*"370303202611280001")
        await pilot.pause()
        assert screen.unsaved_input() == "未保存的评议卡（已存为草稿）"
        await pilot.press("escape")
        await pilot.pause()
        app.open_screen(ENTRY)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RatingEntryScreen)
        pad = screen.query_one("#pad", RatingPad)
        assert pad.level == 2 and pad.tags == ["等候时间长", "服务态度冷淡"]
        assert screen.query_one("#case-no", Input).value == "370303202611280001"
        assert screen.query_one("#window", Select).value == "A01"
        # Saved: the draft is gone, the next card starts blank.
        await pilot.press("f6", "enter")
        await pilot.pause()
        assert Rating.select().count() == 1
        assert drafts.load("3001", ENTRY) is None
        assert screen.unsaved_input() is None
        await pilot.press("escape")
        await pilot.pause()
        app.open_screen(ENTRY)
        await pilot.pause()
        assert app.screen.query_one("#pad", RatingPad).level is None
