"""Batch issue (批量发证): certificates for the approved rows of a decided batch, one
PDF each plus one combined print file, with a progress bar.

Batches decided (or whose issue was interrupted) are listed; Enter (or Ctrl+I)
issues the chosen one on a worker thread, the bar counting certificates. An issue
interrupted (the workstation closed, the machine lost power) shows as such and
finishes when started again, without issuing any certificate twice. Ctrl+P opens
the print dialog with the combined file of the chosen issued batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, ProgressBar, Static

from core.i18n import N_, _
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


class BatchIssueScreen(SihaoScreen):
    CSS_PATH = "batch.tcss"
    BINDINGS = [
        Binding("ctrl+i", "issue", N_("Issue"), priority=True),
        Binding("ctrl+p", "print_combined", N_("Print"), priority=True),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="batch-issue")
        self.busy = False

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="batch-body"):
            yield Static(_("Batch issue"), classes="screen-title")
            yield DataTable(id="issue-batches", cursor_type="row")
            yield ProgressBar(id="issue-progress", show_eta=True)
            yield Static("", id="issue-message")

    def on_mount(self) -> None:
        table = self.query_one("#issue-batches", DataTable)
        table.add_columns(_("Batch"), _("Item"), _("State"), _("Approved"), _("Certificates"))
        self.load()
        self.set_focus(table)

    def load(self) -> None:
        from plugins.intake.batch_models import BatchCertificate, BatchRow, BatchState, IntakeBatch
        from plugins.intake.batch_text import state_label

        table = self.query_one("#issue-batches", DataTable)
        table.clear()
        shown = (
            IntakeBatch.select()
            .where(IntakeBatch.state != BatchState.DECLARED)
            .order_by(IntakeBatch.decided_at.desc())
        )
        for batch in shown:
            approved = (
                BatchRow.select()
                .where((BatchRow.batch_id == batch.id) & (BatchRow.approved == True))  # noqa: E712
                .count()
            )
            issued = BatchCertificate.select().where(BatchCertificate.batch_id == batch.id).count()
            table.add_row(
                batch.batch_no,
                batch.item_name,
                state_label(batch.state),
                str(approved),
                str(issued),
                key=batch.id,
            )
        if not table.row_count:
            self.query_one("#issue-message", Static).update(_("No batch has been decided yet."))

    def _chosen(self) -> Any:
        from plugins.intake.batch_models import IntakeBatch

        table = self.query_one("#issue-batches", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return IntakeBatch.get_or_none(IntakeBatch.id == str(key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_issue()

    def action_issue(self) -> None:
        batch = self._chosen()
        if batch is None or self.busy:
            return
        session = getattr(self.runtime, "session", None)
        actor = str(session.staff_no) if session is not None else ""
        self.busy = True
        self.query_one("#issue-message", Static).update(
            _("Issuing the certificates of batch {batch}…").format(batch=batch.batch_no)
        )
        self._issue(batch, actor)

    @work(thread=True, exclusive=True, group="batch-issue")
    def _issue(self, batch: Any, actor: str) -> None:
        from core.documents import DocumentError
        from plugins.intake import batch_issue
        from plugins.intake.batch_import import BatchError

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            result = batch_issue.issue(self.runtime, batch, actor=actor, progress=progress)
        except (BatchError, DocumentError) as exc:
            self.app.call_from_thread(self._finished, "✗ " + str(exc), "error")
            return
        except Exception as exc:
            log.exception("batch %s issue stopped", batch.batch_no)
            self.app.call_from_thread(
                self._finished,
                "✗ "
                + _("The issue stopped ({reason}); start it again to finish it.").format(
                    reason=exc
                ),
                "error",
            )
            return
        finally:
            self.runtime.db.close()  # this thread's connection
        message = _("{now} certificates issued now, {total} in all, in {folder}.").format(
            now=result.issued_now, total=result.total, folder=result.out_dir
        )
        if result.total:
            message += "\n" + _("Combined print file: {path}").format(path=result.combined)
        self.app.call_from_thread(self._finished, message, "information")

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#issue-progress", ProgressBar).update(total=total, progress=done)

    def _finished(self, message: str, severity: str) -> None:
        self.busy = False
        self.query_one("#issue-message", Static).update(message)
        self.notify(message.splitlines()[0], severity=severity)  # type: ignore[arg-type]
        self.load()

    def action_print_combined(self) -> None:
        from workstation.widgets.print_dialog import PrintDialog

        batch = self._chosen()
        if batch is None or not batch.combined_file or not Path(batch.combined_file).exists():
            self.notify(
                _("Issue the batch first: its combined file is printed."), severity="warning"
            )
            return
        pdf = Path(batch.combined_file).read_bytes()
        self.app.push_screen(
            PrintDialog(
                self.runtime,
                pdf,
                title=f"{batch.item_name} 批量发证 {batch.batch_no}",
                file_name=Path(batch.combined_file).name,
            )
        )
