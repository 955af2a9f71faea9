"""Printing: one ``Printer`` interface (CUPS, folders) and a queue in the store.

Any plugin prints a PDF with ``queue_for(runtime).submit(pdf, title=…, printer=…)``
(or opens the shell's print dialog, which does the same); nothing here imports
Textual or a plugin. See docs/documents.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.printing.backends import (
    CupsPrinter,
    FolderPrinter,
    Printer,
    PrinterInfo,
    PrinterState,
    PrintFailure,
    Progress,
)
from core.printing.models import JobState, PrintJob
from core.printing.queue import PrintQueue, PrintRequestError, check_pdf
from core.printing.reasons import describe, state_label

QUEUE_KEY = "printing.queue"
WORKER_KEY = "printing.worker"  # the plugin's PrintWorker, when it runs


def spool_dir(runtime: Any) -> Path:
    return Path(runtime.paths.data_dir) / "print-queue"


def print_pdf(
    runtime: Any,
    pdf: bytes,
    *,
    title: str,
    printer: str | None = None,
    copies: int = 1,
) -> PrintJob:
    """Print ``pdf`` on ``printer`` (default: the one this workstation used last, else
    CUPS's default). The job is queued whatever the printer does; ``describe(job.reason,
    job.printer)`` says why it waits. Raises ``PrintRequestError`` for a wrong request."""
    queue = queue_for(runtime)
    chosen = (
        printer or queue.last_printer() or next((p.name for p in queue.printers() if p.default), "")
    )
    staff = runtime.session.staff_no if getattr(runtime, "session", None) else ""
    job = queue.submit(pdf, title=title, printer=chosen, copies=copies, staff=staff)
    worker = runtime.extras.get(WORKER_KEY)
    if worker is not None:
        worker.wake()
    return job


def queue_for(runtime: Any) -> PrintQueue:
    """The workstation's print queue (one per runtime; tests may park their own in
    ``runtime.extras["printing.queue"]`` with other printers)."""
    queue = runtime.extras.get(QUEUE_KEY)
    if not isinstance(queue, PrintQueue):
        queue = PrintQueue(spool_dir(runtime))
        runtime.extras[QUEUE_KEY] = queue
    return queue


__all__ = [
    "CupsPrinter",
    "FolderPrinter",
    "JobState",
    "PrintFailure",
    "PrintJob",
    "PrintQueue",
    "PrintRequestError",
    "Printer",
    "PrinterInfo",
    "PrinterState",
    "Progress",
    "QUEUE_KEY",
    "WORKER_KEY",
    "check_pdf",
    "describe",
    "print_pdf",
    "queue_for",
    "spool_dir",
    "state_label",
]
