"""Records stored once across re-enrollment, cloned tokens refused and shown to IT,
the audit chain's head kept, and the server's SQLite durable (synchronous=FULL)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from uuid6 import uuid7

from core.plugins import hookimpl
from core.records import SafeInt, StrictRecord
from server import admin
from server.db import make_database
from server.models import AdminLog, Record
from server.models import Workstation as WorkstationRow
from server.testing import LiveServer
from tests.server.conftest import Workstation, enroll
from workstation.cli import main

HEAD = {"seq": 7, "hash": "a" * 64}


class EventPayload(StrictRecord):
    n: SafeInt = 0


class AppendOnlyPlugin:
    """An append-only kind: each record is a new entity, its entity_id its own id."""

    @hookimpl
    def sihao_record_kinds(self, registry: Any) -> None:
        registry.add("test.event", schema=EventPayload, append_only=True)


@pytest.fixture(scope="module", autouse=True)
def append_only_kind(server: LiveServer) -> Iterator[None]:
    server.host.register_object("appendonly", AppendOnlyPlugin())
    yield
    server.host.apply([n for n in server.host.loaded() if n != "appendonly"])


def _event(station: Workstation, seq: int, **overrides: Any) -> dict[str, Any]:
    record_id = str(uuid7())
    m = {
        "client_seq": seq,
        "mutation_id": str(uuid.uuid4()),
        "kind": "test.event",
        "entity_id": record_id,
        "payload_version": 1,
        "payload": {"n": seq},
        "created_at": "2026-11-28T09:15:02",
    }
    m.update(overrides)
    return m


def _statuses(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [r["status"] for r in answer.json()["results"]]


def _site_records(site: str) -> list[Record]:
    return list(Record.select().where(Record.site == site).order_by(Record.server_seq))


# -- re-enrollment -----------------------------------------------------------------------


def test_records_resent_after_re_enrollment_are_duplicates(server: LiveServer, site: str) -> None:
    first = enroll(server, site)
    events = [_event(first, seq) for seq in range(1, 31)]
    notes = [first.mutation(client_seq=seq) for seq in range(31, 41)]
    applied = first.push(events + notes)
    assert _statuses(applied) == ["applied"] * 40
    seqs = {r["mutation_id"]: r["server_seq"] for r in applied.json()["results"]}
    # The answer was lost; IT revokes the token (lost keyring) and enrolls it again.
    admin.revoke_workstation(first.workstation_id)
    again = enroll(server, site)
    assert again.workstation_id != first.workstation_id
    # The records come again under the new workstation id; the append-only ones
    # even under new mutation ids (the outbox lost its ids): each is its own id.
    resent = [{**e, "mutation_id": str(uuid.uuid4())} for e in events] + notes
    answer = again.push(resent)
    assert _statuses(answer) == ["duplicate"] * 40
    results = answer.json()["results"]
    assert [r["server_seq"] for r in results[30:]] == [seqs[n["mutation_id"]] for n in notes]
    assert [r["server_seq"] for r in results[:30]] == [seqs[e["mutation_id"]] for e in events]
    assert len(_site_records(site)) == 40
    # A new record of the new enrollment is stored as usual.
    assert _statuses(again.push([_event(again, 41)])) == ["applied"]
    assert len(_site_records(site)) == 41


def test_another_site_cannot_make_a_record_a_duplicate(server: LiveServer, site: str) -> None:
    """The key is the site's: the same id pushed by another site is judged by its
    owner (entity_owner), never answered as this site's duplicate."""
    mine = enroll(server, site)
    event = _event(mine, 1)
    assert _statuses(mine.push([event])) == ["applied"]
    from tests.server.conftest import new_site

    other = enroll(server, new_site())
    answer = other.push([{**event, "mutation_id": str(uuid.uuid4())}])
    assert _statuses(answer) == ["rejected"]
    assert "belongs to another site" in answer.json()["results"][0]["reason"]


# -- cloned tokens -----------------------------------------------------------------------


def _clone(station: Workstation) -> Workstation:
    """The same token on a second machine, numbering its own records."""
    import httpx

    return Workstation(
        station.server,
        station.token,
        station.workstation_id,
        station.site,
        httpx.Client(base_url=station.server.url, timeout=30),
    )


