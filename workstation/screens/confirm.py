"""A yes/no question over the current screen (sign out, quit, a staff change).

Esc, or the "No" button, answers no; the question names what is at stake.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.i18n import N_, _
from workstation.localise import localise_bindings


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "answer(False)", N_("Cancel"), id="sihao.confirm.cancel")]

    def __init__(self, question: str, *, yes: str = "", no: str = "") -> None:
        super().__init__(id="confirm")
        self.question = question
        self.yes = yes or _("Yes")
        self.no = no or _("No")
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, id="confirm-yes", variant="warning")
                yield Button(self.no, id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()  # the safe answer first

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
