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


def spool_dir(runtime: Any) -> Path:
    return Path(runtime.paths.data_dir) / "print-queue"


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
    "check_pdf",
    "describe",
    "queue_for",
    "spool_dir",
    "state_label",
]
