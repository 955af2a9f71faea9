"""Asks why a reminder is sent again: Enter asks the server to send it, Esc does not."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from core.i18n import N_, _


class ResendDialog(ModalScreen[str | None]):
    """Dismissed with the reason once ``accept(reason)`` took it (None: cancelled).

    ``accept`` returns a sentence when the reason is refused; the dialog stays."""

    DEFAULT_CSS = """
    ResendDialog { align: center middle; }
    #resend-box { width: 72; max-width: 95%; height: auto; border: round $primary;
                  background: $surface; padding: 0 1; }
    #resend-reason { margin: 1 0 0 0; }
    #resend-note { height: auto; }
    #resend-note.refused { color: $warning; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, summary: str, accept: Callable[[str], str | None]) -> None:
        super().__init__(id="resend-dialog")
        self.summary = summary
        self.accept = accept

    def compose(self) -> ComposeResult:
        with Vertical(id="resend-box"):
            yield Label(_("Send this reminder again?"), classes="screen-title")
            yield Static(self.summary, id="resend-summary")
            yield Input(
                placeholder=_("why: the holder changed the number, asked again…"),
                id="resend-reason",
                max_length=200,
            )
            yield Static(_("Enter sends it again (recorded with your name), Esc does not."),
                         id="resend-note")  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#resend-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        refused = self.accept(event.value)
        if refused:
            note = self.query_one("#resend-note", Static)
            note.update("✗ " + refused)
            note.add_class("refused")
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
