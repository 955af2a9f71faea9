"""Ratings through the real server: stored and counted once across a re-enrollment,
and every way of tampering with the audit trail the issue lists found by
``sihao audit verify`` (the chain anchored at the server, rows without entries,
the rating tally counted again, plugins switched off, a chain rewritten whole)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from core import audit, credentials
from core.audit import AuditEntry
from core.outbox import Outbox
from core.runtime import Runtime
from core.sync.engine import Syncer, sync_state
from plugins.feedback.models import Rating, RatingTally
from server import admin
from server.models import Record
from tests.plugins.feedback.helpers import rate
from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import DEMO_SITE, central_server, enroll, workstation
from workstation.cli import main

SCHEMA = {"X-Sihao-Schema": "1"}
DAY = dt.date(2026, 10, 12)


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        yield srv


@pytest.fixture
def station(server: Any, tmp_path: Path) -> Iterator[Runtime]:
    """An enrolled demo workstation with the feedback plugin on (the server's policy)."""
    runtime = workstation(tmp_path / "ws", seed=True)
    try:
        enroll(runtime, server)
        Syncer(runtime).sync_once()
        assert "feedback" in runtime.host.loaded()
        yield runtime
    finally:
        runtime.shutdown()


def _stats_total(server: Any, runtime: Runtime) -> dict[str, Any]:
    token = credentials.get_token(runtime.paths.data_dir)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        answer = client.get(
            "/v1/plugins/feedback/stats/ratings",
            params={"from": DAY.isoformat(), "to": DAY.isoformat()},
            headers={"Authorization": f"Bearer {token}", **SCHEMA},
        )
    assert answer.status_code == 200, answer.text
    total: dict[str, Any] = answer.json()["total"]
    return total


# -- re-enrollment -----------------------------------------------------------------------


def test_154_pending_records_resent_after_re_enrollment_are_stored_and_counted_once(
    server: Any, station: Runtime
) -> None:
    before = _stats_total(server, station)["total"]
    # 100 ratings, 27 of them bad reviews (each opens a case with its first state
    # change): 154 records waiting to be sent.
    for i in range(100):
        rate(station, 2 if i < 27 else 5, window="A01", on=DAY)
    assert Outbox.select().where(Outbox.state == "pending").count() == 154
    syncer = Syncer(station)
    pushed, _ = syncer.sync_once()
    assert (pushed.applied, pushed.rejected) == (154, 0)
    first_id = sync_state().workstation_id
    # The answers never came back (the rows are still pending here); then the
    # keyring is lost and IT revokes the token, as the revoked message says.
    station.db.execute_sql("UPDATE outbox SET state = 'pending', acked_at = NULL")
    admin.revoke_workstation(first_id)
    syncer.close()
    enroll(station, server)
    assert sync_state().workstation_id != first_id
    again, _ = Syncer(station).sync_once()
    assert (again.applied, again.duplicate, again.rejected) == (0, 154, 0)
    assert Outbox.select().where(Outbox.state == "pending").count() == 0
    stored = Record.select().where((Record.site == DEMO_SITE) & Record.kind.startswith("feedback."))
    ratings = stored.where(Record.kind == "feedback.rating")
    assert ratings.count() - before == 100
    assert {r.workstation for r in ratings if r.entity_id in _local_rating_ids()} == {first_id}
    total = _stats_total(server, station)
    assert total["total"] - before == 100  # counted once in the city's statistics


def _local_rating_ids() -> set[str]:
    return {r.id for r in Rating.select(Rating.id)}


# -- tamper evidence ---------------------------------------------------------------------


def _verify(data_dir: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "audit", "verify"], env=env)
    return result.exit_code, result.output


def _anchored(station: Runtime, *levels: int) -> list[Rating]:
    """Ratings keyed in and pushed: the server acknowledged the chain's head."""
    made = [rate(station, level, on=DAY) for level in levels]
    Syncer(station).sync_once()
    head = audit.head()
    state = sync_state()
    assert (state.audit_anchor_seq, state.audit_anchor_hash) == head
    return made


def test_an_untouched_anchored_chain_passes(station: Runtime) -> None:
    _anchored(station, 5, 4, 2)
    code, output = _verify(station.paths.data_dir)
    assert code == 0, output
    assert "审计链完整" in output
    assert f"已与服务器确认的链尾核对：第 {audit.head()[0]} 条" in output


def test_deleting_the_last_entry_and_its_row_is_found(station: Runtime) -> None:
    *_, last = _anchored(station, 4, 5, 5)
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert entry.entity_id == last.id
    station.db.execute_sql("DELETE FROM audit_entry WHERE id = ?", (entry.id,))
    station.db.execute_sql("DELETE FROM rating WHERE id = ?", (last.id,))
    assert audit.verify(station.models()).ok  # the links alone cannot see it
    code, output = _verify(station.paths.data_dir)
    assert code == 1
    assert f"审计链止于第 {entry.seq - 1} 条，而服务器已确认到第 {entry.seq} 条" in output


