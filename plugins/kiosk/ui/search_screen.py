"""The kiosk's item search: type a name, pinyin or everyday words, touch a result.

The search is core's (``core.catalog.search``), the same index the staff lookup
uses (shared in ``runtime.extras["catalog.search"]``): a citizen finds what a
clerk finds. Results are big buttons; the first 12 are shown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from core.catalog.search import SearchService
from core.i18n import _
from workstation.screens.kiosk_base import KioskScreen

log = logging.getLogger(__name__)

EXTRAS_KEY = "catalog.search"  # docs/plugins.md: the shared lookup
RESULTS = 12
MAX_QUERY = 60  # characters: a kiosk query is a few words


def search_service(runtime: Any) -> SearchService:
    service = runtime.extras.get(EXTRAS_KEY)
    if not isinstance(service, SearchService):
        service = SearchService()
        runtime.extras[EXTRAS_KEY] = service
    return service


class KioskSearchScreen(KioskScreen):
    def title_text(self) -> str:
        return _("Find a service")

    def compose_body(self) -> Iterable[Widget]:
        yield Input(
            placeholder=_("Type what you want to do, e.g. 营业执照 or yingye"),
            id="kiosk-query",
            max_length=MAX_QUERY,
            classes="kiosk-input",
        )
        yield Static(_("Results appear as you type."), id="kiosk-search-note", classes="kiosk-note")
        yield Vertical(id="kiosk-results")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#kiosk-query", Input))
        self._timer: Any = None
        self._showing = asyncio.Lock()
        self.shown_query = ""

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, self.show_results)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        await self.show_results()

    async def show_results(self) -> None:
        async with self._showing:  # one at a time: each replaces the buttons of the last
            await self._show_results()

    async def _show_results(self) -> None:
        text = self.query_one("#kiosk-query", Input).value.strip()
        self.shown_query = text  # what the results are for
        box = self.query_one("#kiosk-results", Vertical)
        note = self.query_one("#kiosk-search-note", Static)
        await box.remove_children()
        if not text:
            note.update(_("Results appear as you type."))
            return
        found = search_service(self.runtime).lookup(text, limit=RESULTS)
        log.info("kiosk search: %d results", len(found.hits))  # the words stay unlogged
        if not found.hits:
            note.update(
                _("Nothing found. Try fewer or other words, or ask at the information desk.")
            )
            return
        note.update(_("Touch an item to read its guide."))
        await box.mount_all(
            Button(Text(hit.name), name=hit.code, id=f"result-{n}", classes="kiosk-result")
            for n, hit in enumerate(found.hits)
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("kiosk-result") and event.button.name:
            event.stop()
            opener = getattr(self.app, "open_item", None)
            if opener is not None:
                opener(event.button.name)
            return
        super().on_button_pressed(event)
