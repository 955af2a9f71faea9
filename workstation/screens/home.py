"""Home: a tile for each enabled plugin screen the signed-in role may use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import Grid, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Static

from core.i18n import _
from core.registry import ScreenSpec
from core.roles import Role
from workstation.screens.base import SihaoScreen

PLUGINS_TILE = "shell.plugins"
STAFF_TILE = "shell.staff"


class HomeScreen(SihaoScreen):
    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="home")
        self.specs: dict[str, ScreenSpec] = {}

    def tiles(self) -> list[ScreenSpec]:
        session = self.runtime.session
        if session is None:
            return []
        return [s for s in self.runtime.screens().for_role(session.role) if s.tile]

    def compose_body(self) -> Iterable[Widget]:
        session = self.runtime.session
        greeting = _("Welcome, {name}").format(name=session.name) if session else ""
        with VerticalScroll(id="home-body"):
            yield Static(greeting, id="greeting")
            with Grid(id="tiles"):
                yield from self._tile_widgets()
            yield Static(_("No plugin offers a screen for your role at this site."), id="no-tiles")

    def on_mount(self) -> None:
        self._show_empty_hint()

    def _tile_widgets(self) -> list[Button]:
        session = self.runtime.session
        specs = self.tiles()
        self.specs = {spec.id: spec for spec in specs}
        widgets = [self._tile(spec) for spec in specs]
        if session is not None and session.role == Role.IT_ADMIN:
            widgets.append(
                Button(
                    _("Plugins") + "\n" + _("Enable or disable plugins for this site"),
                    id="tile-" + PLUGINS_TILE.replace(".", "-"),
                    classes="tile",
                )
            )
            widgets.append(
                Button(
                    _("Staff") + "\n" + _("Add, deactivate, reset a PIN, unlock an account"),
                    id=self.tile_id(STAFF_TILE),
                    classes="tile",
                )
            )
        return widgets

    def _show_empty_hint(self) -> None:
        self.query_one("#no-tiles").display = not self.specs

    def _tile(self, spec: ScreenSpec) -> Button:
        label = spec.title()
        description = spec.description()
        if description:
            label += "\n" + description
        classes = "tile"
        if spec.badge is not None:
            try:
                badge = spec.badge(self.runtime)
            except Exception as exc:
                self.runtime.host.fail(spec.plugin, exc, "a home tile")
                badge = None
            if badge is not None:
                label += "\n" + badge.text
                if badge.alert:
                    classes += " alert"
        return Button(label, id=self.tile_id(spec.id), classes=classes)

    @staticmethod
    def tile_id(screen_id: str) -> str:
        return "tile-" + screen_id.replace(".", "-")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id == self.tile_id(PLUGINS_TILE):
            self.app.open_plugins_screen()  # type: ignore[attr-defined]
            return
        if button_id == self.tile_id(STAFF_TILE):
            self.app.open_staff_screen()  # type: ignore[attr-defined]
            return
        for spec in self.specs.values():
            if self.tile_id(spec.id) == button_id:
                self.app.open_screen(spec.id)  # type: ignore[attr-defined]
                return

    async def refresh_tiles(self) -> None:
        """Rebuild the tiles only (a policy or badge changed); the rest of the screen stays."""
        grid = self.query_one("#tiles", Grid)
        await grid.remove_children()
        await grid.mount_all(self._tile_widgets())
        self._show_empty_hint()
