"""Bodies over the server's size limit: the workstation sends smaller batches, and a
record no batch can carry is rejected visibly, without holding up the others."""

from __future__ import annotations

from pathlib import Path

from core import outbox
from core.db import atomic, new_id
from core.outbox import Outbox, OutboxState
from core.sync.engine import Syncer
from server import admin
from server.testing import live_server
from tests.sync_support.world import (
    DEMO_SITE,
    NOTE,
    PLUGIN,
    enroll,
    server_host,
    server_notes,
    workstation,
    write_notes,
)

LIMIT = 40_000  # bytes: about 150 notes a request, where the workstation starts at 500


def test_a_body_too_large_is_split_and_an_oversized_record_rejected(tmp_path: Path) -> None:
    with live_server(
        f"sqlite:///{tmp_path / 'server.db'}", host=server_host(), max_body_bytes=LIMIT
    ) as server:
        admin.seed_demo()
        admin.set_policy(DEMO_SITE, enable=[PLUGIN])
        runtime = workstation(tmp_path / "ws")
        try:
            enroll(runtime, server)
            syncer = Syncer(runtime)
            syncer.pull()
            before = write_notes(400)
            with atomic():
                huge = new_id()
                outbox.enqueue(NOTE, huge, {"text": "长" * 20_000, "n": 400})  # 60 kB alone
            after = write_notes(300, start=401)

            report = syncer.push()

            assert report.applied == 700 and report.rejected == 1, report
            # Split to fit, down to the one record alone; past it, full batches again
            # (not one by one: that was 306 requests).
            assert 700 * 200 // LIMIT < report.requests <= 25, report
            stored = server_notes()
            assert sorted(e for e, _m, _n in stored) == sorted(before + after)  # once each
            assert len({m for _e, m, _n in stored}) == 700
            rows = {row.entity_id: row for row in Outbox.select()}
            assert rows[huge].state == OutboxState.REJECTED.value
            said = rows[huge].last_error  # for the Sync screen: why, and the server's limit
            assert "记录过大" in said and str(LIMIT) in said, said
            assert {rows[e].state for e in before + after} == {OutboxState.APPLIED.value}
            assert syncer.push().sent == 0  # nothing left over, the rejected one stays put
        finally:
            runtime.shutdown()
