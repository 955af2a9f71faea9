"""Set a new PIN at sign-in, after IT reset it (or added the account).

Shown instead of home when ``Session.must_change_pin``: the new PIN twice, the
rules above the fields, and the sentence for whatever is wrong below them. At a
site with a central server the new PIN is set there (it owns staff), on a thread;
offline the screen says so and the person stays signed out. Esc goes back to the
sign-in screen without signing in.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from core.auth import PinRuleError, Session, pin_rules_text
from core.i18n import N_, _
from workstation.localise import localise_bindings, localise_widget
from workstation.widgets.status_bar import StatusBar

log = logging.getLogger(__name__)


class NewPinScreen(Screen[Any]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Back"), id="sihao.new_pin.cancel"),
        Binding("enter", "enter", show=False, priority=True),
    ]

    def __init__(self, runtime: Any, session: Session, current_pin: str) -> None:
        super().__init__(id="new-pin")
        self.runtime = runtime
        self.session = session
        self._current = current_pin  # the temporary PIN just typed; kept until done
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="screen-body"), Horizontal(id="sign-in-row"):
            with Vertical(id="new-pin-box"):
                yield Static(
                    _("{name}, set your own PIN").format(name=self.session.name),
                    id="new-pin-title",
                )
                yield Static(pin_rules_text(), id="new-pin-rules")
                yield Label(_("New PIN"))
                yield Input(id="new-pin", password=True)
                yield Label(_("New PIN again"))
                yield Input(id="new-pin-again", password=True)
                yield Button(_("Set PIN and sign in"), id="new-pin-button", variant="primary")
                yield Static("", id="new-pin-error")
        yield StatusBar(self.runtime)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-pin", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        localise_widget(event.widget)

    def action_enter(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "new-pin":
            self.set_focus(self.query_one("#new-pin-again", Input))
        elif isinstance(focused, Input) and focused.id == "new-pin-again":
            focused.call_later(self.submit)
        elif isinstance(focused, Button):
            focused.press()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new-pin-button":
            self.submit()

    def action_cancel(self) -> None:
        from workstation.screens.signin import SignInScreen

        self._current = ""
        self.app.switch_screen(SignInScreen(self.runtime))

    def submit(self) -> None:
        new = self.query_one("#new-pin", Input).value
        again = self.query_one("#new-pin-again", Input).value
        from core.auth import check_new_pin

        try:
            check_new_pin(new, again, self._current)  # at once, before any network
        except PinRuleError as exc:
            self._refused(str(exc))
            return
        self.query_one("#new-pin-button", Button).disabled = True
        self.query_one("#new-pin-error", Static).update(_("Setting the new PIN…"))
        self._change(new, again)

    @work(thread=True, exclusive=True)
    def _change(self, new: str, again: str) -> None:
        from core.staff_desk import StaffDeskError, change_pin

        error = ""
        try:
            change_pin(self.runtime, self.session.staff_no, self._current, new, again)
        except (PinRuleError, StaffDeskError) as exc:
            error = str(exc)
        except Exception:  # the person must get a sentence, the log the detail
            log.exception("setting a new PIN failed for staff %s", self.session.staff_no)
            error = _("The new PIN could not be set. Please ask IT.")
        finally:
            self.runtime.db.close()  # this thread's connection
        self.app.call_from_thread(self._done, error)

    def _done(self, error: str) -> None:
        self.query_one("#new-pin-button", Button).disabled = False
        if error:
            self._refused(error)
            return
        self._current = ""
        self.app.signed_in(dataclasses.replace(self.session, must_change_pin=False))  # type: ignore[attr-defined]

    def _refused(self, text: str) -> None:
        self.query_one("#new-pin-error", Static).update(text)
        for field in self.query(Input):
            field.value = ""
        self.query_one("#new-pin", Input).focus()
