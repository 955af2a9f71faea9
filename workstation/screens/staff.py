"""IT's staff desk: add, deactivate, reset a PIN, unlock (role it_admin).

A built-in screen of the shell, like the Plugins screen, not a plugin: staff and
sign-in are core, and the one screen that unlocks a clerk locked out at the counter
must not be something a site policy can switch off.

Where the change is made is ``core.staff_desk``'s business: in this store at a
standalone site (at once), on the central server at a site with one (on a thread,
with the IT administrator's own PIN, asked once per session; the change comes back
to every workstation by pull). Offline, the sentence says nothing was changed.
Deactivating and resetting a PIN ask first; a temporary PIN is shown once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Select, Static

from core.i18n import N_, _
from core.roles import Role
from core.staff_desk import StaffRow, has_server
from workstation.screens.admin_call import ServerCalls
from workstation.screens.base import SihaoScreen
from workstation.screens.confirm import ConfirmScreen


class StaffScreen(ServerCalls, SihaoScreen):
    # Listed on the screen under the table, not in the footer: four more keys there
    # overflow 80 columns (in English even more).
    BINDINGS = [
        Binding("f2", "deactivate", N_("Deactivate/activate"), id="sihao.staff.active", show=False),
        Binding("f3", "reset_pin", N_("Reset PIN"), id="sihao.staff.reset_pin", show=False),
        Binding("f4", "unlock", N_("Unlock"), id="sihao.staff.unlock", show=False),
        Binding("f5", "reload", N_("Reload"), id="sihao.staff.reload", show=False),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="staff")
        self.rows: list[StaffRow] = []
        self.remote = has_server(runtime)

    def compose_body(self) -> Iterable[Widget]:
        yield Static(_("Staff of this site"), classes="screen-title")
        yield Static(
            _(
                "Kept on the central server: changes are made there and reach every "
                "workstation of the site by sync."
            )
            if self.remote
            else _("This site has no central server: its staff are kept at this workstation."),
            id="staff-source",
        )
        yield DataTable(id="staff-table", cursor_type="row")
        yield Static(self.keys_text(), id="staff-keys")
        with Horizontal(id="staff-add"):
            yield Input(id="staff-add-no", placeholder=_("Staff number"))
            yield Input(id="staff-add-name", placeholder=_("Full name"))
            yield Select(
                [(role.label, role.value) for role in Role],
                id="staff-add-role",
                prompt=_("Role"),
            )
            yield Input(id="staff-add-window", placeholder=_("Window"))
            yield Button(_("Add"), id="staff-add-button", variant="primary")
        yield Static("", id="staff-message")

    def on_mount(self) -> None:
        self.action_reload()

    def keys_text(self) -> str:
        """The desk's keys as bound now (a keymap may have moved them)."""
        parts = []
        for binding_id in ("active", "reset_pin", "unlock", "reload"):
            for bindings in self._bindings.key_to_bindings.values():
                for binding in bindings:
                    if binding.id == f"sihao.staff.{binding_id}":
                        parts.append(f"{self.app.get_key_display(binding)} {binding.description}")
        return " · ".join(parts)

    def unsaved_input(self) -> str | None:
        typed = any(self.query_one(f"#staff-add-{f}", Input).value for f in ("no", "name"))
        return _("a new member of staff not yet added") if typed else None

    # -- the table ---------------------------------------------------------------------
    def show(self, rows: list[StaffRow]) -> None:
        self.rows = rows
        table = self.query_one("#staff-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns(_("Number"), _("Full name"), _("Role"), _("Window"), _("State"))
        for row in rows:
            table.add_row(
                row.staff_no,
                row.name,
                Role(row.role).short_label,
                row.window or "—",
                state_text(row),
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def selected(self) -> StaffRow | None:
        table = self.query_one("#staff-table", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#staff-message", Static)
        message.update(text)
        message.set_class(error, "error")

    # -- actions -----------------------------------------------------------------------
    def action_reload(self) -> None:
        self.run_desk(lambda desk: desk.members(), self.show, reading=True)

    def action_deactivate(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not row.active:
            self._change(lambda desk: desk.set_active(row.staff_no, True))
            return
        self.app.push_screen(
            ConfirmScreen(
                _("Deactivate {name} ({staff_no})? They can no longer sign in.").format(
                    name=row.name, staff_no=row.staff_no
                ),
                yes=_("Deactivate"),
                no=_("Cancel"),
            ),
            lambda sure: (
                self._change(lambda desk: desk.set_active(row.staff_no, False)) if sure else None
            ),
        )

    def action_reset_pin(self) -> None:
        row = self.selected()
        if row is None:
            return

        def done(pin: str) -> None:
            self.say(temporary_pin_text(row.name, pin))
            self.action_reload()

        self.app.push_screen(
            ConfirmScreen(
                _(
                    "Reset the PIN of {name} ({staff_no})? Their PIN stops working; they sign "
                    "in with a temporary PIN and set their own."
                ).format(name=row.name, staff_no=row.staff_no),
                yes=_("Reset PIN"),
                no=_("Cancel"),
            ),
            lambda sure: (
                self.run_desk(lambda desk: desk.reset_pin(row.staff_no), done) if sure else None
            ),
        )

    def action_unlock(self) -> None:
        row = self.selected()
        if row is not None:
            self._change(lambda desk: desk.unlock(row.staff_no))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "staff-add-button":
            self.add()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if (event.input.id or "").startswith("staff-add-"):
            self.add()

    def add(self) -> None:
        staff_no = self.query_one("#staff-add-no", Input).value.strip()
        name = self.query_one("#staff-add-name", Input).value.strip()
        role = self.query_one("#staff-add-role", Select).value
        window = self.query_one("#staff-add-window", Input).value.strip()
        if role == Select.BLANK:
            self.say(_("Choose a role."), error=True)
            return

        def done(pin: str) -> None:
            for field in ("no", "name", "window"):
                self.query_one(f"#staff-add-{field}", Input).value = ""
            self.query_one("#staff-add-role", Select).clear()
            self.say(temporary_pin_text(name, pin))
            self.action_reload()

        self.run_desk(lambda desk: desk.add(staff_no, name, str(role), window), done)

    def _change(self, change: Callable[[Any], str]) -> None:
        def done(text: str) -> None:
            self.say(text)
            self.action_reload()

        self.run_desk(change, done)


def state_text(row: StaffRow) -> str:
    parts = [_("active") if row.active else _("deactivated")]
    if row.must_change_pin:
        parts.append(_("must change PIN"))
    if row.locked_here:
        parts.append(_("locked"))
    return _(", ").join(parts)


def temporary_pin_text(name: str, pin: str) -> str:
    return _(
        "Temporary PIN for {name}: {pin}. Tell it to them once; they set their own at "
        "the next sign-in. It is not shown again."
    ).format(name=name, pin=pin)
