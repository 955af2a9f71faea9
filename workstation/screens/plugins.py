"""IT's Plugins screen: what is installed, what the site enables, what failed.

At a standalone site, Enter or space toggles the plugin under the cursor. The change
is written to the site config and applied at once (no restart): its tiles appear or
go, its commands join or leave the palette.

At a site with a central server, the server's policy decides: the screen says so at
the top and shows each plugin as that policy has it. A toggle is an admin call to
the server for this site (``core.staff_desk.ServerDesk.set_plugin``: the IT
administrator's own PIN, checked there), and the new policy comes back by pull.
When the server cannot be reached, nothing changes and the screen says so, with the
server command that makes the change (one that works as printed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Static

from core.i18n import N_, _
from core.plugins import BUILTIN
from core.roles import Role
from core.runtime import ServerPolicyInForce
from workstation.plugin_policy import policy_source_text, refused_text
from workstation.screens.admin_call import ServerCalls
from workstation.screens.base import SihaoScreen


class PluginsScreen(ServerCalls, SihaoScreen):
    BINDINGS = [
        Binding("space", "toggle", N_("Enable/disable"), id="sihao.plugins.toggle"),
        Binding("r", "retry", N_("Retry failed"), id="sihao.plugins.retry"),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="plugins")

    def compose_body(self) -> Iterable[Widget]:
        yield Static(_("Plugins of this site"), classes="screen-title")
        yield Static("", id="plugin-policy")
        yield DataTable(id="plugin-table", cursor_type="row")
        yield Static("", id="plugin-message")

    def on_mount(self) -> None:
        self.refresh_table()

    def refresh_table(self) -> None:
        """Redraw from the host and the policy in force (which a pull or an edited
        site.toml may have changed while the screen is open)."""
        governed = self.runtime.server_policy_in_force
        self.set_class(governed, "server-policy")
        self.query_one("#plugin-policy", Static).update(policy_source_text(self.runtime))
        enabled_by_policy = set(self.runtime.enabled_plugins())
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns(
            _("Name"),
            _("Version"),
            _("Source"),
            _("Server policy") if governed else _("Enabled"),
            _("State"),
        )
        for name, info in sorted(self.runtime.host.plugins.items()):
            source = _("built-in") if info.source == BUILTIN else _("entry point")
            if info.error:
                state = _("failed: {error}").format(error=info.error)
            elif info.loaded:
                state = _("running")
            else:
                state = _("off")
            enabled = _("yes") if name in enabled_by_policy else _("no")
            table.add_row(name, info.version, source, enabled, state, key=name)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_toggle()

    def action_toggle(self) -> None:
        session = self.runtime.session
        if session is None or session.role != Role.IT_ADMIN:
            self.notify(_("Only IT administrators can change plugins."), severity="error")
            return
        name = self._selected()
        if name is None:
            return
        enable = name not in self.runtime.enabled_plugins()
        if self.runtime.server_policy_in_force:
            self.switch_on_server(name, enable)
            return
        self.query_one("#plugin-message", Static).update("")
        self.app.set_plugin_enabled(name, enable)  # type: ignore[attr-defined]

    def switch_on_server(self, name: str, enable: bool) -> None:
        """Ask the central server to switch ``name`` for this site."""
        site = self.runtime.config.site_code

        def done(enabled: list[str]) -> None:
            text = (
                _("Plugin {name} is on for site {site} on the central server.")
                if name in enabled
                else _("Plugin {name} is off for site {site} on the central server.")
            ).format(name=name, site=site)
            self.say(text + " " + _("This workstation follows at its next sync."))

        self.run_desk(lambda desk: desk.set_plugin(name, enable), done)

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#plugin-message", Static)
        if error:
            site = self.runtime.config.site_code
            enable = (self._selected() or "") not in self.runtime.enabled_plugins()
            text += " " + refused_text(ServerPolicyInForce(site, self._selected() or "", enable))
        message.update(text)
        self.notify(text, title=_("Plugins"), severity="warning" if error else "information")

    def refuse(self, exc: ServerPolicyInForce) -> None:
        """Say why nothing changed, on the screen and as a notice."""
        text = refused_text(exc)
        self.query_one("#plugin-message", Static).update(text)
        self.notify(text, title=_("Plugins"), severity="warning", timeout=15)

    def action_retry(self) -> None:
        name = self._selected()
        if name is not None:
            self.runtime.host.retry(name)
            self.refresh_table()
