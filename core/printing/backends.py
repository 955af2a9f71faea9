"""Printers: one interface, a CUPS backend (``lp``, ``lpstat``) and a folder backend.

The queue (core.printing.queue) talks to printers only through ``Printer``; tests run
the real CUPS backend against a cups-pdf printer. Every CUPS command runs with
``LC_ALL=C``: lpstat translates its output, and we parse it.

What CUPS says, as checked on this kind of machine (CUPS 2.4):

- ``lpstat -p NAME``: ``printer NAME is idle.  enabled since …``,
  ``printer NAME now printing NAME-12.  enabled since …`` or
  ``printer NAME disabled since …`` (``cupsdisable``: jobs wait);
  an unknown name: rc 1, ``Invalid destination name``.
- ``lpstat -a NAME``: ``NAME accepting requests since …`` or ``… not accepting …``
  (``cupsreject``: ``lp`` refuses new jobs).
- ``lp -d NAME -n N -t TITLE FILE``: ``request id is NAME-12 (1 file(s))``; errors
  ``The printer or class does not exist.``, ``Destination "NAME" is not accepting
  jobs.``, ``Scheduler is not running.`` (rc 1).
- ``lpstat -W not-completed -o NAME`` / ``-W completed``: one line per job, id first.
"""

from __future__ import annotations

import enum
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

TIMEOUT = 15  # seconds: a CUPS that hangs must not freeze the counter


class PrinterState(enum.StrEnum):
    READY = "ready"  # idle or printing, accepting jobs
    STOPPED = "stopped"  # paused / offline (cupsdisable): jobs would wait
    REJECTING = "rejecting"  # not accepting jobs (cupsreject)
    MISSING = "missing"  # no such printer here
    NO_SERVICE = "no_service"  # CUPS not running, or not installed


@dataclass(frozen=True)
class PrinterInfo:
    name: str
    state: PrinterState
    default: bool = False
    detail: str = ""  # what CUPS said (English, for the log and IT)


class Progress(enum.StrEnum):
    """Where a job sent to a printer is now."""

    WAITING = "waiting"  # in the printer's queue
    PRINTING = "printing"
    HELD = "held"  # in the printer's queue, which is stopped
    DONE = "done"
    LOST = "lost"  # the printer no longer knows the job


class PrintFailure(Exception):
    """A printer could not take a job. ``code`` says why (see core.printing.reasons);
    ``transient`` failures keep the job queued and are retried."""

    def __init__(self, code: str, detail: str = "", *, transient: bool = True) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.transient = transient


class Printer(Protocol):
    """A kind of printer the queue can send to; ``name`` picks one printer of it."""

    kind: str

    def printers(self) -> list[PrinterInfo]:
        """Every printer of this kind here, with its state."""
        ...

    def status(self, name: str) -> PrinterInfo: ...

    def send(self, pdf: Path, name: str, *, copies: int, title: str) -> str:
        """Hand ``pdf`` over; return the printer's job id. Raises ``PrintFailure``."""
        ...

    def progress(self, name: str, job_id: str) -> Progress: ...

    def cancel(self, name: str, job_id: str) -> None: ...


def _c_locale() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LC_ALL="C", LANG="C", LANGUAGE="C")
    return env


_PRINTER_LINE = re.compile(r"^printer (\S+) (is idle|now printing (\S+)\.(?:\s|$)|disabled)")
_ACCEPT_LINE = re.compile(r"^(\S+) (not )?accepting requests")
_REQUEST_ID = re.compile(r"request id is (\S+)")
# What CUPS accepts as a queue name (no spaces, slashes or #), never starting with "-"
# (lp would read it as an option): anything else cannot be a printer here.
_QUEUE_NAME = re.compile(r"[^\s/#\-][^\s/#]{0,126}")


