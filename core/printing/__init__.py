"""Printing: one ``Printer`` interface (CUPS, folders) and a queue in the store.

Any plugin prints a PDF with ``print_pdf(runtime, pdf, title=…)`` (or opens the
shell's print dialog, which does the same); nothing here imports Textual or a
plugin. See docs/documents.md.

The names below load their modules when first used (PEP 562): the home screen's
tile badge reads ``core.printing.models`` at start-up without paying for the queue,
the CUPS backend and the document toolkit (~20 ms of imports).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.printing.backends import CupsPrinter as CupsPrinter
    from core.printing.backends import FilePrinter as FilePrinter
    from core.printing.backends import Printer as Printer
    from core.printing.backends import PrinterInfo as PrinterInfo
    from core.printing.backends import PrinterState as PrinterState
    from core.printing.backends import PrintFailure as PrintFailure
    from core.printing.backends import Progress as Progress
    from core.printing.models import JobState as JobState
    from core.printing.models import PrintJob as PrintJob
    from core.printing.queue import PrintQueue as PrintQueue
    from core.printing.queue import PrintRequestError as PrintRequestError
    from core.printing.queue import check_pdf as check_pdf
    from core.printing.reasons import describe as describe
    from core.printing.reasons import state_label as state_label

QUEUE_KEY = "printing.queue"
WORKER_KEY = "printing.worker"  # the plugin's PrintWorker, when it runs

_LAZY = {
    "CupsPrinter": "core.printing.backends",
    "FilePrinter": "core.printing.backends",
    "Printer": "core.printing.backends",
    "PrinterInfo": "core.printing.backends",
    "PrinterState": "core.printing.backends",
    "PrintFailure": "core.printing.backends",
    "Progress": "core.printing.backends",
    "JobState": "core.printing.models",
    "PrintJob": "core.printing.models",
    "PrintQueue": "core.printing.queue",
    "PrintRequestError": "core.printing.queue",
    "check_pdf": "core.printing.queue",
    "describe": "core.printing.reasons",
    "state_label": "core.printing.reasons",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'core.printing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def spool_dir(runtime: Any) -> Path:
    return Path(runtime.paths.data_dir) / "print-queue"


def queue_for(runtime: Any) -> PrintQueue:
    """The workstation's print queue (one per runtime; tests may park their own in
    ``runtime.extras["printing.queue"]`` with other printers)."""
    from core.printing.queue import PrintQueue

    queue = runtime.extras.get(QUEUE_KEY)
    if not isinstance(queue, PrintQueue):
        queue = PrintQueue(spool_dir(runtime))
        runtime.extras[QUEUE_KEY] = queue
    return queue


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


__all__ = [
    "QUEUE_KEY",
    "WORKER_KEY",
    "CupsPrinter",
    "FilePrinter",
    "JobState",
    "PrintFailure",
    "PrintJob",
    "PrintQueue",
    "PrintRequestError",
    "Printer",
    "PrinterInfo",
    "PrinterState",
    "Progress",
    "check_pdf",
    "describe",
    "print_pdf",
    "queue_for",
    "spool_dir",
    "state_label",
]
