"""The base of every screen the hall kiosk shows (``sihao kiosk``): for citizens.

A kiosk screen has no key bindings of its own and inherits none: no Escape to a
staff screen, no palette, no quit, no sign-out. A citizen moves with big buttons
(mouse and touch), "返回" one screen back and "首页" to the start; Tab moves between
them for a keyboard. Plugins subclass ``KioskScreen`` and implement
``compose_body``; they get the runtime as ``self.runtime``. What a screen holds
(typed text, a chosen rating) is dropped when the kiosk goes back to its start
after the site's idle time: the screens are made anew each time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from core.i18n import _


class KioskScreen(Screen[Any], inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = []
    TITLE_TEXT = ""

    def __init__(self, runtime: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime

    def title_text(self) -> str:
        return self.TITLE_TEXT

    def compose(self) -> ComposeResult:
        with Horizontal(classes="kiosk-bar"):
            yield Button(_("Back"), id="kiosk-back", classes="kiosk-nav")
            yield Static(self.title_text(), classes="kiosk-title")
            yield Button(_("Start page"), id="kiosk-home", classes="kiosk-nav")
        with VerticalScroll(classes="kiosk-body"):
            yield from self.compose_body()

    def compose_body(self) -> Iterable[Widget]:
        return []

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "kiosk-back":
            event.stop()
            self.kiosk_back()
        elif event.button.id == "kiosk-home":
            event.stop()
            go_start = getattr(self.app, "go_start", None)
            if go_start is not None:
                go_start()

    def focus_first(self) -> None:
        """What has the focus when nothing does: the screen's first field, else its
        first button after the bar."""
        fields = [w for w in self.query("Input") if w.focusable]
        buttons = [w for w in self.query(".kiosk-body Button") if w.focusable]
        target = (fields or buttons or [None])[0]
        if target is not None:
            self.set_focus(target)

    def kiosk_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
