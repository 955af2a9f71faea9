"""The print dialog every plugin opens to print a document it made.

    from workstation.widgets.print_dialog import PrintDialog
    self.app.push_screen(PrintDialog(runtime, pdf_bytes, title="食品经营许可 办事指南",
                                     file_name="食品经营许可.pdf"), callback)

A printer picker (the workstation's CUPS printers from ``lpstat``, each with its
state; the printer used last on this workstation preselected, else CUPS's default),
copies, and "save as PDF" to a path, which works with no printer at all. Printing
puts the job in the print queue (core.printing) and closes the dialog whatever the
printer does: a paused or missing printer keeps the job queued, and the clerk is
told why in one sentence (the print queue screen retries or reroutes it). A path
that cannot be written keeps the dialog open with the reason, nothing half-written.

The dialog's result is a ``PrintOutcome`` (``None`` if cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from core.i18n import N_, _
from workstation.localise import localise_bindings


@dataclass(frozen=True)
class PrintOutcome:
    job_id: str
    state: str  # core.printing.JobState value
    saved_to: Path | None = None  # set for "save as PDF"


def printer_label(name: str, state: str, default: bool) -> str:
    labels = {
        "ready": _("ready"),
        "stopped": _("paused"),
        "rejecting": _("not accepting jobs"),
        "missing": _("not found"),
        "no_service": _("no printing service"),
    }
    mark = _(", default") if default else ""
    return f"{name} ({labels.get(state, state)}{mark})"


class PrintDialog(ModalScreen[PrintOutcome | None]):
    CSS_PATH = "print_dialog.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="sihao.print.cancel")]

    def __init__(self, runtime: Any, pdf: bytes, *, title: str, file_name: str = "") -> None:
        super().__init__(classes="print-dialog")
        from core.printing import queue_for

        self.runtime = runtime
        self.pdf = pdf
        self.document_title = title
        self.file_name = file_name or f"{title}.pdf"
        self.queue = queue_for(runtime)
        # Set from the first press until the job is queued or refused: two presses
        # queued before the buttons could be disabled print once.
        self._sending = False
        localise_bindings(self)

    # -- layout --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="print-box"):
            yield Static(_("Print: {title}").format(title=self.document_title), id="print-title")
            with Horizontal(classes="print-row"):
                yield Label(_("Printer"), classes="print-label")
                yield Select[str](
                    [], prompt=_("(looking for printers…)"), id="print-printer", compact=True
                )
            with Horizontal(classes="print-row"):
                yield Label(_("Copies"), classes="print-label")
                yield Input("1", type="integer", max_length=2, id="print-copies", compact=True)
            with Horizontal(classes="print-row"):
                yield Label(_("Save as"), classes="print-label")
                yield Input(str(self._default_path()), id="print-path", compact=True)
            with Horizontal(id="print-buttons"):
                yield Button(_("Print"), id="print-go", variant="primary", compact=True)
                yield Button(_("Save as PDF"), id="print-save", compact=True)
                yield Button(_("Cancel"), id="print-cancel", compact=True)
            yield Static("", id="print-status")

    def _default_path(self) -> Path:
        folder = self.queue.last_folder()
        base = Path(folder) if folder else Path(self.runtime.paths.exports_dir)
        return base / self.file_name

    def on_mount(self) -> None:
        # lpstat is three short processes; a hung CUPS must not freeze the dialog.
        self.run_worker(self._find_printers, thread=True, exclusive=True, group="printers")

    def _find_printers(self) -> None:
        found = self.queue.printers()
        last = self.queue.last_printer()
        self.app.call_from_thread(self._show_printers, found, last)

    def _show_printers(self, found: Iterable[Any], last: str | None) -> None:
        if not self.is_attached:
            return  # closed while lpstat was answering
        printers = list(found)
        select = self.query_one("#print-printer", Select)
        select.set_options(
            [(printer_label(p.name, p.state.value, p.default), p.name) for p in printers]
        )
        names = [p.name for p in printers]
        chosen = last if last in names else next((p.name for p in printers if p.default), None)
        if chosen is None and printers:
            chosen = printers[0].name
        if chosen is not None:
            select.value = chosen
        else:
            select.prompt = _("(no printer on this workstation)")
            self._status(
                _("This workstation has no printer set up: save the document as PDF."),
                error=False,
            )

    # -- acting --------------------------------------------------------------------
    def _status(self, text: str, *, error: bool = True) -> None:
        status = self.query_one("#print-status", Static)
        status.set_class(error, "print-error")
        status.update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "print-go":
            self.action_print()
        elif event.button.id == "print-save":
            self.action_save()
        elif event.button.id == "print-cancel":
            self.action_cancel()

    def _copies(self) -> int | None:
        raw = self.query_one("#print-copies", Input).value.strip()
        try:
            copies = int(raw)
        except ValueError:
            copies = 0
        from core.printing.queue import MAX_COPIES

        if not 1 <= copies <= MAX_COPIES:
            self._status(_("Copies must be between 1 and {most}.").format(most=MAX_COPIES))
            return None
        return copies

    def action_print(self) -> None:
        if self._sending:
            return
        value = self.query_one("#print-printer", Select).value
        if value is Select.NULL or not value:
            self._status(_("Choose a printer first."))
            return
        copies = self._copies()
        if copies is None:
            return
        # lp and lpstat run off the UI thread (a hung CUPS must not freeze the
        # counter); the buttons wait, so a double press never prints twice.
        self._sending = True
        self._busy(True)
        self.run_worker(
            lambda: self._print(str(value), copies), thread=True, group="print", exclusive=True
        )

    def _busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy and button.id != "print-cancel"

    def _print(self, printer: str, copies: int) -> None:
        from core.printing import PrintRequestError, print_pdf

        try:
            job = print_pdf(
                self.runtime, self.pdf, title=self.document_title, printer=printer, copies=copies
            )
        except PrintRequestError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self._printed, job)

    def _refused(self, sentence: str) -> None:
        self._sending = False
        self._busy(False)
        self._status(sentence)

    def _printed(self, job: Any) -> None:
        from core.printing import JobState, describe

        if job.state in (JobState.QUEUED, JobState.FAILED):
            self.app.notify(describe(job.reason, job.printer), severity="warning", timeout=10)
        else:
            self.app.notify(_("Sent to printer {printer}.").format(printer=job.printer))
        self.dismiss(PrintOutcome(job.id, job.state))

    def action_save(self) -> None:
        from core.documents import DocumentError
        from core.printing import PrintRequestError

        raw = self.query_one("#print-path", Input).value.strip()
        if not raw:
            self._status(_("Write where to save the PDF."))
            return
        path = Path(raw).expanduser()
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        staff = self.runtime.session.staff_no if self.runtime.session else ""
        try:
            job = self.queue.save_as(self.pdf, path, title=self.document_title, staff=staff)
        except (DocumentError, PrintRequestError) as exc:
            self._status(str(exc))
            return
        self.app.notify(_("Saved to {path}.").format(path=path))
        self.dismiss(PrintOutcome(job.id, job.state, saved_to=path))

    def action_cancel(self) -> None:
        self.dismiss(None)
