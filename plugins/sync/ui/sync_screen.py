"""The Sync screen: what waits to be sent, the last exchange with the server, rejections.

Rejected mutations are never dropped: they stay in the table with the server's
reason until IT has fixed the cause (on the server, usually) and re-queues them.
Changes pulled from the server that a plugin here refused (they fail its checks)
are listed below them with the plugin's reason; they are offered again whenever
the plugins change.
"Retry now" wakes the worker instead of waiting for its timer.

At 80x24 the reason is what IT needs and a record's id the least: a table shows the
id's last characters and the reason cut to the width left (never a table wider than
the screen), and the line under it gives the highlighted row's reason in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
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

ID_TAIL = 8  # the end of a UUIDv7 (its start is a timestamp, the same for a batch)
# Cell padding of a column (1 each side), the screen's margins, the scroll bar.
_PADDING, _CHROME = 2, 6


def short_id(entity_id: str) -> str:
    return entity_id if len(entity_id) <= ID_TAIL + 1 else "…" + entity_id[-ID_TAIL:]


def fitted_rows(labels: list[str], rows: list[list[str]], width: int) -> list[list[str | Text]]:
    """Rows whose last column (the reason) is cut to what ``width`` leaves it."""
    used = _CHROME + _PADDING
    for index, label in enumerate(labels[:-1]):
        used += _PADDING + max([cell_len(label), *(cell_len(row[index]) for row in rows)])
    room = max(12, width - used)
    fitted: list[list[str | Text]] = []
    for row in rows:
        reason = Text(row[-1].replace("\n", " "))
        reason.truncate(room, overflow="ellipsis")
        fitted.append([*row[:-1], reason])
    return fitted


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
            yield Static("", id="sync-rejected-reason", classes="sync-reason")
            yield Static(_("Changes from the server refused here"), id="sync-refused-title")
            yield DataTable(id="sync-refused", cursor_type="row")
            yield Static("", id="sync-refused-reason", classes="sync-reason")
            yield Static("", id="sync-message")

    REJECTED_COLUMNS = (N_("No."), N_("Kind"), N_("Record"), N_("Made at"), N_("Reason"))
    REFUSED_COLUMNS = (N_("Kind"), N_("Record"), N_("Reason"))

    def on_mount(self) -> None:
        # Full reasons by row key, for the line under each table.
        self._reasons: dict[str, dict[str, str]] = {"sync-rejected": {}, "sync-refused": {}}
        self._width = 0
        table = self.query_one("#sync-rejected", DataTable)
        table.add_columns(*(_(label) for label in self.REJECTED_COLUMNS))
        refused = self.query_one("#sync-refused", DataTable)
        refused.add_columns(*(_(label) for label in self.REFUSED_COLUMNS))
        self.refresh_state()
        self.set_interval(2.0, self.refresh_state)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = 0  # refill: the reasons are cut to the new width
            self.refresh_state()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table_id = event.data_table.id or ""
        if table_id in self._reasons and event.row_key.value is not None:
            self._show_reason(table_id, str(event.row_key.value))

    def _show_reason(self, table_id: str, key: str | None) -> None:
        line = self.query_one(f"#{table_id}-reason", Static)
        reason = self._reasons[table_id].get(key or "", "")
        line.update(_("Reason: {reason}").format(reason=reason) if reason else "")
        line.display = bool(reason)

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
        warning = self.query_one("#sync-warning", Static)
        warning.update(service.credentials_warning() or "")
        warning.display = bool(service.credentials_warning())
        width = self.size.width or self.app.size.width
        refill = width != self._width
        self._width = width
        self._fill(
            "sync-rejected",
            self.REJECTED_COLUMNS,
            [
                (
                    str(row.client_seq),
                    [
                        str(row.client_seq),
                        row.kind,
                        short_id(row.entity_id),
                        service.when_text(row.created_at),
                        service.rejection_text(row.last_error),
                    ],
                )
                for row in engine.rejected_mutations()
            ],
            refill,
        )
        self._fill(
            "sync-refused",
            self.REFUSED_COLUMNS,
            [
                (str(row.seq), [row.kind, short_id(row.entity_id), row.reason])
                for row in engine.refused_changes()
            ],
            refill,
        )

    def _fill(
        self,
        table_id: str,
        labels: tuple[str, ...],
        rows: list[tuple[str, list[str]]],
        refill: bool,
    ) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        keys = [key for key, _cells in rows]
        if not refill and keys == [str(key.value) for key in table.rows]:
            return
        self._reasons[table_id] = {key: cells[-1] for key, cells in rows}
        cursor = table.cursor_row
        table.clear()
        cells = fitted_rows([_(label) for label in labels], [c for _k, c in rows], self._width)
        for key, fitted in zip(keys, cells, strict=True):
            table.add_row(*fitted, key=key)
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))
            self._show_reason(table_id, keys[table.cursor_row])
        else:
            self._show_reason(table_id, None)

    def _say(self, text: str) -> None:
        message = self.query_one("#sync-message", Static)
        message.update(text)
        message.display = bool(text)

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
