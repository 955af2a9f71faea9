"""IT's Plugins screen: what is installed, what the site enables, what failed.

Enter or space toggles the plugin under the cursor. The change is written to the
site config and applied at once (no restart): its tiles appear or go, its commands
join or leave the palette.
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
from workstation.screens.base import SihaoScreen


class PluginsScreen(SihaoScreen):
    BINDINGS = [
        Binding("space", "toggle", N_("Enable/disable"), id="sihao.plugins.toggle"),
        Binding("r", "retry", N_("Retry failed"), id="sihao.plugins.retry"),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="plugins")

    def compose_body(self) -> Iterable[Widget]:
        yield Static(_("Plugins of this site"), classes="screen-title")
        yield DataTable(id="plugin-table", cursor_type="row")
        yield Static("", id="plugin-message")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Name"), _("Version"), _("Source"), _("Enabled"), _("State"))
        self.refresh_table()

    def refresh_table(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for name, info in sorted(self.runtime.host.plugins.items()):
            source = _("built-in") if info.source == BUILTIN else _("entry point")
            if info.error:
                state = _("failed: {error}").format(error=info.error)
            elif info.loaded:
                state = _("running")
            else:
                state = _("off")
            table.add_row(
                name, info.version, source, _("yes") if info.enabled else _("no"), state, key=name
            )
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
        info = self.runtime.host.plugins[name]
        self.app.set_plugin_enabled(name, not info.enabled)  # type: ignore[attr-defined]

    def action_retry(self) -> None:
        name = self._selected()
        if name is not None:
            self.runtime.host.retry(name)
            self.refresh_table()
