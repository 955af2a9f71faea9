"""The hall kiosk: a citizen-facing Textual app over the same plugins (``sihao kiosk``).

The staff shell (``workstation.app``) is never loaded here: no sign-in, no home of
staff tiles, no command palette, no screen a plugin registers for staff. The start
screen shows the tiles plugins offer through ``sihao_kiosk_screens``
(``core.kiosk``); an item opens the item page a plugin offers (the guide), or a
short page of the kiosk's own.

Nothing leads out. The app inherits no key bindings (Textual's Ctrl+Q and Ctrl+C
quit, Ctrl+P palette are gone) and its screens have none but Tab; what a plugin's
screen asks of the shell is limited to opening another kiosk screen or an item.
It runs until the process is stopped (IT's service manager; in a browser, until
the page closes).

Idle. Any key, click or touch counts as activity. After the site's
``kiosk.idle_seconds`` without any, every screen above the start is dropped and
the start screen made anew, so nothing one citizen typed or chose is left for
the next.
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Static

from core.catalog.search import SearchService
from core.i18n import _
from core.kiosk import KioskRegistry, kiosk_screens
from core.runtime import UI
from workstation.screens.kiosk_base import KioskScreen

log = logging.getLogger(__name__)

DEFAULT_IDLE_SECONDS = 90
PRINTER_KEY = "kiosk.printer"
SEARCH_KEY = "catalog.search"  # the shared lookup (docs/plugins.md)  # the kiosk's printer, for a plugin's print button


def idle_seconds_setting(runtime: Any) -> int:
    value = runtime.settings("kiosk").get("idle_seconds", DEFAULT_IDLE_SECONDS)
    if isinstance(value, int) and not isinstance(value, bool) and 5 <= value <= 3600:
        return value
    log.warning("setting kiosk.idle_seconds=%r is not 5–3600 seconds; using 90", value)
    return DEFAULT_IDLE_SECONDS


class StartScreen(KioskScreen):
    """The kiosk's start: a welcome and one big button per tile."""

    def __init__(self, runtime: Any, registry: KioskRegistry) -> None:
        super().__init__(runtime, classes="kiosk-start")
        self.registry = registry

    def title_text(self) -> str:
        return _("Self-service")

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="kiosk-body"):
            yield Static(_("Welcome. Touch what you need."), classes="kiosk-welcome")
            with Grid(classes="kiosk-tiles"):
                for spec in self.registry.tiles():
                    yield Button(
                        f"{spec.title()}\n{spec.description()}",
                        id=f"tile-{spec.id.replace('.', '-')}",
                        name=spec.id,
                        classes="kiosk-tile",
                    )

    def on_mount(self) -> None:
        self.focus_first()

    def focus_first(self) -> None:
        tiles = self.query(".kiosk-tile")
        if tiles:
            self.set_focus(tiles.first())  # Enter opens it: a keyboard works too

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.name:
            event.stop()
            opener = getattr(self.app, "open_kiosk_screen", None)
            if opener is not None:
                opener(event.button.name)


class ItemFallbackScreen(KioskScreen):
    """An item when no plugin offers an item page: its name and where to ask."""

    def __init__(self, runtime: Any, code: str) -> None:
        super().__init__(runtime)
        self.code = code

    def compose_body(self) -> Any:
        from core.catalog import store

        item = store.get_item(self.code)
        yield Static(item["name"] if item else self.code, classes="kiosk-heading")
        yield Static(_("Ask at the information desk for the guide of this item."))


