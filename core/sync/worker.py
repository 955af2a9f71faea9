"""The background sync worker: a thread with its own timer.

Every ``interval`` seconds it pushes and pulls. A failure that may pass (network
down, server shedding load) is retried with exponential backoff and full jitter
(AWS's "full jitter": a uniform draw in [0, min(cap, base·2^n)], base 1 s, cap
5 min), never sooner than the server's ``Retry-After``: two hundred workstations
that lost the network together must not come back together. The retry fires on
this timer, never on the next local write.

A failure only a person can fix stops the timer until ``trigger()``: a revoked
token (re-enroll; the outbox is kept), a missing enrollment, a missing keyring.
A server that needs a newer client (426) is asked again at the cap, so an
upgraded server policy is noticed without a restart; the outbox is kept.

``trigger()`` ("retry now" on the Sync screen) wakes the thread at once.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from typing import Any

from core.credentials import CredentialsError
from core.sync.client import NotEnrolled, Retryable, SyncError, Unauthorized, UpgradeRequired

log = logging.getLogger(__name__)

BASE_DELAY = 1.0
MAX_DELAY = 300.0


def backoff_delay(
    failures: int,
    *,
    base: float = BASE_DELAY,
    cap: float = MAX_DELAY,
    retry_after: float = 0.0,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after ``failures`` failures in a row (full jitter, Retry-After honoured)."""
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    delay: float = max(retry_after, rand() * ceiling)
    return delay


class SyncWorker:
    """Runs ``sync_once`` on a daemon thread; ``stop()`` ends it within a moment."""

    def __init__(
        self,
        make_syncer: Callable[[], Any],
        *,
        interval: float = 30.0,
        base: float = BASE_DELAY,
        cap: float = MAX_DELAY,
        on_cycle: Callable[[BaseException | None], None] | None = None,
        close_db: Callable[[], None] | None = None,
    ) -> None:
        self._make_syncer = make_syncer
        self.interval = interval
        self.base = base
        self.cap = cap
        self._on_cycle = on_cycle
        self._close_db = close_db
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0
        self.next_delay = 0.0
        self.cycles = 0
        self.waiting_for_person = False

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="sihao-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def trigger(self) -> None:
        """Sync now (retry now, or after re-enrollment)."""
        self.waiting_for_person = False
        self.failures = 0
        self._wake.set()

    def _run(self) -> None:
        syncer = None
        try:
            syncer = self._make_syncer()
            while not self._stopping.is_set():
                delay = self._cycle(syncer)
                self.next_delay = delay
                if self._stopping.is_set():
                    break
                if delay < 0:
                    self._wake.wait()  # until trigger() or stop()
                else:
                    self._wake.wait(delay)
                self._wake.clear()
        except Exception:  # the worker must never take the workstation down
            log.exception("sync worker stopped on an unexpected error")
        finally:
            if syncer is not None:
                syncer.close()
            if self._close_db is not None:
                self._close_db()  # this thread's SQLite connection

    def _cycle(self, syncer: Any) -> float:
        """One push and pull; return the seconds to wait (negative: until triggered)."""
        error: BaseException | None = None
        try:
            syncer.sync_once()
            self.failures = 0
            delay = self.interval
        except (Unauthorized, NotEnrolled, CredentialsError) as exc:
            error = exc
            self.waiting_for_person = True
            delay = -1.0
        except UpgradeRequired as exc:
            error = exc
            delay = self.cap
        except Retryable as exc:
            error = exc
            self.failures += 1
            delay = backoff_delay(
                self.failures, base=self.base, cap=self.cap, retry_after=exc.retry_after
            )
        except Exception as exc:  # a refused request, a local error: back off the same way
            log.exception("sync cycle failed")
            error = exc
            if not isinstance(exc, SyncError):  # SyncErrors are recorded where raised
                try:
                    syncer.record_failure(exc)
                except Exception:
                    log.exception("could not record the sync failure")
            self.failures += 1
            delay = backoff_delay(self.failures, base=self.base, cap=self.cap)
        self.cycles += 1
        if self._on_cycle is not None:
            try:
                self._on_cycle(error)
            except Exception:
                log.exception("sync on_cycle listener failed")
        return delay