def test_dropping_the_last_three_entries_is_found(station: Runtime) -> None:
    _anchored(station, 5, 5, 5, 4)
    seq = audit.head()[0]
    station.db.execute_sql("DELETE FROM audit_entry WHERE seq > ?", (seq - 3,))
    assert audit.verify(station.models()).ok
    code, output = _verify(station.paths.data_dir)
    assert code == 1
    assert f"审计链止于第 {seq - 3} 条，而服务器已确认到第 {seq} 条" in output
    assert "rating 表有 3 行没有审计记录" in output  # their rows are still there


def test_a_rating_inserted_without_an_audit_entry_is_found(station: Runtime) -> None:
    [rating] = _anchored(station, 5)
    forged = "0190b5d2-7f00-7000-8000-000000000001"
    columns = [f.column_name for f in Rating._meta.sorted_fields if f.column_name != "id"]
    station.db.execute_sql(
        f"INSERT INTO rating (id, {', '.join(columns)}) "
        f"SELECT ?, {', '.join(columns)} FROM rating WHERE id = ?",
        (forged, rating.id),
    )
    station.db.execute_sql(
        "UPDATE rating_tally SET count = count + 1 WHERE level = 5"
    )  # the forger keeps the tally in step
    assert audit.verify(station.models()).ok
    code, output = _verify(station.paths.data_dir)
    assert code == 1
    assert f"rating 表有 1 行没有审计记录（绕过本系统写入），例如 {forged}" in output


def test_adding_1000_to_the_rating_tally_is_found(station: Runtime) -> None:
    _anchored(station, 5, 4)
    station.db.execute_sql(
        "UPDATE rating_tally SET count = count + 1000 WHERE level = 5 AND window_no = 'A01'"
    )
    assert RatingTally.select().where(RatingTally.count > 1000).count() == 1
    assert audit.verify(station.models()).ok
    code, output = _verify(station.paths.data_dir)
    assert code == 1
    assert "评价汇总表记" in output and "1001 条，而评价记录实有 1 条" in output


def test_edits_while_the_plugin_is_off_are_found(station: Runtime) -> None:
    [bad, _good] = _anchored(station, 1, 5)
    # The feedback plugin is switched off here; someone edits the bad review.
    station.db.execute_sql("UPDATE rating SET level = 5 WHERE id = ?", (bad.id,))
    off = {"SIHAO_PLUGINS": "about,sync"}
    code, output = _verify(station.paths.data_dir, env=off)
    assert code == 1
    assert f"rating {bad.id} was altered" in output


def test_a_chain_rewritten_whole_is_found(station: Runtime) -> None:
    [bad, *_] = _anchored(station, 1, 5, 5)
    # Someone with the file and the source code turns the bad review into a good
    # one and recomputes every digest and hash (the chain is unkeyed SHA-256).
    station.db.execute_sql("UPDATE rating SET level = 5 WHERE id = ?", (bad.id,))
    _rehash_all(station)
    assert audit.verify(station.models()).ok  # the chain agrees with itself
    code, output = _verify(station.paths.data_dir)
    assert code == 1
    assert "与服务器确认的不一致：审计链被改写过" in output


def test_without_the_server_the_copy_kept_here_still_finds_a_truncation(
    server: Any, station: Runtime
) -> None:
    _anchored(station, 5, 5)
    seq = audit.head()[0]
    station.db.execute_sql("DELETE FROM audit_entry WHERE seq = ?", (seq,))
    admin.revoke_workstation(sync_state().workstation_id)  # the server answers 401
    code, output = _verify(station.paths.data_dir)
    assert code == 1
    assert "无法询问服务器" in output
    assert f"已与本机保存的服务器最近确认的链尾核对：第 {seq} 条" in output
    assert f"而服务器已确认到第 {seq} 条" in output


def _rehash_all(station: Runtime) -> None:
    models = {m._meta.table_name: m for m in station.models()}
    previous = audit.GENESIS
    for entry in AuditEntry.select().order_by(AuditEntry.seq):
        model = models.get(entry.table)
        if model is not None and entry.entity_id:
            row = model.get_or_none(model._meta.primary_key == entry.entity_id)
            if row is not None:
                entry.digest = audit.row_digest(row)
        entry.prev_hash = previous
        entry.hash = audit._entry_hash(entry)
        entry.save()
        previous = entry.hash


# -- a bounded first pull ----------------------------------------------------------------


def _age(case_ids: list[str], days: int) -> None:
    """Make the cases' change rows and last records ``days`` old on the server."""
    from server import db as server_db
    from server.models import Change, utcnow

    then = utcnow() - dt.timedelta(days=days)
    for case_id in case_ids:
        events = [
            c.entity_id
            for c in Change.select(Change.entity_id, Change.data).where(
                Change.kind == "feedback.case_event"
            )
            if json.loads(c.data).get("case_id") == case_id
        ]
        Change.update(at=then).where(Change.entity_id.in_([case_id, *events])).execute()
        p = server_db.database.param
        server_db.database.execute_sql(
            f"UPDATE feedback_case_state SET changed_at = {p} WHERE case_id = {p}",
            (then, case_id),
        )


