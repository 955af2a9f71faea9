"""Cases per site, item and month: this workstation's figures at once, then, at an
enrolled workstation, the central server's for this site and the sites below it
(asked on a worker thread; if it cannot answer, the screen says why and the local
figures stay). F5 asks again."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from core.i18n import N_, _
from plugins.intake import stats
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


class CaseStatsScreen(SihaoScreen):
    CSS_PATH = "intake.tcss"
    BINDINGS = [Binding("f5", "refresh", N_("Ask the server again"), id="intake.stats.refresh")]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="intake-stats")

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="intake-body"):
            yield Static("", id="stats-title", classes="screen-title")
            yield DataTable(id="cases-table", cursor_type="row")
            yield Static("", id="stats-note")

    def on_mount(self) -> None:
        self.query_one("#cases-table", DataTable).add_columns(
            _("Month"), _("Site"), _("Item"), _("Cases"), _("Accepted")
        )
        self._show(stats.local_counts(self.runtime.config.site_code), _("this workstation"))
        self.action_refresh()

    def _show(self, rows: list[dict[str, Any]], source: str) -> None:
        table = self.query_one("#cases-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                str(row.get("month", "")), str(row.get("site", "")),
                Text(str(row.get("item_name") or row.get("item_code", ""))),
                str(row.get("cases", 0)), str(row.get("accepted", 0)),
            )  # fmt: skip
        total = sum(int(row.get("cases", 0)) for row in rows)
        self.query_one("#stats-title", Static).update(
            Text(_("Cases per item and month ({source}): {n}").format(source=source, n=total))
        )

    def _note(self, text: str) -> None:
        self.query_one("#stats-note", Static).update(Text(text))

    def action_refresh(self) -> None:
        if not self.runtime.config.server_url:
            self._note(_("A standalone site: these are this workstation's own figures."))
            return
        from core.sync import engine
        from core.sync.client import SyncError

        try:
            client = engine.connect(self.runtime)  # the store and keyring: this thread
        except SyncError as exc:
            self._note(_("The central server could not answer ({reason}).").format(reason=exc))
            return
        self._note(_("Asking the central server…"))

        def fetch() -> None:
            try:
                rows = stats.server_counts(client)
            except SyncError as exc:
                log.warning("intake statistics from the server: %s", exc)
                reason = str(exc)
                self.app.call_from_thread(
                    self._note,
                    _("The central server could not answer ({reason}).").format(reason=reason),
                )
            else:
                self.app.call_from_thread(self._from_server, rows)
            finally:
                client.close()

        self.run_worker(fetch, thread=True, exclusive=True, group="intake-stats")

    def _from_server(self, rows: list[dict[str, Any]]) -> None:
        self._show(rows, _("central server: this site and below"))
        self._note("")
