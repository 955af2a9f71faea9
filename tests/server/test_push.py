"""Push: every mutation stored exactly once, answered one by one, nothing lost."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from server import admin
from server.models import Record, Rejection
from server.models import Workstation as WorkstationRow
from server.testing import LiveServer
from tests.server.conftest import SCHEMA, Workstation, enroll


def _stored(station: Workstation) -> list[Record]:
    return list(
        Record.select()
        .where(Record.workstation == station.workstation_id)
        .order_by(Record.server_seq)
    )


def test_applied_then_duplicate_on_retry(ws: Workstation) -> None:
    batch = [ws.mutation() for _ in range(5)]
    first = ws.push(batch)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["applied"] * 5
    assert first.json()["last_client_seq"] == 5
    again = ws.push(batch)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 5
    assert [r["server_seq"] for r in again.json()["results"]] == [
        r["server_seq"] for r in first.json()["results"]
    ]
    stored = _stored(ws)
    assert [r.mutation_id for r in stored] == [m["mutation_id"] for m in batch]
    assert json.loads(stored[0].payload) == {"text": "材料齐全", "n": 1}
    assert stored[0].site == ws.site
    assert stored[0].created_at.isoformat() == "2026-11-28T09:15:02"
    assert stored[0].received_at is not None
    assert WorkstationRow.get_by_id(ws.workstation_id).last_client_seq == 5


def test_the_same_mutation_twice_in_one_batch_is_stored_once(ws: Workstation) -> None:
    m = ws.mutation()
    answer = ws.push([m, m])
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "duplicate"]
    assert len(_stored(ws)) == 1
    refused = ws.mutation(kind="nobody.registers")
    answer = ws.push([refused, refused])  # found by schemathesis: a 500 on PostgreSQL once
    assert [r["status"] for r in answer.json()["results"]] == ["rejected", "rejected"]


def test_concurrent_duplicate_requests_store_each_mutation_once(ws: Workstation) -> None:
    batch = [ws.mutation() for _ in range(200)]

    def send(_: int) -> list[str]:
        with httpx.Client(base_url=ws.server.url, timeout=60) as client:
            answer = client.post("/v1/sync/push", json={"mutations": batch}, headers=ws.headers)
            assert answer.status_code == 200, answer.text
            return [r["status"] for r in answer.json()["results"]]

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    stored = _stored(ws)
    assert len(stored) == 200
    assert {r.mutation_id for r in stored} == {m["mutation_id"] for m in batch}
    for position in range(200):
        statuses = [a[position] for a in answers]
        assert statuses.count("applied") <= 1
        assert set(statuses) <= {"applied", "duplicate", "retryable"}
    # Whatever was retryable applies on the next try; nothing is lost.
    final = ws.push(batch).json()["results"]
    assert {r["status"] for r in final} == {"duplicate"}


def test_unknown_kinds_and_old_versions_are_rejected_with_reasons(ws: Workstation) -> None:
    good = ws.mutation()
    previous = ws.mutation(payload_version=1)  # the version before the current 2: accepted
    unknown = ws.mutation(kind="nobody.registers")
    too_old = ws.mutation(payload_version=0)
    too_new = ws.mutation(payload_version=3)
    answer = ws.push([good, unknown, previous, too_old, too_new]).json()["results"]
    assert [r["status"] for r in answer] == [
        "applied",
        "rejected",
        "applied",
        "rejected",
        "rejected",
    ]
    assert "nobody.registers" in answer[1]["reason"]
    assert "version 0" in answer[3]["reason"]
    assert {r.mutation_id for r in _stored(ws)} == {good["mutation_id"], previous["mutation_id"]}
    kept = Rejection.select().where(Rejection.workstation == ws.workstation_id)
    assert {r.mutation_id for r in kept} == {m["mutation_id"] for m in (unknown, too_old, too_new)}
    listed = {row.id: row for row in admin.list_workstations()}
    assert listed[ws.workstation_id].pending_rejections == 3


def test_a_revoked_token_gets_401_and_loses_nothing(ws: Workstation) -> None:
    sent = [ws.mutation() for _ in range(3)]
    assert ws.push(sent[:1]).status_code == 200
    admin.revoke_workstation(ws.workstation_id)
    refused = ws.push(sent)
    assert refused.status_code == 401
    assert ws.pull().status_code == 401
    assert len(_stored(ws)) == 1
    # Re-enrolled, the same outbox (same mutation ids) goes through; the applied one
    # came from the old identity, so the new one stores the two that were refused.
    again = enroll(ws.server, ws.site)
    answer = again.push(sent[1:])
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied"]
    mutation_ids = {r.mutation_id for r in Record.select().where(Record.site == ws.site)}
    assert mutation_ids == {m["mutation_id"] for m in sent}


def test_old_schema_gets_426_and_nothing_is_stored(ws: Workstation) -> None:
    m = ws.mutation()
    headers = {"Authorization": f"Bearer {ws.token}", "X-Sihao-Schema": "-1"}
    bad_type = ws.client.post("/v1/sync/push", json={"mutations": [m]}, headers=headers)
    assert bad_type.status_code == 422
    missing = ws.client.post(
        "/v1/sync/push", json={"mutations": [m]}, headers={"Authorization": f"Bearer {ws.token}"}
    )
    assert missing.status_code == 426
    assert "outbox" in missing.json()["detail"]
    assert _stored(ws) == []


def test_too_many_mutations_or_bytes_get_413(ws: Workstation) -> None:
    many = [ws.mutation() for _ in range(501)]
    assert ws.push(many).status_code == 413
    huge = ws.mutation(payload={"blob": "x" * (9 * 1024 * 1024)})
    answer = ws.push([huge])
    assert answer.status_code == 413
    assert "larger" in answer.json()["detail"]
    assert _stored(ws) == []


def test_malformed_bodies_get_422_with_a_reason(ws: Workstation) -> None:
    cases = [
        b"{not json",
        b'{"mutations": "nope"}',
        json.dumps({"mutations": [{**ws.mutation(), "client_seq": "abc"}]}).encode(),
        json.dumps({"mutations": [{**ws.mutation(), "client_seq": 2**70}]}).encode(),
        json.dumps({"mutations": [{**ws.mutation(), "entity_id": "a\u0000b"}]}).encode(),
        json.dumps({"mutations": [{**ws.mutation(), "kind": "k" * 300}]}).encode(),
        json.dumps({"mutations": [{**ws.mutation(), "payload": [1, 2]}]}).encode(),
        json.dumps({"mutations": [{**ws.mutation(), "created_at": "yesterday"}]}).encode(),
        b'{"mutations": [{"client_seq": 1, "mutation_id": "\\ud800", "kind": "test.note",'
        b' "entity_id": "e", "payload_version": 2, "payload": {}}]}',
    ]
    for body in cases:
        answer = ws.client.post(
            "/v1/sync/push",
            content=body,
            headers={**ws.headers, "Content-Type": "application/json"},
        )
        assert answer.status_code == 422, (body[:80], answer.text)
        assert isinstance(answer.json()["detail"], str) and answer.json()["detail"]
    assert _stored(ws) == []


def test_a_record_hook_routes_a_case_to_another_site(server: LiveServer) -> None:
    from tests.server.conftest import new_site

    origin, target = new_site("甲"), new_site("乙")
    sender, receiver = enroll(server, origin), enroll(server, target)
    case = sender.mutation(kind="test.case", payload={"route_to": target, "text": "办不成事"})
    assert sender.push([case]).json()["results"][0]["status"] == "applied"
    received, _ = receiver.pull_all()
    routed = [c for c in received if c["kind"] == "test.case"]
    assert routed == [
        {
            "seq": routed[0]["seq"],
            "kind": "test.case",
            "id": case["entity_id"],
            "op": "upsert",
            "data": {"route_to": target, "text": "办不成事", "from_site": origin},
        }
    ]
    own, _ = sender.pull_all()
    assert not [c for c in own if c["kind"] == "test.case"]


def test_a_plugin_raising_on_one_record_refuses_that_record_alone_and_stays_loaded(
    server: LiveServer, ws: Workstation
) -> None:
    """Once, one malformed record made a hook raise and the server switched the
    plugin off for every site until restart."""
    from core.plugins import hookimpl

    class Picky:
        @hookimpl
        def sihao_server_record_applied(self, record: Any, emit: Any) -> None:
            emit("city", "picky.seen", record.entity_id, "upsert", {"n": record.payload["n"]})
            if record.payload["n"] == 13:
                raise RuntimeError("boom")

    server.host.register_object("pickytest", Picky())
    try:
        before = ws.mutation(payload={"text": "前", "n": 1})
        bad = ws.mutation(payload={"text": "坏", "n": 13})
        after = ws.mutation(payload={"text": "后", "n": 2})
        answer = ws.push([before, bad, after]).json()["results"]
        assert [r["status"] for r in answer] == ["applied", "rejected", "applied"]
        assert "pickytest" in answer[1]["reason"] and "boom" not in answer[1]["reason"]
        assert server.host.plugins["pickytest"].loaded
        assert not server.host.plugins["pickytest"].error
        assert {r.entity_id for r in _stored(ws)} == {before["entity_id"], after["entity_id"]}
        changes, _ = ws.pull_all()
        seen = {c["id"] for c in changes if c["kind"] == "picky.seen"}
        assert seen == {before["entity_id"], after["entity_id"]}  # the bad one's emit dropped
        # The next push (any site's) still reaches the plugin.
        assert ws.push([ws.mutation(payload={"n": 3})]).json()["results"][0]["status"] == "applied"
    finally:
        server.host.pm.unregister(name="pickytest")
        server.host.plugins.pop("pickytest", None)


def test_a_batch_hook_raising_on_one_record_refuses_that_record_alone(
    server: LiveServer, ws: Workstation
) -> None:
    from core.plugins import hookimpl

    class Counting:
        @hookimpl
        def sihao_server_records_applied(self, records: Any, emit: Any) -> None:
            for record in records:
                1 / record.payload["n"]  # noqa: B018 - a plugin bug on n == 0

    server.host.register_object("countingtest", Counting())
    try:
        good = ws.mutation(payload={"n": 5})
        bad = ws.mutation(payload={"n": 0})
        answer = ws.push([good, bad]).json()["results"]
        assert [r["status"] for r in answer] == ["applied", "rejected"]
        assert "countingtest" in answer[1]["reason"]
        assert server.host.plugins["countingtest"].loaded
        assert {r.entity_id for r in _stored(ws)} == {good["entity_id"]}
    finally:
        server.host.pm.unregister(name="countingtest")
        server.host.plugins.pop("countingtest", None)


def test_plugin_routes_know_the_calling_workstation(ws: Workstation) -> None:
    answer = ws.client.get("/v1/plugins/servertest/whoami", headers=ws.headers)
    assert answer.status_code == 200 and answer.json() == {"site": ws.site}
    anonymous = ws.client.get("/v1/plugins/servertest/whoami", headers=SCHEMA)
    assert anonymous.status_code == 401