class CupsPrinter:
    """The workstation's CUPS printers, through the ``lp`` / ``lpstat`` commands."""

    kind = "cups"

    def __init__(self, lp: str = "lp", lpstat: str = "lpstat", cancel: str = "cancel") -> None:
        self.lp, self.lpstat, self._cancel = lp, lpstat, cancel

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        if shutil.which(args[0]) is None:
            raise PrintFailure("no_cups", f"{args[0]} not installed")
        try:
            return subprocess.run(
                list(args), capture_output=True, text=True, timeout=TIMEOUT, env=_c_locale()
            )
        except subprocess.TimeoutExpired as exc:
            raise PrintFailure("service_down", f"{args[0]} timed out") from exc
        except OSError as exc:
            raise PrintFailure("no_cups", str(exc)) from exc

    @staticmethod
    def _service_down(output: str) -> bool:
        text = output.lower()
        return "scheduler is not running" in text or "unable to connect" in text

    def printers(self) -> list[PrinterInfo]:
        try:
            listing = self._run(self.lpstat, "-p")
            accepting = self._run(self.lpstat, "-a")
            default = self._run(self.lpstat, "-d")
        except PrintFailure as failure:
            log.info("no CUPS printers: %s", failure)
            return []
        if self._service_down(listing.stderr + listing.stdout):
            return []
        rejecting = {
            m.group(1)
            for m in map(_ACCEPT_LINE.match, accepting.stdout.splitlines())
            if m and m.group(2)
        }
        chosen = default.stdout.split(":", 1)[1].strip() if ":" in default.stdout else ""
        found = []
        for line in listing.stdout.splitlines():
            match = _PRINTER_LINE.match(line)
            if not match:
                continue
            name = match.group(1)
            if match.group(2) == "disabled":
                state = PrinterState.STOPPED
            elif name in rejecting:
                state = PrinterState.REJECTING
            else:
                state = PrinterState.READY
            found.append(PrinterInfo(name, state, default=name == chosen, detail=line.strip()))
        return found

    def status(self, name: str) -> PrinterInfo:
        if not _QUEUE_NAME.fullmatch(name):
            return PrinterInfo(name, PrinterState.MISSING, detail="not a CUPS queue name")
        try:
            listing = self._run(self.lpstat, "-p", name)
        except PrintFailure as failure:
            return PrinterInfo(name, PrinterState.NO_SERVICE, detail=failure.detail)
        said = (listing.stdout + listing.stderr).strip()
        if self._service_down(said):
            return PrinterInfo(name, PrinterState.NO_SERVICE, detail=said)
        match = next(filter(None, map(_PRINTER_LINE.match, listing.stdout.splitlines())), None)
        if listing.returncode != 0 or match is None or match.group(1) != name:
            return PrinterInfo(name, PrinterState.MISSING, detail=said)
        if match.group(2) == "disabled":
            return PrinterInfo(name, PrinterState.STOPPED, detail=said)
        accepting = self._run(self.lpstat, "-a", name)
        accept = _ACCEPT_LINE.match(accepting.stdout.strip())
        if accept is not None and accept.group(2):
            return PrinterInfo(name, PrinterState.REJECTING, detail=accepting.stdout.strip())
        return PrinterInfo(name, PrinterState.READY, detail=said)

    def send(self, pdf: Path, name: str, *, copies: int, title: str) -> str:
        if not _QUEUE_NAME.fullmatch(name):
            raise PrintFailure("printer_missing", "not a CUPS queue name")
        result = self._run(self.lp, "-d", name, "-n", str(copies), "-t", title, "--", str(pdf))
        said = (result.stdout + result.stderr).strip()
        match = _REQUEST_ID.search(result.stdout)
        if result.returncode == 0 and match:
            return match.group(1)
        lowered = said.lower()
        if self._service_down(said):
            raise PrintFailure("service_down", said)
        if "does not exist" in lowered or "not found" in lowered:
            raise PrintFailure("printer_missing", said)
        if "not accepting" in lowered:
            raise PrintFailure("printer_rejecting", said)
        raise PrintFailure("refused", said)

    def _jobs(self, name: str, which: str) -> set[str]:
        result = self._run(self.lpstat, "-W", which, "-o", name)
        return {line.split()[0] for line in result.stdout.splitlines() if line.strip()}

    def progress(self, name: str, job_id: str) -> Progress:
        if not _QUEUE_NAME.fullmatch(name):
            return Progress.LOST
        if job_id in self._jobs(name, "not-completed"):
            info = self._run(self.lpstat, "-p", name).stdout
            match = _PRINTER_LINE.match(info.strip())
            if match and match.group(2) == "disabled":
                return Progress.HELD
            if match and match.group(3) == job_id:
                return Progress.PRINTING
            return Progress.WAITING
        if job_id in self._jobs(name, "completed"):
            return Progress.DONE
        return Progress.LOST

    def cancel(self, name: str, job_id: str) -> None:
        result = self._run(self._cancel, job_id)
        if result.returncode != 0:
            log.info("cancel %s: %s", job_id, (result.stdout + result.stderr).strip())


class FilePrinter:
    """Print into folders (a shared folder a print room collects from, or "save as PDF").

    ``folders`` maps a name shown to the clerk to a folder. A folder that is not
    there (a network share offline) keeps the job queued and retried, like a
    printer that is off.
    """

    kind = "file"

    def __init__(self, folders: dict[str, Path] | None = None) -> None:
        self.folders = dict(folders or {})

    def _folder(self, name: str) -> Path:
        return self.folders.get(name, Path(name))

    def printers(self) -> list[PrinterInfo]:
        return [self.status(name) for name in self.folders]

    def status(self, name: str) -> PrinterInfo:
        folder = self._folder(name)
        if not folder.is_dir():
            return PrinterInfo(name, PrinterState.MISSING, detail=f"{folder} is not a folder")
        if not os.access(folder, os.W_OK):
            return PrinterInfo(name, PrinterState.REJECTING, detail=f"{folder} is not writable")
        return PrinterInfo(name, PrinterState.READY, detail=str(folder))

    def send(self, pdf: Path, name: str, *, copies: int, title: str) -> str:
        from core.documents.errors import WriteFailed
        from core.documents.write import write_atomic

        safe = re.sub(r"[\\/:*?\"<>|\s]+", "_", title).strip("_") or "document"
        target = self._folder(name) / f"{safe}-{pdf.stem[-12:]}.pdf"
        try:
            write_atomic(target, pdf.read_bytes())
        except WriteFailed as exc:
            raise PrintFailure("folder_unavailable", exc.reason) from exc
        except OSError as exc:
            raise PrintFailure("spool_missing", str(exc), transient=False) from exc
        return str(target)

    def progress(self, name: str, job_id: str) -> Progress:
        return Progress.DONE

    def cancel(self, name: str, job_id: str) -> None:
        return None