def test_a_repeated_client_seq_with_other_content_is_refused_and_flagged(
    server: LiveServer, site: str
) -> None:
    original = enroll(server, site, name="counter-1")
    batch = [original.mutation() for _ in range(5)]
    assert _statuses(original.push(batch)) == ["applied"] * 5
    # A retry of the same batch (its answer lost) is fine: duplicates.
    assert _statuses(original.push(batch)) == ["duplicate"] * 5
    assert WorkstationRow.get_by_id(original.workstation_id).suspect == ""

    clone = _clone(original)
    answer = clone.push([clone.mutation() for _ in range(3)])  # client_seq 1, 2, 3 again
    assert answer.status_code == 409, answer.text
    body = answer.json()
    assert body["code"] == "cloned_token"
    assert "client_seq 1 was already used by another record" in body["detail"]
    assert "two machines" in body["detail"]
    assert len(_site_records(site)) == 5  # nothing of the clone's stored
    row = WorkstationRow.get_by_id(original.workstation_id)
    assert "client_seq 1" in row.suspect and row.suspect_at is not None
    logged = AdminLog.get(
        (AdminLog.action == "workstation.flagged") & (AdminLog.target == original.workstation_id)
    )
    assert "client_seq 1" in json.loads(logged.detail)["reason"]

    # IT sees it in the list of workstations.
    listed = [w for w in admin.list_workstations() if w.id == original.workstation_id]
    assert listed[0].suspect == row.suspect
    runner = CliRunner()
    out = runner.invoke(
        main, ["server", "--database", server.database_url, "workstations", "--site", site]
    )
    assert out.exit_code == 0, out.output
    assert "FLAGGED: cloned token? client_seq 1" in out.output
    as_json = runner.invoke(
        main,
        ["server", "--database", server.database_url, "workstations", "--site", site, "--json"],
    )
    [listed_json] = json.loads(as_json.output)
    assert listed_json["flagged"].startswith("cloned token?")


def test_a_client_seq_going_back_is_refused(server: LiveServer, site: str) -> None:
    original = enroll(server, site)
    assert (
        _statuses(original.push([original.mutation(client_seq=s) for s in (1, 2, 9)]))
        == ["applied"] * 3
    )
    clone = _clone(original)
    answer = clone.push([clone.mutation(client_seq=5)])  # never stored nor refused there
    assert answer.status_code == 409
    assert "client_seq 5 goes back below 9" in answer.json()["detail"]
    # Two records under one number in one push is the same problem.
    fresh = enroll(server, site)
    twice = fresh.push([fresh.mutation(client_seq=1), fresh.mutation(client_seq=1)])
    assert twice.status_code == 409 and "names two different records" in twice.json()["detail"]


def test_a_refused_record_sent_again_under_its_number_is_not_a_clone(
    server: LiveServer, site: str
) -> None:
    """The workstation sends a refused record again (requeue: same client_seq, a
    fresh mutation id) after later ones were applied."""
    station = enroll(server, site)
    refused = station.mutation(kind="nobody.registers", client_seq=1)
    assert _statuses(station.push([refused, station.mutation(client_seq=2)])) == [
        "rejected",
        "applied",
    ]
    again = station.mutation(client_seq=1)
    assert _statuses(station.push([again])) == ["applied"]
    assert WorkstationRow.get_by_id(station.workstation_id).suspect == ""


# -- the audit anchor --------------------------------------------------------------------


def _push_head(station: Workstation, head: Any, mutations: list[Any] | None = None) -> Any:
    return station.client.post(
        "/v1/sync/push",
        json={"mutations": mutations or [], "audit_head": head},
        headers=station.headers,
    )


def test_the_audit_head_is_kept_and_never_moves_back(ws: Workstation) -> None:
    answer = _push_head(ws, HEAD, [ws.mutation()])
    assert answer.status_code == 200, answer.text
    assert answer.json()["audit_head"] == HEAD
    anchor = ws.client.get("/v1/sync/audit-anchor", headers=ws.headers).json()
    assert (anchor["seq"], anchor["hash"]) == (7, "a" * 64) and anchor["at"]
    # A head alone (nothing to push) moves it on.
    later = {"seq": 9, "hash": "b" * 64}
    assert _push_head(ws, later).json()["audit_head"] == later
    # A shorter chain: flagged, and the anchor stays where it was.
    shorter = _push_head(ws, {"seq": 6, "hash": "c" * 64}, [ws.mutation()])
    assert shorter.status_code == 200 and _statuses(shorter) == ["applied"]  # records kept
    assert shorter.json()["audit_head"] == later
    row = WorkstationRow.get_by_id(ws.workstation_id)
    assert "went back from entry 9 to 6" in row.suspect
    assert (row.audit_seq, row.audit_hash) == (9, "b" * 64)


def test_a_rewritten_head_is_flagged(ws: Workstation) -> None:
    assert _push_head(ws, HEAD).status_code == 200
    rewritten = _push_head(ws, {"seq": 7, "hash": "d" * 64})
    assert rewritten.json()["audit_head"] == HEAD
    assert "entry 7 changed" in WorkstationRow.get_by_id(ws.workstation_id).suspect


@pytest.mark.parametrize(
    "head",
    [{"seq": -1, "hash": "a" * 64}, {"seq": 1, "hash": "xyz"}, {"seq": 1}, [1, "a"]],
)
def test_a_malformed_audit_head_is_422(ws: Workstation, head: Any) -> None:
    answer = _push_head(ws, head, [ws.mutation()])
    assert answer.status_code == 422, answer.text
    assert "audit_head" in answer.json()["detail"]


# -- durability --------------------------------------------------------------------------


def test_the_server_sqlite_database_runs_synchronous_full(tmp_path: Path) -> None:
    db = make_database(f"sqlite:///{tmp_path / 'server.db'}")
    db.connect()
    try:
        assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()
