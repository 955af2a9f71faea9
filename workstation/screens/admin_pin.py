"""The IT administrator's own PIN, asked once per session for calls to the central
server (it checks the PIN each time; the workstation keeps it in memory only, and
forgets it at sign-out or when the server refuses it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from core.i18n import N_, _
from workstation.localise import localise_bindings


class AdminPinScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="sihao.admin_pin.cancel")]

    def __init__(self) -> None:
        super().__init__(id="admin-pin")
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(
                _(
                    "This change is made on the central server, which checks your own PIN. "
                    "Enter your PIN (Esc cancels)."
                ),
                id="confirm-question",
            )
            yield Label(_("Your PIN"))
            yield Input(id="admin-pin-input", password=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