def test_a_new_workstations_first_pull_gets_open_work_and_the_recent_window(
    server: Any, station: Runtime, tmp_path: Path
) -> None:
    from plugins.feedback import cases
    from plugins.feedback.cases import CaseState
    from plugins.feedback.models import Case
    from tests.plugins.feedback.helpers import advance

    made = [rate(station, 2, on=DAY) for _ in range(4)]
    ids = [Case.get(Case.source_id == r.id).id for r in made]
    old_closed, old_open, new_closed, old_half = ids
    for case_id in (old_closed, new_closed):
        advance(case_id, CaseState.CALLED_BACK, CaseState.RECTIFIED, CaseState.FED_BACK, today=DAY)
        advance(case_id, CaseState.REVIEWED, actor="3001", role="supervisor", today=DAY)
    advance(old_half, CaseState.CALLED_BACK, CaseState.RECTIFIED, today=DAY)  # not closed
    assert cases.state_of(old_closed) is CaseState.REVIEWED
    pushed, _ = Syncer(station).sync_once()
    assert pushed.rejected == 0
    _age([old_closed, old_open, old_half], days=200)

    newcomer = workstation(tmp_path / "new", seed=True)
    try:
        enroll(newcomer, server)
        assert sync_state().first_pull
        Syncer(newcomer).sync_once()
        assert not sync_state().first_pull  # caught up: later pulls are not bounded
        here = {c.id for c in Case.select(Case.id)}
        assert {old_open, old_half, new_closed} <= here
        assert old_closed not in here  # closed before the window: not needed here
        assert cases.state_of(new_closed) is CaseState.REVIEWED
        assert cases.state_of(old_half) is CaseState.RECTIFIED
        # Nothing of the closed case was pulled half: no event parked for want of it.
        from core.sync.models import ParkedChange

        assert ParkedChange.select().count() == 0
    finally:
        newcomer.shutdown()

    # A workstation that asks without first=1 (an older client) gets the whole history.
    token = credentials.get_token(station.paths.data_dir)
    headers = {"Authorization": f"Bearer {token}", **SCHEMA}
    with httpx.Client(base_url=server.url, timeout=30) as client:

        def kinds_ids(first: bool) -> set[str]:
            found: set[str] = set()
            since = 0
            while True:
                params: dict[str, Any] = {"since": since, "limit": 1000}
                if first:
                    params["first"] = 1
                body = client.get("/v1/sync/pull", params=params, headers=headers).json()
                found |= {c["id"] for c in body["changes"] if c["kind"] == "feedback.case"}
                since = body["next"]
                if not body["has_more"]:
                    return found

        assert old_closed in kinds_ids(first=False)
        assert old_closed not in kinds_ids(first=True)


def test_the_migration_removes_records_stored_twice_before_and_counts_the_tally_again(
    server: Any, station: Runtime
) -> None:
    """A server that already stored a re-enrolled workstation's ratings twice (the
    old unique index allowed it): its migration keeps the first copy of each and
    counts the tally again."""
    import importlib.util

    from plugins.feedback import server as feedback_server
    from server import db

    for level in (5, 4, 1):
        rate(station, level, on=DAY)
    assert Syncer(station).sync_once()[0].applied == 5  # 3 ratings, a case, its event
    path = Path(feedback_server.__file__).parent / "server_migrations" / "0004_record_key.py"
    spec = importlib.util.spec_from_file_location("record_key_migration", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    kinds = ", ".join(f"'{kind}'" for kind in migration.KINDS)
    with db.request_connection():
        counted = feedback_server.city_stats(("window",), use_tally=False)
        # What the old server did: the same records again under another workstation.
        db.database.execute_sql(
            "INSERT INTO records (workstation, site, kind, entity_id, mutation_id, client_seq,"
            " payload, payload_version, created_at, received_at, record_key) "
            "SELECT 'before-re-enrollment', site, kind, entity_id, mutation_id, client_seq,"
            " payload, payload_version, created_at, received_at, NULL FROM records "
            f"WHERE site = '{DEMO_SITE}' AND kind IN ({kinds})"
        )
        db.database.execute_sql("UPDATE feedback_rating_tally SET n = n * 2")
        assert feedback_server.city_stats(("window",), use_tally=True) != counted
        removed = migration.deduplicate(db.database.obj)
        assert removed >= 5
        assert feedback_server.city_stats(("window",), use_tally=True) == counted
        keys = db.database.execute_sql(
            f"SELECT count(*) FROM records WHERE kind IN ({kinds}) "
            "AND (record_key IS NULL OR record_key <> entity_id)"
        ).fetchone()[0]
        assert keys == 0
        assert Record.select().where(Record.workstation == "before-re-enrollment").count() == 0
