"""A small form in a box: a few labelled fields, Enter on the last (or Ctrl+S) checks
them and closes, Esc cancels. Used to mark an item done or late, to raise a difficulty
at the joint consultation and to record its outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from core.i18n import N_, _


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    value: str = ""
    placeholder: str = ""
    max_length: int = 200


Check = Callable[[dict[str, str]], str | None]  # an error sentence, or None to close


class FieldsDialog(ModalScreen[dict[str, str] | None]):
    CSS_PATH = "checklist.tcss"
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "submit", N_("Save"), priority=True),
    ]

    def __init__(self, title: str, fields: list[Field], check: Check) -> None:
        super().__init__(classes="fields-dialog")
        self.title_text = title
        self.fields = fields
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(self.title_text, classes="screen-title")
            for field in self.fields:
                with Horizontal(classes="dialog-row"):
                    yield Label(field.label, classes="dialog-label")
                    yield Input(
                        field.value,
                        placeholder=field.placeholder,
                        id=f"dialog-{field.id}",
                        max_length=field.max_length,
                        compact=True,
                    )
            yield Static(_("Enter saves, Esc cancels."), id="dialog-error")

    def on_mount(self) -> None:
        self.query_one(f"#dialog-{self.fields[0].id}", Input).focus()

    def values(self) -> dict[str, str]:
        return {f.id: self.query_one(f"#dialog-{f.id}", Input).value for f in self.fields}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"dialog-{self.fields[-1].id}":
            self.action_submit()
        else:
            self.focus_next()

    def action_submit(self) -> None:
        values = self.values()
        error = self.check(values)
        if error:
            self.query_one("#dialog-error", Static).update("✗ " + error)
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
