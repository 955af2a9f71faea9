"""Work the server does once for the whole city: a worker process beside the API.

Some work must happen exactly once however many workstations and server processes
there are: sending an SMS reminder, making the default rating of a case nobody
rated. It must not run in every API process (they scale out behind a load
balancer) nor at every workstation. Plugins register it as *jobs*
(``sihao_server_jobs(registry)``): a name, a function that does one pass, and how
often. ``sihao server worker run`` runs every registered job in a loop beside the
API (``--once``: one pass of each, for cron; ``--only NAME``: one job).

Two workers may run at once (a second machine, a restart that overlaps the old
process), and a worker may be killed at any moment. So a job:

- takes its rows with ``JobContext.claim`` inside a transaction: on PostgreSQL
  ``SELECT … FOR UPDATE SKIP LOCKED``, so two workers never take the same row and
  neither waits for the other; SQLite has one writer at a time (``BEGIN
  IMMEDIATE``), so the transaction itself is the lock;
- is idempotent by key: what it makes carries a key derived from what it was made
  from (a reminder's outbox row, a default rating's id from the case), stored under
  a unique constraint, so a pass repeated after a kill makes nothing twice;
- returns how many things it did (for the log and ``--once``'s summary).

A job that raises is logged and tried again at its next turn; it never stops the
worker or the other jobs.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import peewee

from server import db

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What a job's pass gets: its name, the time, and a way to claim rows."""

    name: str
    stopping: threading.Event = field(default_factory=threading.Event)
    clock: Callable[[], dt.datetime] = field(
        default=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None)
    )

    def now(self) -> dt.datetime:
        """Naive UTC, like every time the server stores."""
        return self.clock()

    def claim(self, query: peewee.Select) -> list[Any]:
        """The rows of ``query``, locked for this worker until its transaction ends.

        Call inside ``db.transaction()``. On PostgreSQL rows another worker holds are
        skipped (``FOR UPDATE SKIP LOCKED``); on SQLite the transaction is the lock.
        """
        if db.is_postgres():
            query = query.for_update(skip_locked=True)
        return list(query)


JobFunction = Callable[[JobContext], int]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFunction
    every: float  # seconds between the start of one pass and the next
    description: str = ""
    plugin: str = ""


class JobRegistry:
    """Filled by ``sihao_server_jobs``."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self.current_plugin = ""

    def add(
        self, name: str, run: JobFunction, *, every: float = 60.0, description: str = ""
    ) -> None:
        if name in self._jobs:
            raise ValueError(f"job {name!r} is already registered by {self._jobs[name].plugin}")
        if every <= 0:
            raise ValueError(f"job {name!r}: every must be a positive number of seconds")
        self._jobs[name] = Job(name, run, float(every), description, self.current_plugin)

    def get(self, name: str) -> Job | None:
        return self._jobs.get(name)

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda job: job.name)


def load_jobs(host: Any) -> JobRegistry:
    """The jobs of the loaded plugins (a plugin failing to register is switched off)."""
    registry = JobRegistry()

    def before(name: str) -> None:
        registry.current_plugin = name

    host.call("sihao_server_jobs", before=before, registry=registry)
    return registry


def chosen_jobs(registry: JobRegistry, only: Iterable[str] | None) -> list[Job]:
    jobs = registry.all()
    if only:
        wanted = set(only)
        unknown = wanted - {job.name for job in jobs}
        if unknown:
            known = ", ".join(job.name for job in jobs) or "none"
            raise KeyError(f"no job named {', '.join(sorted(unknown))} (registered: {known})")
        jobs = [job for job in jobs if job.name in wanted]
    return jobs


def run_job(job: Job, stopping: threading.Event | None = None) -> int | Exception:
    """One pass of ``job``: how many things it did, or the exception it raised."""
    context = JobContext(job.name, stopping or threading.Event())
    started = time.monotonic()
    try:
        with db.request_connection():
            done = int(job.run(context))
    except Exception as exc:
        log.exception("job %s failed (tried again at its next turn)", job.name)
        return exc
    if done:
        log.info("job %s: %d done in %.2f s", job.name, done, time.monotonic() - started)
    return done


def run_once(
    registry: JobRegistry, only: Iterable[str] | None = None
) -> dict[str, int | Exception]:
    """One pass of every job (or of ``only``), in name order."""
    return {job.name: run_job(job) for job in chosen_jobs(registry, only)}


def run_forever(
    registry: JobRegistry,
    stopping: threading.Event,
    only: Iterable[str] | None = None,
    tick: float = 0.5,
) -> None:
    """Run each job every ``job.every`` seconds until ``stopping`` is set.

    A pass that overruns its interval starts the next one at once, never two at a
    time; stopping waits for the pass under way (a job checks ``stopping`` between
    rows when its passes are long).
    """
    jobs = chosen_jobs(registry, only)
    due = {job.name: 0.0 for job in jobs}
    while not stopping.is_set():
        for job in jobs:
            if stopping.is_set():
                break
            if time.monotonic() >= due[job.name]:
                due[job.name] = time.monotonic() + job.every
                run_job(job, stopping)
        next_due = min(due.values(), default=time.monotonic() + tick)
        stopping.wait(max(0.0, min(tick, next_due - time.monotonic())))
