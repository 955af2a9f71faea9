"""The base every workstation screen builds on: header, body, status bar, footer.

Plugins subclass ``SihaoScreen`` and implement ``compose_body``; they get the
runtime as ``self.runtime``, translated key descriptions, and Escape to go back.
"""

from __future__ import annotations

from collections.abc import Iterable
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

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
