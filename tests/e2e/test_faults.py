"""Faults between workstation and server: nothing lost, nothing duplicated, converged.

A proxy in the test (tests/sync_support/faultproxy.py) drops requests, delays them,
resets them mid-body, lets the server commit and then drops, cuts or stalls the
answer past the client's timeout, and duplicates requests. Each schedule is a list
of such actions taken by successive requests (pushes and pulls alike, small
batches and pages so a round makes many requests); the workstation keeps syncing
until the schedule is spent and nothing is pending, then the server must hold
every record exactly once and the workstation the server's latest changes.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.models import Window
from core.outbox import Outbox, OutboxState
from core.sync import engine
from core.sync.client import Retryable, SyncClient
from core.sync.engine import Syncer
from server import admin
from tests.sync_support.faultproxy import ACTIONS, FaultProxy
from tests.sync_support.world import DEMO_SITE, pending, server_notes, workstation, write_notes

CLIENT_TIMEOUT = 0.4
FAULTS = [a for a in ACTIONS if a != "pass"]


def schedules() -> list[list[str]]:
    """Every fault alone, pairs of each fault back to back, then random mixes."""
    found = [[fault] for fault in FAULTS]
    found += [["pass", fault, fault] for fault in FAULTS]
    rng = random.Random(20261128)
    for _ in range(8):
        mix = [rng.choice(ACTIONS) for _ in range(rng.randint(4, 9))]
        if mix.count("stall") > 1:  # each stall costs a client timeout: keep the run short
            mix = [a if a != "stall" else "drop_response" for a in mix]
            mix.append("stall")
        found.append(mix)
    return found


SCHEDULES = schedules()


@pytest.fixture(scope="module")
def proxy(server: Any) -> Iterator[FaultProxy]:
    port = int(server.url.rsplit(":", 1)[1])
    fault_proxy = FaultProxy(port, stall_seconds=CLIENT_TIMEOUT + 0.3)
    yield fault_proxy
    fault_proxy.close()


def test_at_least_twenty_schedules() -> None:
    assert len(SCHEDULES) >= 20
    assert {a for s in SCHEDULES for a in s} >= set(FAULTS)


def test_nothing_lost_nothing_duplicated_under_faults(
    server: Any, proxy: FaultProxy, tmp_path: Path
) -> None:
    runtime = workstation(tmp_path / "ws")
    try:
        proxy.set_schedule([])
        code = admin.issue_enroll_code(DEMO_SITE)
        Syncer(runtime).enroll(proxy.url, code, "faulty counter")
        workstation_id = engine.status().workstation_id
        syncer = Syncer(
            runtime,
            batch_size=8,
            page_size=4,
            client_factory=lambda url, token: SyncClient(url, token, timeout=CLIENT_TIMEOUT),
        )
        syncer.sync_once()  # the initial catalog, through a healthy proxy
        made: list[str] = []
        duplicates = 0
        for number, schedule in enumerate(SCHEDULES):
            made += write_notes(20 + number, start=len(made))
            admin.add_window(DEMO_SITE, "F01", f"故障演练窗口{number}")
            proxy.set_schedule(schedule)
            failures = 0
            for _attempt in range(60):
                try:
                    pushed, _pulled = syncer.sync_once()
                    duplicates += pushed.duplicate
                except Retryable:
                    failures += 1
                    continue
                if proxy.remaining() == 0 and pending() == 0:
                    break
            assert proxy.remaining() == 0 and pending() == 0, (number, schedule)
            stored = server_notes(workstation_id)
            counts = Counter(entity for entity, _m, _n in stored)
            duplicated = [e for e, c in counts.items() if c > 1]
            assert not duplicated, (number, schedule, duplicated[:3])
            assert set(counts) == set(made), (number, schedule, len(set(made) - set(counts)))
            window = Window.get((Window.site == DEMO_SITE) & (Window.number == "F01"))
            assert window.name == f"故障演练窗口{number}", (number, schedule)
        assert Outbox.select().where(Outbox.state != OutboxState.APPLIED.value).count() == 0
        assert "drop_response" in proxy.log and "duplicate" in proxy.log
        assert duplicates > 0  # answers were lost after commits, and the resends were known
        syncer.close()
    finally:
        runtime.shutdown()


def test_the_worker_backs_off_no_sooner_than_retry_after(
    server: Any, proxy: FaultProxy, tmp_path: Path
) -> None:
    from core.sync.worker import SyncWorker

    runtime = workstation(tmp_path / "ws")
    try:
        proxy.set_schedule([])
        Syncer(runtime).enroll(proxy.url, admin.issue_enroll_code(DEMO_SITE), "busy counter")
        write_notes(3)
        proxy.set_schedule(["busy"])
        errors: list[BaseException | None] = []
        worker = SyncWorker(
            lambda: Syncer(runtime), interval=60, base=0.01, cap=0.05, on_cycle=errors.append
        )
        worker.start()
        for _ in range(200):
            if errors:
                break
            time.sleep(0.01)
        assert isinstance(errors[0], Retryable) and errors[0].status == 503
        assert worker.failures == 1 and worker.next_delay >= 2.0  # cap 0.05 s, Retry-After 2 s
        assert pending() == 3 and "503" in engine.status().last_error
        worker.trigger()  # "retry now" does not wait for Retry-After: a person asked
        for _ in range(300):
            if pending() == 0:
                break
            time.sleep(0.01)
        worker.stop()
        assert pending() == 0 and worker.failures == 0
    finally:
        runtime.shutdown()
