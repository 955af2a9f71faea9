"""Driving the real app with Pilot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input

from workstation.app import SihaoApp
from workstation.screens.plugins import PluginsScreen


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


ScreenT = TypeVar("ScreenT", bound=Screen[Any])


async def open_as(
    pilot: Pilot[None], staff_no: str, screen_id: str, kind: type[ScreenT]
) -> ScreenT:
    """Sign in as ``staff_no`` and open ``screen_id`` as a tile or the palette does;
    the screen, checked to be a ``kind``."""
    await sign_in(pilot, staff_no)
    app = pilot.app
    assert isinstance(app, SihaoApp)
    app.open_screen(screen_id)
    await pilot.pause()
    assert isinstance(app.screen, kind), app.screen
    return app.screen


def notifications(app: SihaoApp) -> list[str]:
    return [n.message for n in app._notifications]


async def open_plugins_screen(pilot: Pilot[None], name: str) -> DataTable[Any]:
    """Sign in as IT, open the Plugins screen, put the cursor on plugin ``name``."""
    app = pilot.app
    await sign_in(pilot, "9001")
    await pilot.click("#tile-shell-plugins")
    await pilot.pause()
    assert isinstance(app.screen, PluginsScreen)
    table: DataTable[Any] = app.screen.query_one(DataTable)
    names = [table.get_row_at(i)[0] for i in range(table.row_count)]
    table.move_cursor(row=names.index(name))
    return table


def row_of(table: DataTable[Any], name: str) -> list[Any]:
    names = [table.get_row_at(i)[0] for i in range(table.row_count)]
    return list(table.get_row_at(names.index(name)))


def tile_ids(app: SihaoApp) -> set[str]:
    return {b.id or "" for b in app.screen.query(".tile").results(Button)}
