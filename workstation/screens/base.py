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

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header

from core.i18n import N_
from workstation.localise import localise_bindings, localise_widget
from workstation.widgets.status_bar import StatusBar

COMPACT_FOOTER_BELOW = 100  # columns


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
        yield Footer(compact=self.app.size.width < COMPACT_FOOTER_BELOW)

    def on_resize(self, event: events.Resize) -> None:
        # Below 100 columns the footer drops the spaces between keys: a screen with
        # five keys of its own ran under the palette key, which cut a character of
        # "命令面板" in half.
        for footer in self.query(Footer):
            footer.compact = event.size.width < COMPACT_FOOTER_BELOW

    def compose_body(self) -> Iterable[Widget]:
        return []

    def unsaved_input(self) -> str | None:
        """A short description of typed input this screen has not saved ("未保存的巡查
        记录"), or None. The shell asks before signing out (F10) or closing while any
        screen on the stack answers; Quit is refused. A form whose input is kept as a
        draft still answers, so the person is told it waits as a draft."""
        return None

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        localise_widget(event.widget)  # the keys panel shows the focused widget's keys

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
        if close_keys_panel(self):
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()


def close_keys_panel(screen: Screen[Any]) -> bool:
    """Esc closes the keys panel first, where one is open; True if it did."""
    panels = screen.query("HelpPanel")
    if not panels:
        return False
    panels.remove()
    return True
