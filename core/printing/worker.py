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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.printing.queue import PrintQueue

log = logging.getLogger(__name__)


class PrintWorker:
    """``make_queue`` is called on the worker's thread after ``start_delay`` seconds:
    the queue's imports and first pass stay out of the workstation's start-up (the
    first frame is drawn by then), and a job submitted earlier wakes it at once."""

    def __init__(
        self,
        make_queue: Callable[[], PrintQueue],
        *,
        interval: float = 5.0,
        start_delay: float = 0.0,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.make_queue = make_queue
        self.start_delay = start_delay
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
            if self.start_delay:
                self._wake.wait(self.start_delay)
                self._wake.clear()
            if self._stop.is_set():
                return
            queue = self.make_queue()
            while not self._stop.is_set():
                try:
                    if queue.pump() and self.on_change is not None:
                        self.on_change()
                except Exception:  # a bad tick must not end the worker: log, go on
                    log.exception("print queue pump failed")
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            if not database.is_closed():
                database.close()  # this thread's connection only
