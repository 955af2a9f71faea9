"""The drop folder: `<data dir>/intake/inbox/`, where the hall's scanner station or an
enterprise's USB stick leaves batch files, each made a batch on its own.

watchdog reports files created, changed or moved into the inbox (on its own
thread); a worker thread takes a file only once it has stopped changing: its size
and modification time the same for ``settle_seconds``, and an exclusive lock on it
granted (a writer that locks, as Windows copies do, keeps it). A file still being
copied is therefore never read half-written, and a file that was there before the
workstation started is picked up at start.

A file that made a batch goes to ``done/`` (with its error file, if some rows were
refused); one that made none (refused whole, or every row refused) goes to
``failed/`` with its error file or, for a file that could not be read at all, a
``.txt`` beside it with the sentence. Names already taken there get ``-2``, ``-3``….
Hidden files, Office lock files (``~$…``) and partial downloads are left alone.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.i18n import _

log = logging.getLogger(__name__)

IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial", ".swp")
SUFFIXES = (".xlsx", ".csv", ".txt")


@dataclass
class InboxResult:
    source: str  # the file's name
    moved_to: Path
    batch_no: str = ""
    message: str = ""
    ok: bool = False


def inbox_dir(runtime: Any) -> Path:
    return Path(runtime.paths.data_dir) / "intake" / "inbox"


def _wanted(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~$")) or name.lower().endswith(IGNORED_SUFFIXES):
        return False
    return path.suffix.lower() in SUFFIXES


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    n = 2
    while target.exists():
        stem, suffix = os.path.splitext(name)
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _locked_by_writer(path: Path) -> bool:
    """True if another process holds a lock on it (a copy still writing)."""
    import fcntl

    try:
        with path.open("rb") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:
        return True
    return False


class Inbox:
    """Watches the drop folder and makes batches of the files that settle in it."""

    def __init__(
        self,
        runtime: Any,
        folder: Path | None = None,
        *,
        settle_seconds: float = 2.0,
        poll_seconds: float = 0.5,
        on_result: Callable[[InboxResult], None] | None = None,
    ) -> None:
        self.runtime = runtime
        self.folder = folder or inbox_dir(runtime)
        self.done = self.folder / "done"
        self.failed = self.folder / "failed"
        self.settle_seconds = settle_seconds
        self.poll_seconds = poll_seconds
        self.on_result = on_result
        self.results: list[InboxResult] = []
        self._events: queue.Queue[Path] = queue.Queue()
        self._seen: dict[Path, tuple[int, int, float]] = {}  # path -> size, mtime, since
        self._stop = threading.Event()
        self._observer: Any = None
        self._thread: threading.Thread | None = None

    # -- life ----------------------------------------------------------------------
    def start(self) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer  # ~25 ms: only when the inbox is on

        for folder in (self.folder, self.done, self.failed):
            folder.mkdir(parents=True, exist_ok=True)
        inbox = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.is_directory:
                    return
                where = getattr(event, "dest_path", "") or event.src_path
                path = Path(os.fsdecode(where))
                if path.parent == inbox.folder:
                    inbox._events.put(path)

        self._observer = Observer()
        self._observer.schedule(Handler(), str(self.folder), recursive=False)
        self._observer.start()
        for path in sorted(self.folder.iterdir()):  # there before we started
            if path.is_file():
                self._events.put(path)
        self._thread = threading.Thread(target=self._run, name="intake-inbox", daemon=True)
        self._thread.start()
        log.info("batch inbox watching %s", self.folder)

    def stop(self) -> None:
        self._stop.set()
        self._events.put(self.folder)  # wakes the worker now rather than at its next poll
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    # -- the worker ----------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                path = self._events.get(timeout=self.poll_seconds)
                while True:
                    self._note(path)
                    path = self._events.get_nowait()
            except queue.Empty:
                pass
            self._settle()
        db = self.runtime.db
        if not db.is_closed():
            db.close()  # this thread's connection

    def _note(self, path: Path) -> None:
        if self._stop.is_set():
            return
        if _wanted(path) and path.is_file():
            self._seen.setdefault(path, (-1, -1, time.monotonic()))

    def _settle(self) -> None:
        now = time.monotonic()
        for path, (size, mtime, since) in list(self._seen.items()):
            if self._stop.is_set():
                return
            try:
                stat = path.stat()
            except FileNotFoundError:
                del self._seen[path]
                continue
            current = (stat.st_size, stat.st_mtime_ns)
            if current != (size, mtime):
                self._seen[path] = (*current, now)
                continue
            if now - since < self.settle_seconds or stat.st_size == 0:
                continue  # still being written, or created and not yet filled
            if _locked_by_writer(path):
                self._seen[path] = (*current, now)
                continue
            del self._seen[path]
            self.process(path)

    def process(self, path: Path) -> InboxResult:
        """Import one settled file and move it to done/ or failed/."""
        from core.documents import DocumentError
        from core.safefiles import FileRefused
        from plugins.intake.batch_import import BatchError, import_file
        from plugins.intake.service import IntakeError

        try:
            imported = import_file(self.runtime, path, actor="inbox", error_dir=self.failed)
        except (FileRefused, BatchError, DocumentError, IntakeError) as exc:
            log.warning("inbox file %s refused: %s", path.name, getattr(exc, "detail", "") or exc)
            target = _free_name(self.failed, path.name)
            os.replace(path, target)
            target.with_name(target.name + ".txt").write_text(str(exc) + "\n", encoding="utf-8")
            result = InboxResult(path.name, target, message=str(exc))
        except Exception as exc:  # never lose the file, never stop the inbox
            log.exception("inbox file %s could not be processed", path.name)
            target = _free_name(self.failed, path.name)
            os.replace(path, target)
            result = InboxResult(path.name, target, message=f"{type(exc).__name__}")
        else:
            if imported.batch is None:
                target = _free_name(self.failed, path.name)
                os.replace(path, target)
                result = InboxResult(
                    path.name, target, message=_("No row could be kept: nothing imported.")
                )
            else:
                target = _free_name(self.done, path.name)
                os.replace(path, target)
                if imported.error_file is not None and imported.error_file.exists():
                    os.replace(imported.error_file, _free_name(self.done, imported.error_file.name))
                result = InboxResult(
                    path.name,
                    target,
                    batch_no=imported.batch.batch_no,
                    ok=True,
                    message=_("Batch {batch}: {good} rows kept, {bad} refused ({item}).").format(
                        batch=imported.batch.batch_no,
                        good=imported.good_rows,
                        bad=imported.bad_rows,
                        item=imported.item["name"],
                    ),
                )
        self.results.append(result)
        if self.on_result is not None:
            try:
                self.on_result(result)
            except Exception:
                log.exception("inbox result not shown")
        return result
