"""The print queue: each job's state and why it waits; retry, reroute, cancel.

Read from the store every two seconds (the worker changes states on its own
thread); a job that waits says why in one sentence under the table. Rerouting
offers the workstation's CUPS printers (``lpstat``), looked up off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, DataTable, Select, Static

from core.i18n import N_, _
from core.printing import JobState, PrintJob, describe, queue_for, state_label
from core.roles import Role
from workstation.screens.base import SihaoScreen
from workstation.widgets.print_dialog import printer_label

REFRESH_SECONDS = 2.0


class PrintQueueScreen(SihaoScreen):
    CSS_PATH = "queue.tcss"
    BINDINGS = [
        Binding("f5", "refresh_jobs", N_("Refresh"), priority=True),
        Binding("ctrl+r", "retry", N_("Retry"), priority=True),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="print-queue")
        self.queue = queue_for(runtime)
        self.job_ids: list[str] = []

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="queue-body"):
            yield Static(_("Print queue"), classes="screen-title")
            yield DataTable(id="queue-jobs", cursor_type="row", zebra_stripes=True)
            yield Static("", id="queue-reason")
            with Horizontal(id="queue-actions"):
                yield Button(_("Retry"), id="queue-retry", compact=True)
                yield Select[str]([], prompt=_("Another printer"), id="queue-printer", compact=True)
                yield Button(_("Send there"), id="queue-reroute", compact=True)
                yield Button(_("Cancel job"), id="queue-cancel", compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#queue-jobs", DataTable)
        table.add_columns(_("Time"), _("Document"), _("Printer"), _("Copies"), _("State"))
        self.action_refresh_jobs()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_jobs)
        self.run_worker(self._find_printers, thread=True, exclusive=True, group="printers")

    def _find_printers(self) -> None:
        found = self.queue.printers()
        self.app.call_from_thread(self._show_printers, found)

    def _show_printers(self, found: list[Any]) -> None:
        if not self.is_attached:
            return  # left while lpstat was answering
        select = self.query_one("#queue-printer", Select)
        select.set_options(
            [(printer_label(p.name, p.state.value, p.default), p.name) for p in found]
        )

    # -- showing -------------------------------------------------------------------
    def action_refresh_jobs(self) -> None:
        table = self.query_one("#queue-jobs", DataTable)
        jobs = self.queue.jobs()
        keep = self.selected_id()
        table.clear()
        self.job_ids = []
        for job in jobs:
            table.add_row(
                f"{job.created_at:%m-%d %H:%M}",
                job.title,
                job.printer,
                str(job.copies),
                state_label(job.state),
                key=job.id,
            )
            self.job_ids.append(job.id)
        if keep in self.job_ids:
            table.move_cursor(row=self.job_ids.index(keep))
        self._show_reason()

    def selected_id(self) -> str | None:
        table = self.query_one("#queue-jobs", DataTable)
        if not self.job_ids or table.cursor_row < 0 or table.cursor_row >= len(self.job_ids):
            return None
        return self.job_ids[table.cursor_row]

    def selected(self) -> PrintJob | None:
        job_id = self.selected_id()
        return self.queue.get(job_id) if job_id else None

    def _show_reason(self) -> None:
        reason = self.query_one("#queue-reason", Static)
        job = self.selected()
        if job is None:
            reason.update(_("No print jobs yet."))
            return
        text = f"{job.title} · {state_label(job.state)}"
        if job.reason:
            text += "\n" + describe(job.reason, job.printer)
        session = self.runtime.session
        if job.detail and session is not None and session.role == Role.IT_ADMIN:
            # IT sees what the printer itself said (English, from CUPS).
            text += "\n" + _("Printer says: {detail}").format(detail=job.detail.splitlines()[0])
        reason.update(text)
        reason.set_class(job.state in (JobState.QUEUED, JobState.HELD, JobState.FAILED), "waiting")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_reason()

    # -- acting --------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "queue-retry":
            self.action_retry()
        elif event.button.id == "queue-reroute":
            self.action_reroute()
        elif event.button.id == "queue-cancel":
            self.action_cancel_job()

    def _run(self, operation: Callable[[], PrintJob]) -> None:
        """Run a queue operation off the UI thread (it may call lp and lpstat)."""

        def work() -> None:
            job = operation()
            self.app.call_from_thread(self._after, job)

        self.run_worker(work, thread=True, group="queue-action")

    def _after(self, job: PrintJob) -> None:
        if not self.is_attached:
            return
        self.action_refresh_jobs()
        if job.reason and job.state != JobState.DONE:
            self.notify(describe(job.reason, job.printer), severity="warning")
        else:
            self.notify(_("{title}: {state}").format(title=job.title, state=state_label(job.state)))

    def action_retry(self) -> None:
        job_id = self.selected_id()
        if job_id:
            self._run(lambda: self.queue.retry(job_id))

    def action_reroute(self) -> None:
        job_id = self.selected_id()
        printer = self.query_one("#queue-printer", Select).value
        if not job_id:
            return
        if printer is Select.NULL or not printer:
            self.notify(_("Choose the printer to send the job to."), severity="warning")
            return
        self._run(lambda: self.queue.reroute(job_id, str(printer)))

    def action_cancel_job(self) -> None:
        job_id = self.selected_id()
        if job_id:
            self._run(lambda: self.queue.cancel(job_id))
