"""The print queue: submit, send, follow, retry, reroute. Nothing is lost.

A job is a row (core.printing.models) plus the queue's own copy of its PDF, both
written before any printer is asked, so a crash, a restart or a printer that is off
for a day loses nothing. ``submit`` tries the printer at once; a printer that is
missing, paused, refusing, or a CUPS that is down keeps the job ``queued`` with the
reason, and ``pump`` (run every few seconds by the printing plugin's worker, or by
hand) tries again with exponential backoff (5 s doubling to 2 min: a printer back
from lunch is used within two minutes, and a dead one costs one ``lpstat`` call per
two minutes). ``pump`` also follows jobs handed to CUPS (sent → printing → done, or
held while the printer is paused). The clerk may retry a job or reroute it to
another printer at any time; a job already waiting at a paused CUPS printer is
cancelled there first, so it never prints twice.

Saving as PDF never depends on a printer: ``save_as`` writes the file (temp file,
then rename) and records a finished job.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from core.db import new_id
from core.documents.write import write_atomic
from core.filemodes import PRIVATE_FILE, private_dir
from core.i18n import _
from core.printing.backends import (
    CupsPrinter,
    FilePrinter,
    Printer,
    PrinterInfo,
    PrinterState,
    PrintFailure,
    Progress,
)
from core.printing.models import ACTIVE, JobState, PrintJob

log = logging.getLogger(__name__)

FIRST_RETRY = 5.0  # seconds
MAX_RETRY = 120.0
MAX_COPIES = 99
MAX_PDF_BYTES = 256 * 1024 * 1024  # a 100-item handbook is under 1 MB
# While one attempt runs (lpstat + lp: well under a second, 15 s at worst), the job is
# leased to it: another process's worker (``sihao print`` beside a running
# workstation) skips it until then, so a job is never handed over twice.
LEASE = timedelta(seconds=60)

_STATE_REASON = {
    PrinterState.MISSING: "printer_missing",
    PrinterState.STOPPED: "printer_stopped",
    PrinterState.REJECTING: "printer_rejecting",
    PrinterState.NO_SERVICE: "service_down",
}


class PrintRequestError(ValueError):
    """The request itself is wrong (not a PDF, no printer, bad copies); ``str()`` says so."""


def check_pdf_size(size: int) -> None:
    """Refuse a file too large to print before it is read into memory."""
    if size > MAX_PDF_BYTES:
        raise PrintRequestError(
            _("This file is larger than {size} MB: it cannot be printed from here.").format(
                size=MAX_PDF_BYTES // (1024 * 1024)
            )
        )


def check_pdf(data: bytes) -> None:
    """A file handed to print is hostile until checked: it must at least be a PDF."""
    check_pdf_size(len(data))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise PrintRequestError(
            _("This file is not a complete PDF document: it cannot be printed.")
        )


class PrintQueue:
    def __init__(
        self,
        spool_dir: Path,
        *,
        printers: Iterable[Printer] | None = None,
        now: type[datetime] = datetime,
    ) -> None:
        self.spool_dir = Path(spool_dir)
        chosen: list[Printer] = (
            list(printers) if printers is not None else [CupsPrinter(), FilePrinter()]
        )
        self.backends: dict[str, Printer] = {p.kind: p for p in chosen}
        self._now = now
        # The worker's thread and the screens share one queue: one operation at a time.
        self._lock = threading.RLock()

    # -- looking ----------------------------------------------------------------------
    def printers(self) -> list[PrinterInfo]:
        """The CUPS printers here (what the print dialog offers)."""
        backend = self.backends.get("cups")
        return backend.printers() if backend else []

    def jobs(self, limit: int = 200) -> list[PrintJob]:
        return list(PrintJob.select().order_by(PrintJob.created_at.desc()).limit(limit))

    def active(self) -> list[PrintJob]:
        return list(
            PrintJob.select()
            .where(PrintJob.state.in_([s.value for s in ACTIVE]))
            .order_by(PrintJob.created_at)
        )

    def get(self, job_id: str) -> PrintJob:
        return PrintJob.get_by_id(job_id)

    def last_printer(self) -> str | None:
        """The printer this workstation printed to last (the dialog preselects it)."""
        job = (
            PrintJob.select(PrintJob.printer)
            .where(PrintJob.kind == "cups")
            .order_by(PrintJob.created_at.desc())
            .first()
        )
        return job.printer if job else None

    def last_folder(self) -> str | None:
        """The folder a document was last saved to as PDF."""
        job = (
            PrintJob.select(PrintJob.printer)
            .where(PrintJob.kind == "file")
            .order_by(PrintJob.created_at.desc())
            .first()
        )
        return job.printer if job else None

    # -- submitting -------------------------------------------------------------------
    def submit(
        self,
        pdf: bytes,
        *,
        title: str,
        printer: str,
        copies: int = 1,
        staff: str = "",
        kind: str = "cups",
    ) -> PrintJob:
        """Queue ``pdf`` for ``printer`` and try it at once. The job is kept whatever
        the printer does; raises ``PrintRequestError`` only for a wrong request."""
        check_pdf(pdf)
        if not printer:
            raise PrintRequestError(_("Choose a printer first."))
        if not 1 <= copies <= MAX_COPIES:
            raise PrintRequestError(
                _("Copies must be between 1 and {most}.").format(most=MAX_COPIES)
            )
        if kind not in self.backends:
            raise PrintRequestError(_("Unknown kind of printer: {kind}").format(kind=kind))
        job_id = new_id()
        # The queue's copies may name the people served (a receipt, a notice): private
        # like the store itself.
        private_dir(self.spool_dir)
        spool = write_atomic(self.spool_dir / f"{job_id}.pdf", pdf, mode=PRIVATE_FILE)
        now = self._now.now()
        job = PrintJob.create(
            id=job_id,
            title=title[:200],
            kind=kind,
            printer=printer,
            copies=copies,
            spool=str(spool),
            staff=staff,
            created_at=now,
            updated_at=now,
            next_attempt_at=now + LEASE,  # leased to this attempt
        )
        log.info("print job %s queued for %s:%s (%d copies)", job_id, kind, printer, copies)
        with self._lock:
            return self._attempt(job)

    def save_as(self, pdf: bytes, path: Path, *, title: str, staff: str = "") -> PrintJob:
        """Write ``pdf`` to ``path`` now (WriteFailed if it cannot) and record it."""
        check_pdf(pdf)
        target = write_atomic(path, pdf)
        now = self._now.now()
        return PrintJob.create(
            id=new_id(),
            title=title[:200],
            kind="file",
            printer=str(target.parent),
            state=JobState.DONE.value,
            printer_job=str(target),
            staff=staff,
            created_at=now,
            updated_at=now,
        )

    # -- the worker -------------------------------------------------------------------
    def pump(self) -> int:
        """Send the queued jobs that are due and follow the ones sent; return how many
        jobs changed state."""
        changed = 0
        with self._lock:
            now = self._now.now()
            for job in self.active():
                before = (job.state, job.reason)
                if job.state == JobState.QUEUED:
                    due = job.next_attempt_at is None or job.next_attempt_at <= now
                    if due and self._claim(job):
                        self._attempt(job)
                else:
                    self._follow(job)
                changed += (job.state, job.reason) != before
        return changed

    def retry(self, job_id: str) -> PrintJob:
        """Try a queued or failed job again now."""
        with self._lock:
            job = self.get(job_id)
            if job.state in (JobState.DONE, JobState.SENT, JobState.PRINTING):
                return job
            if job.state == JobState.HELD:
                return self._follow(job)
            if not self._claim(job, state=JobState.QUEUED):
                return self.get(job_id)  # another process is at it right now
            return self._attempt(job)

    def reroute(self, job_id: str, printer: str, *, kind: str = "cups") -> PrintJob:
        """Send a job that has not printed to another printer."""
        if kind not in self.backends:
            raise PrintRequestError(_("Unknown kind of printer: {kind}").format(kind=kind))
        with self._lock:
            job = self.get(job_id)
            if job.state in (JobState.DONE, JobState.PRINTING):
                return job
            held_at = (job.kind, job.printer, job.printer_job)
            if not self._claim(job, state=JobState.QUEUED):
                return self.get(job_id)
            if held_at[2]:
                # Waiting at the old printer: take it back so it never prints twice.
                self.backends[held_at[0]].cancel(held_at[1], held_at[2])
            log.info("print job %s rerouted from %s to %s", job.id, job.printer, printer)
            job.kind, job.printer = kind, printer
            job.printer_job = ""
            job.attempts = 0
            return self._attempt(job)

    def cancel(self, job_id: str) -> PrintJob:
        with self._lock:
            job = self.get(job_id)
            if job.state in (JobState.DONE, JobState.FAILED):
                return job
            if job.printer_job and job.state in (JobState.SENT, JobState.HELD, JobState.PRINTING):
                self.backends[job.kind].cancel(job.printer, job.printer_job)
            return self._set(job, JobState.FAILED, "cancelled")

    # -- inside -----------------------------------------------------------------------
    def _claim(self, job: PrintJob, *, state: JobState | None = None) -> bool:
        """Take the job for one attempt: only if nobody changed it since it was read
        (another process's worker, ``sihao print``), checked by the store in one
        conditional UPDATE. ``state`` is what it becomes (a retry of a failed job)."""
        now = self._now.now()
        claimed = (
            PrintJob.update(
                next_attempt_at=now + LEASE,
                updated_at=now,
                state=(state or JobState(job.state)).value,
            )
            .where(
                (PrintJob.id == job.id)
                & (PrintJob.updated_at == job.updated_at)
                & (PrintJob.state == job.state)
            )
            .execute()
        )
        if claimed:
            job.next_attempt_at, job.updated_at = now + LEASE, now
            if state is not None:
                job.state = state.value
        return bool(claimed)

    def _set(self, job: PrintJob, state: JobState, reason: str = "", detail: str = "") -> PrintJob:
        job.state = state.value
        job.reason = reason
        job.detail = detail[:2000]
        job.updated_at = self._now.now()
        if state == JobState.DONE and job.spool:
            Path(job.spool).unlink(missing_ok=True)
            job.spool = ""
        job.save()
        return job

    def _wait(self, job: PrintJob, reason: str, detail: str) -> PrintJob:
        """Keep the job queued and schedule the next try (exponential, jittered)."""
        job.attempts += 1
        delay = min(MAX_RETRY, FIRST_RETRY * 2 ** min(job.attempts - 1, 10))
        job.next_attempt_at = self._now.now() + timedelta(seconds=delay * random.uniform(0.8, 1.0))
        if (job.reason, job.state) != (reason, JobState.QUEUED.value):
            log.warning("print job %s waits: %s (%s)", job.id, reason, detail)
        return self._set(job, JobState.QUEUED, reason, detail)

    def _attempt(self, job: PrintJob) -> PrintJob:
        spool = Path(job.spool)
        if not job.spool or not spool.is_file():
            return self._set(job, JobState.FAILED, "spool_missing")
        backend = self.backends.get(job.kind)
        if backend is None:
            return self._wait(job, "no_cups", f"no backend {job.kind}")
        info = backend.status(job.printer)
        if info.state is not PrinterState.READY:
            # Not sent: a job left in a paused printer's queue could not be rerouted
            # without cancelling it there, and a missing printer cannot take it at all.
            return self._wait(job, _STATE_REASON[info.state], info.detail)
        try:
            printer_job = backend.send(spool, job.printer, copies=job.copies, title=job.title)
        except PrintFailure as failure:
            if failure.transient:
                return self._wait(job, failure.code, failure.detail)
            return self._set(job, JobState.FAILED, failure.code, failure.detail)
        job.printer_job = printer_job
        job.attempts += 1
        log.info("print job %s sent to %s as %s", job.id, job.printer, printer_job)
        return self._follow(job, just_sent=True)

    def _follow(self, job: PrintJob, *, just_sent: bool = False) -> PrintJob:
        backend = self.backends.get(job.kind)
        if backend is None:
            return job
        try:
            progress = backend.progress(job.printer, job.printer_job)
        except PrintFailure as failure:
            log.info("cannot follow print job %s: %s", job.id, failure)
            return self._set(job, JobState.SENT) if just_sent else job
        if progress is Progress.DONE:
            return self._set(job, JobState.DONE)
        if progress is Progress.PRINTING:
            return self._set(job, JobState.PRINTING)
        if progress is Progress.HELD:
            return self._set(job, JobState.HELD, "held")
        if progress is Progress.LOST:
            return self._set(job, JobState.FAILED, "lost")
        return self._set(job, JobState.SENT)
