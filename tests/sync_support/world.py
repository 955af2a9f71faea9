"""A central server and a workstation that sync with it, for the client's tests.

The server is the real one (``server.testing.live_server``: uvicorn in a thread on
a free loopback port) on SQLite or PostgreSQL; the workstation is a real runtime
on its own SQLite file. ``NotesPlugin`` defines the record kind the tests push,
``e2e.note``: registered with ``host.register_object`` on both sides, the way a
plugin such as feedback registers its kinds.

One workstation runtime per process at a time (core models bind one proxy);
tests that need several run them in subprocesses (tests/e2e/test_crash.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core import outbox
from core.db import atomic, new_id
from core.outbox import Outbox, OutboxState
from core.plugins import PluginHost, hookimpl
from core.runtime import Runtime
from tests.conftest import make_runtime
from tests.pg import require_postgres

NOTE = "e2e.note"
PLUGIN = "e2etest"
DEMO_SITE = "370303-ZWFW"


class NotesPlugin:
    """The record kind the tests push (both sides) and a plugin kind they pull."""

    def __init__(self) -> None:
        self.pulled: dict[str, Any] = {}

    @hookimpl
    def sihao_record_kinds(self, registry: Any) -> None:
        from core.records import SafeInt, StrictRecord, text

        note_text = text(20_000)

        class NotePayload(StrictRecord):
            text: note_text  # type: ignore[valid-type]
            n: SafeInt

        registry.add(
            NOTE, payload_version=1, description="a note made at the counter", schema=NotePayload
        )

    @hookimpl
    def sihao_apply_change(self, kind: str, id: str, op: str, data: Any) -> bool | None:
        if kind != NOTE:
            return None
        if op == "delete":
            self.pulled.pop(id, None)
        else:
            self.pulled[id] = data
        return True


def server_host() -> PluginHost:
    from server.plugins import load_host

    host = load_host()
    host.register_object(PLUGIN, NotesPlugin())
    return host


@contextmanager
def central_server(backend: str, tmp: Path) -> Iterator[Any]:
    """A seeded central server (demo site, staff, catalog, policy) on ``backend``."""
    from server import admin
    from server.testing import live_server, postgres_database

    if backend == "postgresql":
        require_postgres()
        with postgres_database("sihao_sync") as url, live_server(url, host=server_host()) as srv:
            admin.seed_demo()
            admin.set_policy(DEMO_SITE, enable=[PLUGIN])
            yield srv
    else:
        with live_server(f"sqlite:///{tmp / 'server.db'}", host=server_host()) as srv:
            admin.seed_demo()
            admin.set_policy(DEMO_SITE, enable=[PLUGIN])
            yield srv


def workstation(data_dir: Path, *, seed: bool = False) -> Runtime:
    """A fresh workstation (nothing seeded: everything comes from the server)."""
    runtime = make_runtime(data_dir, plugins=["about", "sync", PLUGIN], demo=seed)
    runtime.host.register_object(PLUGIN, NotesPlugin())
    runtime.apply_policy()
    return runtime


def enroll(runtime: Runtime, server: Any, site: str = DEMO_SITE) -> None:
    from core.sync.engine import Syncer
    from server import admin

    Syncer(runtime).enroll(server.url, admin.issue_enroll_code(site), "test counter")


def write_notes(
    n: int, *, start: int = 0, kind: str = NOTE, per_transaction: int = 100
) -> list[str]:
    """Make ``n`` records the way a plugin does: in a transaction with their outbox row
    (several per transaction here: each commit is an fsync, and tests make thousands)."""
    ids = []
    for first in range(start, start + n, per_transaction):
        with atomic():
            for i in range(first, min(first + per_transaction, start + n)):
                entity = new_id()
                outbox.enqueue(kind, entity, {"text": f"第{i}号备注", "n": i})
                ids.append(entity)
    return ids


def server_notes(workstation_id: str | None = None) -> list[tuple[str, str, int]]:
    """(entity id, mutation id, n) of every note the server stored."""
    from server.models import Record

    query = Record.select(Record.entity_id, Record.mutation_id, Record.payload).where(
        Record.kind == NOTE
    )
    if workstation_id is not None:
        query = query.where(Record.workstation == workstation_id)
    return [(e, m, int(json.loads(p)["n"])) for e, m, p in query.tuples()]


def local_states() -> dict[str, int]:
    counts: dict[str, int] = {}
    for (state,) in Outbox.select(Outbox.state).tuples():
        counts[state] = counts.get(state, 0) + 1
    return counts


def pending() -> int:
    return Outbox.select().where(Outbox.state == OutboxState.PENDING.value).count()
