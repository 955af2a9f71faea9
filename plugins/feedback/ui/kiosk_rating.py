"""Rate the hall on the kiosk (大厅自助机): a level, the tags of that level, a few words.

Anonymous by design: no name, ID or mobile number is asked for, and the screen
says not to type any. Saved like a card (``citizen.save_kiosk_rating``): the same
ratings store, the same statistics, and a bad review opens its rectification case.
After saving, the screen thanks the citizen and offers nothing more to press;
the kiosk clears it when idle.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from core.i18n import _
from plugins.feedback import citizen
from plugins.feedback.ratings import LEVEL_NAMES
from workstation.screens.kiosk_base import KioskScreen

log = logging.getLogger(__name__)

MAX_TEXT = 200


class KioskRatingScreen(KioskScreen):
    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime)
        self.level: int | None = None
        self.tags: list[str] = []
        self.saved = False

    def title_text(self) -> str:
        return _("Rate the hall")

    def compose_body(self) -> Iterable[Widget]:
        yield Static(_("How satisfied are you with our service today?"), classes="kiosk-heading")
        with Horizontal(classes="kiosk-row"):
            for level in sorted(LEVEL_NAMES, reverse=True):
                yield Button(LEVEL_NAMES[level], id=f"level-{level}", classes="kiosk-level")
        yield Vertical(id="kiosk-tags")
        yield Input(
            placeholder=_("A few words (optional). Please do not type your name, ID or phone."),
            id="kiosk-rating-text",
            max_length=MAX_TEXT,
            classes="kiosk-input",
        )
        yield Button(
            _("Submit rating"), id="kiosk-rating-submit", classes="kiosk-action", variant="primary"
        )
        yield Static("", id="kiosk-rating-note", classes="kiosk-note")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if self.saved and button_id not in ("kiosk-back", "kiosk-home"):
            event.stop()
            return
        if button_id.startswith("level-"):
            event.stop()
            self.run_worker(
                self.choose_level(int(button_id.removeprefix("level-"))),
                exclusive=True,
                group="level",
            )
        elif event.button.has_class("kiosk-tag") and event.button.name:
            event.stop()
            self.toggle_tag(event.button)
        elif button_id == "kiosk-rating-submit":
            event.stop()
            self.submit()
        else:
            super().on_button_pressed(event)

    async def choose_level(self, level: int) -> None:
        self.level = level
        self.tags = []
        for n in LEVEL_NAMES:
            self.query_one(f"#level-{n}", Button).variant = "primary" if n == level else "default"
        box = self.query_one("#kiosk-tags", Vertical)
        await box.remove_children()
        await box.mount_all(
            Button(Text(tag), name=tag, id=f"tag-{n}", classes="kiosk-tag")
            for n, tag in enumerate(citizen.kiosk_tags(level))
        )
        self.query_one("#kiosk-rating-note", Static).update("")

    def toggle_tag(self, button: Button) -> None:
        tag = str(button.name)
        if tag in self.tags:
            self.tags.remove(tag)
            button.variant = "default"
        else:
            self.tags.append(tag)
            button.variant = "success"

    def submit(self) -> None:
        note = self.query_one("#kiosk-rating-note", Static)
        text = self.query_one("#kiosk-rating-text", Input).value
        checked = citizen.check_kiosk_rating(self.runtime, self.level, self.tags, text)
        if not checked.ok:
            note.update(checked.problems[0].message)
            note.add_class("kiosk-error")
            return
        try:
            citizen.save_kiosk_rating(self.runtime, checked)
        except Exception:  # the store refused: say so, keep nothing half-done
            log.exception("kiosk rating not saved")
            note.update(_("Your rating could not be saved. Please ask at the information desk."))
            note.add_class("kiosk-error")
            return
        self.saved = True
        note.remove_class("kiosk-error")
        note.update(_("Thank you for your rating!"))
        self.query_one("#kiosk-rating-text", Input).value = ""
        self.query_one("#kiosk-rating-submit", Button).disabled = True
