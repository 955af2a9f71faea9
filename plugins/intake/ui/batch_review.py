"""Package review (打包审核): one decision for a batch, with exceptions per row.

The batches waiting for review are listed on top; choosing one lists its rows
(ID and mobile masked). X on a row marks it as an exception (decided the other way
from the package) with the reason typed below; X again takes the mark back.
Ctrl+A approves the package, Ctrl+R refuses it (the reason below is required);
then every row becomes a case (办件) on a worker thread, with a progress bar.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from textual import work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from core.i18n import N_, _
from core.masking import mask_id, mask_phone
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


class BatchReviewScreen(SihaoScreen):
    CSS_PATH = "batch.tcss"
    BINDINGS = [
        Binding("x", "toggle_exception", N_("Exception"), priority=False),
        Binding("ctrl+a", "decide('approve')", N_("Approve package"), priority=True),
        Binding("ctrl+r", "decide('refuse')", N_("Refuse package"), priority=True),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="batch-review")
        self.batch: Any = None
        self.exceptions: dict[int, str] = {}
        self.busy = False

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="batch-body"):
            yield Static(_("Package review"), classes="screen-title")
            yield DataTable(id="batches", cursor_type="row")
            yield Static("", id="batch-title")
            yield DataTable(id="rows", cursor_type="row")
            with Horizontal(classes="batch-row"):
                yield Label(_("Reason"))
                yield Input(
                    id="reason",
                    placeholder=_("for an exception (X on its row) or for refusing the package"),
                    compact=True,
                )
            yield ProgressBar(id="review-progress", show_eta=False)
            yield Static("", id="review-message")

    def on_mount(self) -> None:
        batches = self.query_one("#batches", DataTable)
        batches.add_columns(_("Batch"), _("Item"), _("Rows kept"), _("Imported"))
        rows = self.query_one("#rows", DataTable)
        rows.add_columns(
            _("Row"),
            _("Name"),
            _("ID or credit code"),
            _("Mobile"),
            _("Situations"),
            _("Exception"),
        )
        self.query_one("#review-progress").display = False
        self.load_batches()
        self.set_focus(batches)

    def load_batches(self) -> None:
        from plugins.intake.batch_models import BatchState, IntakeBatch

        table = self.query_one("#batches", DataTable)
        table.clear()
        waiting = (
            IntakeBatch.select()
            .where(IntakeBatch.state == BatchState.DECLARED)
            .order_by(IntakeBatch.imported_at)
        )
        for batch in waiting:
            table.add_row(
                batch.batch_no,
                batch.item_name,
                str(batch.good_rows),
                f"{batch.imported_at:%Y-%m-%d %H:%M}",
                key=batch.id,
            )
        if not table.row_count:
            self.query_one("#batch-title", Static).update(_("No batch is waiting for review."))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "batches" and event.row_key.value:
            self.open_batch(str(event.row_key.value))

    def open_batch(self, batch_id: str) -> None:
        from plugins.intake import batch_review
        from plugins.intake.batch_models import IntakeBatch

        self.batch = IntakeBatch.get_by_id(batch_id)
        self.exceptions = {}
        self.query_one("#batch-title", Static).update(
            _("Batch {batch}: {item}, {n} rows (X marks an exception)").format(
                batch=self.batch.batch_no, item=self.batch.item_name, n=self.batch.good_rows
            )
        )
        table = self.query_one("#rows", DataTable)
        table.clear()
        for row in batch_review.rows_of(self.batch):
            table.add_row(
                str(row.row_no),
                row.name,
                mask_id(row.id_number) if row.applicant_kind == "person" else row.id_number,
                mask_phone(row.mobile),
                "、".join(json.loads(row.situations or "[]")),
                "",
                key=str(row.row_no),
            )
        self.set_focus(table)

    def action_toggle_exception(self) -> None:
        table = self.query_one("#rows", DataTable)
        if self.batch is None or self.focused is not table or not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        row_no = int(str(key.value))
        if row_no in self.exceptions:
            del self.exceptions[row_no]
            table.update_cell(key, table.ordered_columns[5].key, "")
            return
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#review-message", Static).update(
                "✗ " + _("Type the reason for the exception first, then press X on the row.")
            )
            return
        self.exceptions[row_no] = reason
        table.update_cell(key, table.ordered_columns[5].key, reason)
        self.query_one("#reason", Input).value = ""
        self.query_one("#review-message", Static).update("")

    def action_decide(self, decision: str) -> None:
        if self.batch is None or self.busy:
            self.notify(_("Choose a batch first."), severity="warning")
            return
        self.after_typed_keys(lambda: self._decide(decision))

    def _decide(self, decision: str) -> None:
        from plugins.intake import batch_review
        from plugins.intake.batch_import import BatchError

        session = getattr(self.runtime, "session", None)
        reviewer = str(session.staff_no) if session is not None else ""
        note = self.query_one("#reason", Input).value.strip() if decision == "refuse" else ""
        try:
            decided = batch_review.decide(
                self.batch, decision, reviewer=reviewer, exceptions=self.exceptions, note=note
            )
        except BatchError as exc:
            self.query_one("#review-message", Static).update("✗ " + str(exc))
            return
        self.busy = True
        self.query_one("#review-progress").display = True
        self.query_one("#review-message", Static).update(_("Opening cases…"))
        self._open_cases(decided, reviewer)

    @work(thread=True, exclusive=True, group="batch-review")
    def _open_cases(self, batch: Any, actor: str) -> None:
        from plugins.intake import batch_review

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            count = batch_review.open_cases(self.runtime, batch, actor=actor, progress=progress)
        except Exception as exc:
            log.exception("cases of batch %s not all opened", batch.batch_no)
            self.app.call_from_thread(
                self._finished,
                _("Not every case was opened ({reason}); the batch issue finishes them.").format(
                    reason=exc
                ),
            )
            return
        finally:
            self.runtime.db.close()  # this thread's connection
        self.app.call_from_thread(
            self._finished,
            _("Batch {batch} decided: {n} cases opened.").format(batch=batch.batch_no, n=count),
        )

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#review-progress", ProgressBar).update(total=total, progress=done)

    def _finished(self, message: str) -> None:
        self.busy = False
        self.batch = None
        self.exceptions = {}
        self.query_one("#rows", DataTable).clear()
        self.query_one("#review-message", Static).update(message)
        self.notify(message)
        self.load_batches()

    def unsaved_input(self) -> str | None:
        if self.exceptions:
            return _("a package review not decided yet")
        return None