class KioskApp(App[None], inherit_bindings=False):
    CSS_PATH = "kiosk.tcss"
    TITLE = "四好 自助服务"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("tab", "focus_next", show=False),
        Binding("shift+tab", "focus_previous", show=False),
    ]

    def __init__(self, runtime: Any, *, idle_seconds: int | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        self.idle_seconds = idle_seconds or idle_seconds_setting(runtime)
        self.last_activity = time.monotonic()
        self.registry = KioskRegistry()
        self.resets = 0
        runtime.ui = UI(
            notify=lambda message, severity="information": self._on_app_thread(
                self._notify, message, severity
            ),
            open_screen=lambda screen_id: self._on_app_thread(self.open_kiosk_screen, screen_id),
            push_screen=lambda screen, callback=None: self._on_app_thread(
                self._push_kiosk, screen, callback
            ),
        )

    def _on_app_thread(self, callback: Any, *args: Any) -> None:
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:  # on the app's thread already, or no loop running
            callback(*args)

    def _notify(self, message: str, severity: str) -> None:
        self.notify(message, severity=severity)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.runtime.host.subscribe(self._plugin_event)
        self.runtime.apply_policy()
        self.runtime.startup()
        self.runtime.extras[PRINTER_KEY] = str(self.runtime.settings("kiosk").get("printer") or "")
        self.registry = kiosk_screens(self.runtime)
        self.push_screen(StartScreen(self.runtime, self.registry))
        self.set_interval(1.0, self.clear_when_idle)
        self.call_after_refresh(self.on_first_frame)

    def on_first_frame(self) -> None:
        """The start screen is up: hand the collector back (see workstation/cli.py)."""
        log.info("kiosk: start screen up")
        # The first search would build the catalog's index (~0.2–0.5 s here): build
        # it now, off the UI thread, while the citizen reads the start screen.
        search = self.runtime.extras.get(SEARCH_KEY)
        if isinstance(search, SearchService):
            self.run_worker(search.warm, thread=True, name="catalog-index")
        if not gc.isenabled():
            gc.freeze()  # start-up objects live as long as the kiosk: never scan them
            gc.enable()

    def _plugin_event(self, event: Any) -> None:
        if event.kind == "failed":  # the citizen is not told: IT reads the log
            log.warning("kiosk: plugin %s switched off: %s", event.plugin, event.error)

    def on_unmount(self) -> None:
        self.runtime.shutdown()

    # -- what screens ask of the shell ---------------------------------------------------------
    def open_kiosk_screen(self, screen_id: str) -> None:
        spec = self.registry.get(screen_id)
        if spec is None or spec.kind != "tile":
            log.warning("kiosk: no kiosk screen %r", screen_id)
            return
        log.info("kiosk: %s opened", screen_id)
        self._push_kiosk(spec.factory(self.runtime))

    def open_item(self, code: str) -> None:
        log.info("kiosk: item %s opened", code)
        spec = self.registry.item_page()
        screen = spec.factory(self.runtime, code) if spec is not None else None
        self._push_kiosk(screen or ItemFallbackScreen(self.runtime, code))

    def _push_kiosk(self, screen: Any, callback: Any = None) -> None:
        """Only kiosk screens are shown: never a staff screen or a staff dialog."""
        if not isinstance(screen, KioskScreen):
            log.warning("kiosk: refused to show %s (not a kiosk screen)", type(screen).__name__)
            return
        self.push_screen(screen, callback)

    def go_start(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def watch_app_focus(self, focus: bool) -> None:
        """Back from the browser's blur (or a key typed while blurred): Textual puts
        the focus back where it was, if it was anywhere; a kiosk screen with nothing
        focused then takes its first button or field, so a key is never lost."""
        if focus and self.screen.focused is None and isinstance(self.screen, KioskScreen):
            self.screen.focus_first()

    # -- idle ----------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown
                      | events.MouseScrollUp | events.Paste):  # fmt: skip
            self.last_activity = time.monotonic()
        await super().on_event(event)

    async def clear_when_idle(self) -> None:
        if time.monotonic() - self.last_activity < self.idle_seconds:
            return
        self.last_activity = time.monotonic()
        if len(self.screen_stack) <= 2:
            return  # at the start already: nothing to clear
        await self.reset()

    async def reset(self) -> None:
        """Back to a fresh start screen: every screen above it dropped, notices cleared."""
        self.resets += 1
        self.clear_notifications()
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        await self.switch_screen(StartScreen(self.runtime, self.registry))
