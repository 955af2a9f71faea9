"""The base every workstation screen builds on: header, body, status bar, footer.

Plugins subclass ``SihaoScreen`` and implement ``compose_body``; they get the
runtime as ``self.runtime``, translated key descriptions, and Escape to go back.

Typing ahead. A key goes to the focused widget's own queue, and each widget works
through its queue in its own time: a priority action (Ctrl+S) or one widget's Enter
can come round before text typed just ahead of it has reached its field. A screen
that saves what was typed runs the save through ``after_typed_keys``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header

from core.i18n import N_
from workstation.localise import localise_bindings
from workstation.widgets.status_bar import StatusBar


class SihaoScreen(Screen[Any]):
    BINDINGS = [Binding("escape", "back", N_("Back"), id="sihao.back")]

    def __init__(self, runtime: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        with Container(classes="screen-body"):
            yield from self.compose_body()
        yield StatusBar(self.runtime)
        yield Footer()

    def compose_body(self) -> Iterable[Widget]:
        return []

    def after_typed_keys(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once every field of this screen has handled the keys typed
        before now: a callback queued behind each one's pending keys, the last to
        arrive runs it."""
        fields = [w for w in self.query("*") if w.can_focus]
        waiting = len(fields)

        def arrived() -> None:
            nonlocal waiting
            waiting -= 1
            if waiting == 0:
                callback()

        for field in fields:
            field.call_later(arrived)
        if not fields:
            callback()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
