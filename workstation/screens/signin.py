"""Sign-in with staff number and PIN; works offline (hashes are synced).

A PIN IT has reset signs in to the new-PIN screen first (``NewPinScreen``). In
demo mode the demo accounts are listed beside the form, with short role names so
the table fits beside it in 80 columns, in Chinese and in English.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from core.auth import SignInError, sign_in
from core.demo import demo_accounts
from core.i18n import _
from core.models import Site
from core.roles import Role
from workstation.localise import localise_bindings, localise_widget
from workstation.widgets.status_bar import StatusBar


class SignInScreen(Screen[Any]):
    # Enter moves from the staff number to the PIN, and signs in from the PIN, in the
    # order typed (a priority binding; the fields' own Submitted messages would be
    # handled after the keys typed behind Enter had landed in the staff number).
    BINDINGS = [
        Binding("enter", "enter", show=False, priority=True),
        Binding("escape", "close_keys", show=False),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(id="sign-in")
        self.runtime = runtime
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        site = Site.get_or_none(Site.code == self.runtime.config.site_code)
        with VerticalScroll(classes="screen-body"), Horizontal(id="sign-in-row"):
            with Vertical(id="sign-in-box"):
                yield Static(_("Sihao staff workstation"), id="sign-in-title")
                yield Static(
                    site.name if site else _("This workstation is not set up for a site yet."),
                    id="sign-in-site",
                )
                yield Label(_("Staff number"))
                yield Input(id="staff-no", placeholder=_("e.g. 1001"))
                yield Label(_("PIN"))
                yield Input(id="pin", password=True, placeholder=_("PIN"))
                yield Button(_("Sign in"), id="sign-in-button", variant="primary")
                yield Static("", id="sign-in-error")
            if self.runtime.config.demo:
                with Vertical(id="demo-box"):
                    yield Static(_("Demo accounts (demo mode only):"), id="demo-title")
                    yield DataTable(id="demo-accounts", cursor_type="row")
        yield StatusBar(self.runtime)
        yield Footer()

    def on_mount(self) -> None:
        if self.runtime.config.demo:
            table = self.query_one("#demo-accounts", DataTable)
            table.add_columns(_("Number"), _("Full name"), _("Role"), _("PIN"))
            for account in demo_accounts():
                table.add_row(
                    account["staff_no"],
                    account["name"],
                    Role(account["role"]).short_label,  # the table fits beside the form
                    account["pin"],
                )
        self.query_one("#staff-no", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        localise_widget(event.widget)

    def action_close_keys(self) -> None:
        from workstation.screens.base import close_keys_panel

        if not close_keys_panel(self):
            raise SkipAction()
        self.keys_panel_changed(False)

    # Below this width the keys panel (30 columns at least) and the form leave no
    # room beside them for the demo accounts: they go under the form.
    STACK_BELOW = 100

    def keys_panel_changed(self, shown: bool) -> None:
        self.set_class(shown and self.size.width < self.STACK_BELOW, "-stacked")

    def on_resize(self, event: events.Resize) -> None:
        self.keys_panel_changed(bool(self.query("HelpPanel")))

    def action_enter(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "staff-no":
            self.set_focus(self.query_one("#pin", Input))  # now, not after the queue
        elif isinstance(focused, Input) and focused.id == "pin":
            # After the PIN field has taken the keys typed before Enter (queued there).
            focused.call_later(self.attempt)
        else:
            raise SkipAction()  # the button, the demo accounts: their own Enter

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sign-in-button":
            self.attempt()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        row = event.data_table.get_row(event.row_key)
        self.query_one("#staff-no", Input).value = str(row[0])
        self.query_one("#pin", Input).focus()

    def attempt(self) -> None:
        staff_no = self.query_one("#staff-no", Input).value
        pin_input = self.query_one("#pin", Input)
        error = self.query_one("#sign-in-error", Static)
        if not staff_no.strip() or not pin_input.value:
            error.update(_("Enter your staff number and PIN."))
            return
        try:
            session = sign_in(
                staff_no,
                pin_input.value,
                self.runtime.config.security,
                site_code=self.runtime.config.site_code,
            )
        except SignInError as exc:
            error.update(str(exc))
            pin_input.value = ""
            pin_input.focus()
            return
        current = pin_input.value
        pin_input.value = ""
        error.update("")
        if session.must_change_pin:
            from workstation.screens.new_pin import NewPinScreen

            self.app.switch_screen(NewPinScreen(self.runtime, session, current))
            return
        self.app.signed_in(session)  # type: ignore[attr-defined]
