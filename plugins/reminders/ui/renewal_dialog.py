"""The renewal item (延续) a reminder points to, and what plugins offer on it.

The actions are the item actions every plugin offers (``sihao_item_actions``:
start an intake, print a guide, rate…), run the way the lookup's detail view runs
them; this plugin imports none of those plugins.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from core.i18n import N_, _


class RenewalDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    RenewalDialog { align: center middle; }
    #renewal-box { width: 72; max-width: 95%; height: auto; max-height: 90%;
                   border: round $primary; background: $surface; padding: 0 1; }
    #renewal-facts { height: auto; margin: 0 0 1 0; }
    .renewal-action { width: 100%; }
    """
    BINDINGS = [Binding("escape", "close", N_("Close"))]

    def __init__(self, runtime: Any, item: dict[str, Any], actions: list[Any], note: str) -> None:
        super().__init__(id="renewal-dialog")
        self.runtime = runtime
        self.item = item
        self.actions = actions
        self.note = note

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(id="renewal-box"):
            yield Label(str(item.get("name") or item.get("code")), classes="screen-title")
            facts = [
                _("Item code: {code}").format(code=item.get("code", "")),
                self.note,
            ]
            yield Static("\n".join(f for f in facts if f), id="renewal-facts")
            for n, action in enumerate(self.actions):
                label = action.label + (f" ({action.key})" if action.key else "")
                yield Button(label, id=f"renewal-action-{n}", classes="renewal-action")
            if not self.actions:
                yield Static(
                    _("No plugin offers an action on this item here (intake, guides…)."),
                    id="renewal-none",
                )

    def on_mount(self) -> None:
        buttons = list(self.query(".renewal-action").results(Button))
        if buttons:
            buttons[0].focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if not button_id.startswith("renewal-action-"):
            return
        event.stop()
        action = self.actions[int(button_id.rsplit("-", 1)[1])]
        self.dismiss(None)
        try:
            action.run(dict(self.item), self.runtime)
        except Exception as exc:  # another plugin's action must not close the screen
            self.runtime.host.fail(action.plugin, exc, f"item action {action.id}")
            self.app.notify(
                _("The action {label} failed and its plugin was switched off.").format(
                    label=action.label
                ),
                severity="error",
            )

    def action_close(self) -> None:
        self.dismiss(None)
