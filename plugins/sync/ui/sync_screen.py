"""The Sync screen: what waits to be sent, the last exchange with the server, rejections.

Rejected mutations are never dropped: they stay in the table with the server's
reason until IT has fixed the cause (on the server, usually) and re-queues them.
Changes pulled from the server that a plugin here refused (they fail its checks)
are listed below them with the plugin's reason; they are offered again whenever
the plugins change.
"Retry now" wakes the worker instead of waiting for its timer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from core.i18n import N_, _
from core.roles import Role
from core.sync import engine
from core.sync.models import Blocked
from plugins.sync import service
from workstation.screens.base import SihaoScreen


class SyncScreen(SihaoScreen):
    CSS_PATH = "sync.tcss"
    BINDINGS = [
        Binding("r", "retry", N_("Retry now"), id="sync.retry"),
        Binding("q", "requeue", N_("Send rejected again"), id="sync.requeue"),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="sync")

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="sync-body"):
            yield Static(_("Sync with the central server"), classes="screen-title")
            yield Static("", id="sync-summary")
            yield Static("", id="sync-warning")
            yield Static(_("Rejected by the server"), id="sync-rejected-title")
            yield DataTable(id="sync-rejected", cursor_type="row")
            yield Static(_("Changes from the server refused here"), id="sync-refused-title")
            yield DataTable(id="sync-refused", cursor_type="row")
            yield Static("", id="sync-message")

    def on_mount(self) -> None:
        table = self.query_one("#sync-rejected", DataTable)
        table.add_columns(_("No."), _("Kind"), _("Record"), _("Made at"), _("Reason"))
        refused = self.query_one("#sync-refused", DataTable)
        refused.add_columns(_("Kind"), _("Record"), _("Reason"))
        self.refresh_state()
        self.set_interval(2.0, self.refresh_state)

    def refresh_state(self) -> None:
        state = engine.status()
        lines = []
        if state.enrolled:
            lines.append(
                _("Server: {server}    Site: {site}    Workstation: {ws}").format(
                    server=state.server_url, site=state.site_code, ws=state.workstation_id
                )
            )
        else:
            lines.append(
                _("This workstation is not enrolled with a sync server yet. Ask IT to enroll it.")
            )
        lines.append(
            _("Waiting to be sent: {n}    Oldest waiting: {age}").format(
                n=state.pending, age=service.age_text(state.oldest_pending_age())
            )
        )
        lines.append(
            _("Last sent: {push}    Last fetched: {pull}").format(
                push=service.when_text(state.last_push_at),
                pull=service.when_text(state.last_pull_at),
            )
        )
        if state.blocked == Blocked.REVOKED:
            lines.append(
                _("Stopped: the enrollment was revoked. Enroll again; waiting records are kept.")
            )
        elif state.blocked == Blocked.UPGRADE:
            lines.append(_("Stopped: the server needs a newer Sihao. Waiting records are kept."))
        lines.append(_("Last error: {error}").format(error=state.last_error or _("none")))
        worker = self.runtime.extras.get(service.WORKER)
        if worker is not None and worker.failures:
            lines.append(
                _("Failed {k} times in a row; next attempt within {n} s.").format(
                    k=worker.failures, n=max(1, round(worker.next_delay))
                )
            )
        self.query_one("#sync-summary", Static).update("\n".join(lines))
        self.query_one("#sync-warning", Static).update(service.credentials_warning() or "")
        self._fill_rejected()
        self._fill_refused()

    def _fill_refused(self) -> None:
        table = self.query_one("#sync-refused", DataTable)
        rows = engine.refused_changes()
        keys = [str(row.seq) for row in rows]
        if keys == [str(key.value) for key in table.rows]:
            return
        table.clear()
        for row in rows:
            table.add_row(row.kind, row.entity_id, row.reason, key=str(row.seq))

    def _fill_rejected(self) -> None:
        table = self.query_one("#sync-rejected", DataTable)
        rows = engine.rejected_mutations()
        keys = [str(row.client_seq) for row in rows]
        if keys == [str(key.value) for key in table.rows]:
            return
        cursor = table.cursor_row
        table.clear()
        for row in rows:
            table.add_row(
                str(row.client_seq),
                row.kind,
                row.entity_id,
                service.when_text(row.created_at),
                service.rejection_text(row.last_error),
                key=str(row.client_seq),
            )
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))

    def _say(self, text: str) -> None:
        self.query_one("#sync-message", Static).update(text)

    def action_retry(self) -> None:
        if service.retry_now(self.runtime):
            self._say(_("Syncing now…"))
        else:
            self._say(
                _("This workstation is not enrolled with a sync server yet. Ask IT to enroll it.")
            )

    def action_requeue(self) -> None:
        session = self.runtime.session
        if session is None or session.role != Role.IT_ADMIN:
            self._say(_("Only IT administrators can send rejected records again."))
            return
        table = self.query_one("#sync-rejected", DataTable)
        if not table.row_count:
            return
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        if engine.requeue(int(str(row_key.value))):
            self._say(_("Record {n} will be sent again.").format(n=row_key.value))
            service.retry_now(self.runtime)
        self.refresh_state()
