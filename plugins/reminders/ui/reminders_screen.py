"""办事闹钟 at the counter: this site's licences expiring soon, the reminders sent
and delivered, and the ones that failed.

What is shown is what the central server last said (kept in the store): the screen
shows it at once, asks the server again in the background, and says how old the
figures are when it cannot be reached. Keys: F5 asks again; Ctrl+R sends the
chosen reminder again, with a reason (recorded, audited, pushed as a record);
F4 opens the renewal item (延续) the reminder points to, with the actions plugins
offer on it (start an intake, print its guide…).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from core.i18n import N_, _
from plugins.reminders import service
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)

UPCOMING, SENT, FAILED = "rem-upcoming", "rem-sent", "rem-failed"


def _when(value: Any) -> str:
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    local = moment.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return f"{local:%m-%d %H:%M}"


class RemindersScreen(SihaoScreen):
    CSS_PATH = "reminders.tcss"
    BINDINGS = [
        Binding("f5", "refresh", N_("Refresh"), priority=True),
        Binding("ctrl+r", "resend", N_("Send again"), priority=True),
        Binding("f4", "renewal", N_("Renewal item"), priority=True),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="reminders")
        self.site = runtime.config.site_code
        self.view: service.SiteView | None = None
        self.offline_reason = ""

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="reminders-body"):
            yield Static(_("Expiry reminders (办事闹钟)"), classes="screen-title")
            yield Static("", id="rem-asof")
            with TabbedContent(id="rem-tabs"):
                with TabPane(_("Expiring soon"), id="tab-upcoming"):
                    yield DataTable(id=UPCOMING, cursor_type="row", zebra_stripes=True)
                with TabPane(_("Sent"), id="tab-sent"):
                    yield DataTable(id=SENT, cursor_type="row", zebra_stripes=True)
                with TabPane(_("Failed"), id="tab-failed"):
                    yield DataTable(id=FAILED, cursor_type="row", zebra_stripes=True)
            yield Static("", id="rem-detail")

    def on_mount(self) -> None:
        self.query_one(f"#{UPCOMING}", DataTable).add_columns(
            _("Expires"), _("Days left"), _("Holder"), _("Mobile"), _("Last reminder"), _("Licence")
        )
        self.query_one(f"#{SENT}", DataTable).add_columns(
            _("Time"), _("Licence no."), _("Holder"), _("Mobile"), _("Ahead"), _("State")
        )
        self.query_one(f"#{FAILED}", DataTable).add_columns(
            _("Time"), _("Licence no."), _("Holder"), _("State"), _("Why")
        )
        self.view = service.last_pulled(self.site)
        self._show()
        self.action_refresh()

    # -- asking the server ---------------------------------------------------------
    def action_refresh(self) -> None:
        from core.sync import engine
        from core.sync.client import SyncError

        try:
            client = engine.connect(self.runtime)  # the store and keyring: this thread
        except SyncError as exc:
            self._offline(str(exc))
            return
        days = int(self.runtime.settings("reminders").get("days_ahead", service.DEFAULT_DAYS))
        self.query_one("#rem-asof", Static).update(_("Asking the central server…"))

        def fetch() -> None:
            from core.sync.client import Refused, Retryable

            try:
                body = service.fetch(client, days)
            except Retryable as exc:
                log.warning("reminders: %s (%s)", exc, exc.detail)
                reason = _("the central server cannot be reached or is busy")
                self.app.call_from_thread(self._offline, reason)
            except Refused as exc:
                log.warning("reminders refused: %s", exc.detail)
                self.app.call_from_thread(self._offline, str(exc))
            except SyncError as exc:
                self.app.call_from_thread(self._offline, str(exc))
            else:
                self.app.call_from_thread(self._pulled, body)
            finally:
                client.close()

        self.run_worker(fetch, thread=True, exclusive=True, group="reminders-pull")

    def _pulled(self, body: Any) -> None:
        if not self.is_attached:
            return
        try:
            self.view = service.keep(self.site, body)
        except ValueError as exc:
            self._offline(str(exc))
            return
        self.offline_reason = ""
        self._show()

    def _offline(self, reason: str) -> None:
        if not self.is_attached:
            return
        self.offline_reason = reason
        self._show()

    # -- showing -------------------------------------------------------------------
    def _show(self) -> None:
        asof = self.query_one("#rem-asof", Static)
        view = self.view
        if view is None:
            text = _("Nothing pulled from the central server yet.")
        else:
            when = _when(view.pulled_at.isoformat()) if view.pulled_at is not None else "?"
            text = _("As of {when}: {n} expiring, {sent} reminders, {failed} failed.").format(
                when=when, n=len(view.upcoming), sent=len(view.messages), failed=len(view.failures)
            )
        if self.offline_reason:
            text += "\n" + _("Not refreshed ({reason}): showing what was last pulled.").format(
                reason=self.offline_reason
            )
        asof.update(text)
        asof.set_class(bool(self.offline_reason), "stale")
        upcoming = self.query_one(f"#{UPCOMING}", DataTable)
        sent = self.query_one(f"#{SENT}", DataTable)
        failed = self.query_one(f"#{FAILED}", DataTable)
        for table in (upcoming, sent, failed):
            table.clear()
        if view is None:
            self._detail()
            return
        for row in view.upcoming:
            upcoming.add_row(
                # Who and whether reminded first: at 80 columns the licence scrolls.
                str(row.get("valid_until", "")),
                str(row.get("days_left", "")),
                str(row.get("holder", "")),
                str(row.get("mobile", "")) or _("none"),
                _("opted out")
                if row.get("opted_out")
                else service.state_label(str(row.get("last_state") or "")) or "—",
                f"{row.get('licence_type', '')} {row.get('licence_no', '')}",
                key=f"lic-{row.get('licence_id')}",
            )
        for row in view.messages:
            sent.add_row(
                _when(row.get("sent_at") or row.get("created_at")),
                str(row.get("licence_no", "")),
                str(row.get("holder", "")),
                str(row.get("mobile", "")),
                _("by hand") if row.get("kind") == "resend" else f"{row.get('lead_days')}天",
                service.state_label(str(row.get("state", ""))),
                key=f"sms-{row.get('id')}",
            )
        for row in view.failures:
            failed.add_row(
                _when(row.get("created_at")),
                str(row.get("licence_no", "")),
                str(row.get("holder", "")),
                service.state_label(str(row.get("state", ""))),
                service.error_sentence(str(row.get("error") or "")),
                key=f"sms-{row.get('id')}",
            )
        self._detail()

    def _table(self) -> DataTable[Any]:
        active = self.query_one("#rem-tabs", TabbedContent).active
        name = {"tab-sent": SENT, "tab-failed": FAILED}.get(active, UPCOMING)
        return self.query_one(f"#{name}", DataTable)

    def selected(self) -> dict[str, Any] | None:
        """The row under the cursor of the tab shown: a licence or a message."""
        if self.view is None:
            return None
        table = self._table()
        if table.row_count == 0 or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value or ""
        kind, _sep, ident = key.partition("-")
        rows = self.view.upcoming if kind == "lic" else self.view.messages
        field = "licence_id" if kind == "lic" else "id"
        return next((r for r in rows if str(r.get(field)) == ident), None)

    def _detail(self) -> None:
        detail = self.query_one("#rem-detail", Static)
        row = self.selected()
        if row is None:
            detail.update(_("Nothing here."))
            detail.remove_class("failed")
            return
        lines = [
            _("{type} {no}, {holder}, valid until {until}; renewal item {item}.").format(
                type=row.get("licence_type", ""),
                no=row.get("licence_no", ""),
                holder=row.get("holder", ""),
                until=row.get("valid_until", ""),
                item=row.get("renewal_item") or "—",
            )
        ]
        if "state" in row:
            if row.get("reason"):
                lines.append(
                    _("Sent again by {staff}: {reason}").format(
                        staff=row.get("requested_by", ""), reason=row.get("reason", "")
                    )
                )
            if row.get("error"):
                lines.append(service.error_sentence(str(row["error"])))
        detail.update("\n".join(lines))
        detail.set_class(row.get("state") in service.FAILURE_STATES, "failed")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._detail()

    # -- acting --------------------------------------------------------------------
    def action_resend(self) -> None:
        from plugins.reminders.ui.resend_dialog import ResendDialog

        row = self.selected()
        view = self.view
        if row is None or view is None or "state" not in row:
            self.notify(_("Choose a reminder under Sent or Failed first."), severity="warning")
            return
        sms_id = int(row["id"])

        def accept(reason: str) -> str | None:
            try:
                service.request_resend(self.runtime, view, sms_id, reason)
            except ValueError as exc:
                return str(exc)
            return None

        def done(reason: str | None) -> None:
            if reason:
                self.notify(_("Recorded: the central server sends it again after the next sync."))

        summary = f"{row.get('licence_no', '')} · {row.get('holder', '')} · {row.get('mobile', '')}"
        self.app.push_screen(ResendDialog(summary, accept), done)

    def action_renewal(self) -> None:
        from core.catalog import store
        from plugins.reminders.ui.renewal_dialog import RenewalDialog

        row = self.selected()
        if row is None:
            self.notify(_("Choose a licence or a reminder first."), severity="warning")
            return
        code = str(row.get("renewal_item") or "")
        item = store.get_item(code) if code else None
        if item is None:
            self.notify(
                _("The renewal item {code} is not in this workstation's catalog.").format(
                    code=code or "—"
                ),
                severity="warning",
            )
            return
        note = _("For {holder}: {type} {no}, valid until {until}.").format(
            holder=row.get("holder", ""),
            type=row.get("licence_type", ""),
            no=row.get("licence_no", ""),
            until=row.get("valid_until", ""),
        )
        self.app.push_screen(
            RenewalDialog(self.runtime, item, self.runtime.item_actions(item), note)
        )
