"""The retry worker: pumps the print queue on its own timer.

A printer that comes back (resumed, plugged in, re-added) gets its waiting jobs
without anyone pressing a key, and jobs handed to CUPS are followed to done. One
daemon thread per workstation, started by the printing plugin; peewee gives the
thread its own SQLite connection (WAL: the clerk's writes are not blocked).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from core.printing.queue import PrintQueue

log = logging.getLogger(__name__)


class PrintWorker:
    def __init__(
        self,
        queue: PrintQueue,
        *,
        interval: float = 5.0,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.queue = queue
        self.interval = interval
        self.on_change = on_change
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sihao-print-queue", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Pump now (a job was submitted or rerouted) instead of at the next tick."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        from core.db import database

        try:
            while not self._stop.is_set():
                try:
                    if self.queue.pump() and self.on_change is not None:
                        self.on_change()
                except Exception:  # a bad tick must not end the worker: log, go on
                    log.exception("print queue pump failed")
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            if not database.is_closed():
                database.close()  # this thread's connection only
