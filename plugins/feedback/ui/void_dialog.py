"""Asks why a saved rating card is voided: Enter voids it, Esc leaves it as it is."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from core.i18n import N_, _


class VoidDialog(ModalScreen[str | None]):
    """Dismissed with the reason typed, or None when cancelled."""

    DEFAULT_CSS = """
    VoidDialog { align: center middle; }
    #void-box { width: 70; max-width: 95%; height: auto; border: round $error;
                background: $surface; padding: 0 1; }
    #void-reason { margin: 1 0 0 0; }
    #void-error { color: $warning; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="void-box"):
            yield Label(_("Void this rating card?"), classes="screen-title")
            yield Static(self.summary, id="void-summary")
            yield Input(
                placeholder=_("why: keyed twice, wrong window, wrong level…"),
                id="void-reason",
                max_length=200,
            )
            yield Static(_("Enter voids it, Esc keeps it."), id="void-error")

    def on_mount(self) -> None:
        self.query_one("#void-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.query_one("#void-error", Static).update(
                "✗ " + _("Say why the card is voided (keyed twice, wrong window…).")
            )
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
