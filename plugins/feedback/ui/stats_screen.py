"""Rating statistics: rates by site, window, staff, item, department and period.

Choose the grouping and the period, whether default ratings count, and a date
range; F5 recomputes. The trend below is the satisfaction rate month by month, a
labelled bar per month. Ctrl+E exports to CSV, Ctrl+X to Excel, both into the
exports directory and safe against formula injection; the export holds every
count, the table on screen the rates (it fits 120 columns).

An item is shown with its name; ratings of no item are one row, named so. Voided
ratings count nowhere and self-rated ones are counted and shown apart.

Scope: this workstation's own ratings (the store, offline), or, at an enrolled
workstation, this site and every site below it as the central server counts them
(a district sees its towns and villages). The server is asked on a worker thread;
if it cannot answer, the screen says why and shows the local figures.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static

from core.catalog.models import Item
from core.i18n import N_, _
from plugins.feedback import export, stats
from plugins.feedback.export import dimension_label
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)

GROUPS = ("window", "staff", "item", "department", "site")
LOCAL, SERVER = "local", "server"


class StatsScreen(SihaoScreen):
    CSS_PATH = "stats.tcss"
    BINDINGS = [
        Binding("f5", "refresh_stats", N_("Recompute"), priority=True),
        Binding("ctrl+e", "export('csv')", N_("Export CSV"), priority=True),
        Binding("ctrl+x", "export('xlsx')", N_("Export Excel"), priority=True),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="stats")
        self.group_by: tuple[str, ...] = ("window",)
        self.rows: list[stats.StatRow] = []
        self.source = LOCAL  # where the figures shown come from
        self.date_errors: dict[str, str] = {}  # date field -> what is wrong with it
        self.note = ""

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="stats-body"):
            yield Static(_("Rating statistics"), classes="screen-title")
            with Horizontal(classes="stats-row", id="scope-row"):
                yield Label(_("Scope"))
                yield Select(
                    [
                        (_("This workstation"), LOCAL),
                        (_("This site and below (central server)"), SERVER),
                    ],
                    value=LOCAL,
                    allow_blank=False,
                    id="scope",
                    compact=True,
                )
                yield Checkbox(
                    _("Count default ratings"), value=True, id="include-default", compact=True
                )
            with Horizontal(classes="stats-row"):
                yield Label(_("By"))
                yield Select(
                    [(dimension_label(g), g) for g in GROUPS],
                    value="window",
                    allow_blank=False,
                    id="group-by",
                    compact=True,
                )
                yield Label(_("Period"))
                yield Select(
                    [(dimension_label(p), p) for p in stats.PERIODS],
                    prompt=_("(whole range)"),
                    value="month",
                    id="period",
                    compact=True,
                )
                yield Label(_("From"))
                yield Input(placeholder="2026-01-01", id="date-from", compact=True)
                yield Label(_("To"))
                yield Input(placeholder="2026-12-31", id="date-to", compact=True)
            yield Static("", id="stats-totals")
            yield DataTable(id="stats-table", cursor_type="row")
            yield Static("", id="trend-title")
            yield Static("", id="bars")
            yield Static("", id="stats-message")

    def on_mount(self) -> None:
        self.action_refresh_stats()

    def _date(self, selector: str) -> dt.date | None:
        """The date typed in ``selector``; a wrong one is listed (once) until fixed."""
        raw = self.query_one(selector, Input).value.strip()
        self.date_errors.pop(selector, None)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.date_errors[selector] = "✗ " + _(
                "The date {value} is not a date: write it as 2026-11-28."
            ).format(value=raw)
            return None

    def _message(self, note: str | None = None) -> None:
        """The message line: the dates still wrong, then the latest note."""
        if note is not None:
            self.note = note
        lines = [self.date_errors[s] for s in ("#date-from", "#date-to") if s in self.date_errors]
        if self.note:
            lines.append(self.note)
        self.query_one("#stats-message", Static).update(Text("\n".join(lines)))

    def on_input_changed(self, event: Input.Changed) -> None:
        selector = f"#{event.input.id}"
        if selector in self.date_errors:  # fixed (or still wrong): say so as typed
            self._date(selector)
            self._message()

    def filters(self) -> dict[str, Any]:
        return {
            "include_default": self.query_one("#include-default", Checkbox).value,
            "date_from": self._date("#date-from"),
            "date_to": self._date("#date-to"),
        }

    def action_refresh_stats(self) -> None:
        group = str(self.query_one("#group-by", Select).value)
        period = self.query_one("#period", Select).value
        self.group_by = (group,) if period is Select.NULL else (group, str(period))
        filters = self.filters()
        if self.query_one("#scope", Select).value == SERVER:
            self._ask_server(self.group_by, filters)
            return
        self._show_local(filters)

    def _show_local(self, filters: dict[str, Any], note: str = "") -> None:
        self.source = LOCAL
        rows = stats.breakdown(self.group_by, **filters)
        trend = stats.breakdown(("month",), **filters)
        self._show(rows, stats.total(**filters), trend)
        self._message(note)

    # -- the central server's figures ----------------------------------------------
    def _ask_server(self, group_by: tuple[str, ...], filters: dict[str, Any]) -> None:
        from core.sync import engine
        from core.sync.client import SyncError

        try:
            client = engine.connect(self.runtime)  # the store and keyring: this thread
        except SyncError as exc:
            self._server_failed(str(exc), filters)
            return
        self._message(_("Asking the central server…"))
        params: dict[str, Any] = {"include_default": str(filters["include_default"]).lower()}
        if filters["date_from"] is not None:
            params["from"] = filters["date_from"].isoformat()
        if filters["date_to"] is not None:
            params["to"] = filters["date_to"].isoformat()

        def fetch() -> None:
            from core.sync.client import Refused, Retryable

            try:
                body = client.plugin_get(
                    "feedback", "stats/ratings", {**params, "by": ",".join(group_by)}
                )
                trend = client.plugin_get("feedback", "stats/ratings", {**params, "by": "month"})
            except Retryable as exc:
                log.warning("server statistics: %s (%s)", exc, exc.detail)
                reason = _("the central server cannot be reached or is busy")
                self.app.call_from_thread(self._server_failed, reason, filters)
            except Refused as exc:
                log.warning("server statistics refused: %s", exc.detail)
                self.app.call_from_thread(self._server_failed, exc.detail or str(exc), filters)
            except SyncError as exc:
                self.app.call_from_thread(self._server_failed, str(exc), filters)
            else:
                self.app.call_from_thread(self._show_server, group_by, body, trend)
            finally:
                client.close()

        self.run_worker(fetch, thread=True, exclusive=True, group="server-stats")

    def _show_server(self, group_by: tuple[str, ...], body: Any, trend: Any) -> None:
        if group_by != self.group_by or self.query_one("#scope", Select).value != SERVER:
            return  # the clerk changed the question meanwhile: its own answer follows
        try:
            rows = [_row(group_by, row) for row in body["rows"]]
            overall = _row((), body["total"])
            months = [_row(("month",), row) for row in trend["rows"]]
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("server statistics unreadable: %s", exc)
            self._server_failed(_("its answer could not be read"), self.filters())
            return
        self.source = SERVER
        self._show(rows, overall, months)
        self._message(
            _("Counted by the central server for site {site} and every site below it.").format(
                site=body.get("site", "")
            )
        )

    def _server_failed(self, reason: str, filters: dict[str, Any]) -> None:
        self._show_local(
            filters,
            "✗ "
            + _(
                "The central server could not answer ({reason}): these are this workstation's own figures."
            ).format(reason=reason),
        )

    # -- showing -------------------------------------------------------------------
    def _show(
        self, rows: list[stats.StatRow], overall: stats.StatRow, trend: list[stats.StatRow]
    ) -> None:
        self.rows = rows
        table = self.query_one("#stats-table", DataTable)
        # Short headings: with the long ones of the export the table needed 160
        # columns in English and was cut at 120. The export keeps the long ones.
        headers = [dimension_label(name) for name in self.group_by] + [
            _("Ratings"),
            _("Satisfied"),
            _("Bad rev."),
            _("RN bad"),
            _("Callback"),
            _("Rectified"),
            _("Active"),
            _("Self"),
            _("Voided"),
        ]
        names = _key_names(self.group_by, self.rows)
        cells = [
            [
                *(names.get((index, value), value) for index, value in enumerate(row.key)),
                str(row.total),
                stats.percent(row.satisfaction_rate),
                stats.percent(row.bad_rate),
                str(row.real_name_bad),
                stats.percent(row.callback_rate),
                stats.percent(row.rectification_rate),
                stats.percent(row.active_rate),
                str(row.self_rated) if row.self_rated else "",
                str(row.voided) if row.voided else "",
            ]
            for row in self.rows
        ]
        table.clear(columns=True)
        # Widths set from the content: the table is rebuilt whenever a filter changes,
        # and columns re-added to a cleared table kept their header widths.
        for index, header in enumerate(headers):
            width = max([cell_len(header), *(cell_len(line[index]) for line in cells)])
            table.add_column(header, width=min(width, 24))
        for line in cells:
            table.add_row(*line)
        totals = _(
            "All: {n} ratings. Satisfaction {sat}, bad reviews {bad}, callback {cb}, rectification {rect}, active rating {act}."
        ).format(
            n=overall.total,
            sat=stats.percent(overall.satisfaction_rate),
            bad=stats.percent(overall.bad_rate),
            cb=stats.percent(overall.callback_rate),
            rect=stats.percent(overall.rectification_rate),
            act=stats.percent(overall.active_rate),
        )
        if overall.self_rated:
            totals += " " + _("{n} self-rated (keyed by the staff member rated).").format(
                n=overall.self_rated
            )
        if overall.voided:
            totals += " " + _("{n} voided, not counted.").format(n=overall.voided)
        self.query_one("#stats-totals", Static).update(totals)
        months = trend[-12:]
        self.query_one("#trend-title", Static).update(
            _("Satisfaction rate by month") if months else ""
        )
        self.query_one("#bars", Static).update(
            "\n".join(stats.bars([(r.key[0], r.satisfaction_rate) for r in months]))
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.is_mounted:
            self.action_refresh_stats()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.action_refresh_stats()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_refresh_stats()

    def action_export(self, fmt: str) -> None:
        directory = self.runtime.paths.exports_dir
        directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        scope = "-server" if self.source == SERVER else ""
        path = directory / f"ratings{scope}-{'-'.join(self.group_by)}-{stamp}.{fmt}"
        lines = export.table(self.group_by, self.rows)
        if fmt == "xlsx":
            export.to_xlsx(path, lines)
        else:
            export.to_csv(path, lines)
        self._message(_("Exported {n} rows to {path}.").format(n=len(self.rows), path=path))


def _key_names(group_by: tuple[str, ...], rows: list[stats.StatRow]) -> dict[tuple[int, str], str]:
    """What a key shows: an item's code with its name; an empty key, what it means."""
    names: dict[tuple[int, str], str] = {}
    for index, name in enumerate(group_by):
        values = {row.key[index] for row in rows}
        if name == "item":
            codes = [v for v in values if v]
            for item in Item.select(Item.code, Item.name).where(Item.code.in_(codes)):
                names[(index, item.code)] = f"{item.name}（{item.code}）"
        if "" in values:
            names[(index, "")] = {
                "item": _("(no item)"),
                "window": _("(no window)"),
                "staff": _("(no staff member)"),
                "department": _("(no department)"),
            }.get(name, _("(none)"))
    return names


def _row(by: tuple[str, ...], data: dict[str, Any]) -> stats.StatRow:
    """A row of the server's answer (plugins/feedback/server.py, row_json)."""
    key = data.get("key", {})
    return stats.StatRow(
        tuple("" if key.get(name) is None else str(key[name]) for name in by),
        # A server from before a count existed (self_rated, voided) leaves it out.
        **{name: int(data.get(name) or 0) for name in stats.COUNTS},
    )
