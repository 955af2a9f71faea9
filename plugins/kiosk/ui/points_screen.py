"""Where to go: the nearest service point for the place a citizen names.

Type a town or village (镇街, 村社区), touch the place, and the kiosk shows the
point there and the halls above it, with address and telephone (the site
directory of the catalog, ``core.catalog.directory``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from core.catalog import directory
from core.i18n import _
from workstation.screens.kiosk_base import KioskScreen

PLACES = 10


def point_text(point: dict[str, Any]) -> str:
    lines = [f"{point['name']}（{point['level']}）"]
    if point.get("address"):
        lines.append(_("Address: {address}").format(address=point["address"]))
    if point.get("phone"):
        lines.append(_("Telephone: {phone}").format(phone=point["phone"]))
    if point.get("hours"):
        lines.append(_("Opening hours: {hours}").format(hours=point["hours"]))
    return "\n".join(lines)


class KioskPointsScreen(KioskScreen):
    def title_text(self) -> str:
        return _("Nearest service point")

    def compose_body(self) -> Iterable[Widget]:
        yield Input(
            placeholder=_("Type your town or village, e.g. 湖田"),
            id="kiosk-place",
            max_length=30,
            classes="kiosk-input",
        )
        yield Static("", id="kiosk-points-note", classes="kiosk-note")
        yield Vertical(id="kiosk-places")
        yield Static("", id="kiosk-point", markup=False)

    def on_mount(self) -> None:
        self._showing = asyncio.Lock()
        self.set_focus(self.query_one("#kiosk-place", Input))

    async def on_input_changed(self, event: Input.Changed) -> None:
        async with self._showing:  # one at a time: each replaces the buttons of the last
            await self._show_places(event.value)

    async def _show_places(self, value: str) -> None:
        places = directory.find_places(value)[:PLACES]
        box = self.query_one("#kiosk-places", Vertical)
        await box.remove_children()
        self.query_one("#kiosk-point", Static).update("")
        note = self.query_one("#kiosk-points-note", Static)
        if not value.strip():
            note.update("")
            return
        if not places:
            note.update(_("No place of that name. Try the town's name."))
            return
        note.update(_("Touch your place."))
        await box.mount_all(
            Button(Text(p["name"]), name=p["code"], id=f"place-{n}", classes="kiosk-choice")
            for n, p in enumerate(places)
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("kiosk-choice") and event.button.name:
            event.stop()
            self.show_point(event.button.name)
            return
        super().on_button_pressed(event)

    def show_point(self, code: str) -> None:
        nearest = directory.nearest_point(code)
        target = self.query_one("#kiosk-point", Static)
        if nearest is None:
            target.update(_("This place is not in the directory."))
            return
        parts = [_("Nearest service point:"), point_text(nearest.point)]
        above = [p for p in nearest.chain if p["code"] != nearest.point["code"]]
        if above:
            parts.append("")
            parts.append(_("Halls above it handle what it does not:"))
            parts.extend(point_text(p) for p in above)
        target.update("\n".join(parts))
