"""Driving the real app with Pilot."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input

from workstation.app import SihaoApp


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], *, timeout: float = 5.0
) -> bool:
    """Let the app run until ``condition`` holds (file watching is asynchronous)."""
    steps = int(timeout / 0.05)
    for _ in range(steps):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def sign_in(pilot: Pilot[None], staff_no: str, pin: str = "123456") -> None:
    app = pilot.app
    assert isinstance(app, SihaoApp)
    app.screen.query_one("#staff-no", Input).value = staff_no
    app.screen.query_one("#pin", Input).value = pin
    await pilot.click("#sign-in-button")
    await pilot.pause()


def notifications(app: SihaoApp) -> list[str]:
    return [n.message for n in app._notifications]
