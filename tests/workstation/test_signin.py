from __future__ import annotations

from textual.widgets import Input, Static

from core.models import Staff
from core.runtime import Runtime
from tests.workstation.helpers import sign_in
from workstation.app import SihaoApp
from workstation.screens.home import HomeScreen
from workstation.screens.signin import SignInScreen


async def test_good_pin_opens_home_and_sign_out_returns(runtime: Runtime) -> None:
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        # The demo accounts are listed in demo mode.
        assert app.screen.query_one("#demo-accounts").row_count == 6
        await pilot.click("#staff-no")
        await pilot.press(*"1001")
        await pilot.press("enter")
        await pilot.press(*"123456")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert runtime.session is not None and runtime.session.staff_no == "1001"
        status = str(app.screen.query_one("#status-bar", Static).render())
        assert "张店区政务服务中心" in status and "王丽" in status and "窗口工作人员" in status
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert runtime.session is None


async def test_wrong_pin_then_lockout(runtime: Runtime) -> None:
    runtime.config.security.max_pin_attempts = 3
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        for _attempt in (1, 2):
            await sign_in(pilot, "1002", "000000")
            error = str(app.screen.query_one("#sign-in-error", Static).render())
            assert "连续输错 3 次" in error
            assert app.screen.query_one("#pin", Input).value == ""
        await sign_in(pilot, "1002", "000000")
        assert "已锁定" in str(app.screen.query_one("#sign-in-error", Static).render())
        # Even the right PIN is refused while locked.
        await sign_in(pilot, "1002", "123456")
        assert isinstance(app.screen, SignInScreen)
        assert "已锁定" in str(app.screen.query_one("#sign-in-error", Static).render())
        assert Staff.get_by_id("1002").locked_until is not None


async def test_demo_accounts_hidden_outside_demo_mode(runtime: Runtime) -> None:
    runtime.config.mode = "production"
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)):
        assert not app.screen.query("#demo-accounts")


async def test_small_counter_terminal_shows_form_status_and_keys(runtime: Runtime) -> None:
    """80x24, the smallest terminal at a counter: nothing the clerk needs is hidden."""
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        button = app.screen.query_one("#sign-in-button")
        assert button.region.bottom <= 22
        status = app.screen.query_one("#status-bar")
        assert status.region.y == 22 and status.region.height == 1
        await sign_in(pilot, "1001")
        status = app.screen.query_one("#status-bar")
        footer = app.screen.query_one("Footer")
        assert status.region.y == 22 and footer.region.y == 23


def _typed_at_once(app: SihaoApp, keys: list[str]) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued before the first
    is handled (Pilot.press waits for each key, which hides ordering bugs)."""
    from textual import events

    named = {"tab": "\t", "enter": "\r", "shift+tab": None}
    for key in keys:
        app.post_message(events.Key(key, named.get(key, key)))


async def test_a_burst_of_keys_signs_in_and_never_leaves_the_pin_in_sight(
    runtime: Runtime,
) -> None:
    """A clerk types 1001, Tab, the PIN and Enter before the screen has caught up:
    Tab used to act after the PIN had gone into the staff number field, in clear."""
    for separator in ("tab", "enter"):
        app = SihaoApp(runtime, watch=False)
        async with app.run_test(size=(120, 40)) as pilot:
            _typed_at_once(app, [*"1001", separator, *"123456", "enter"])
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen), separator
            assert runtime.session is not None and runtime.session.staff_no == "1001"
        runtime.session = None
