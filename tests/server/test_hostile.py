"""A hostile workstation against the real server (SQLite and PostgreSQL).

Every probe of the issue "the server trusts no workstation", reproduced: a
malformed rating that once switched the feedback plugin off for every site,
numbers and text no database keeps, payloads with fields nobody declared, a site
writing ratings and cases into another site's statistics and queue, a state
change dated 2099, a body of 400,000 objects sent without a token. Then payloads
drawn by Hypothesis from each record kind's own schema: valid ones stored as sent,
broken ones refused alone, never a 5xx, another site's statistics unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import utcnow
from core.outbox import RecordContext, RecordRejected
from core.plugins import hookimpl
from plugins.feedback import schemas
from server import admin
from server.models import Record
from server.testing import LiveServer
from tests.server import record_strategies as strategies
from tests.server.conftest import SCHEMA, Workstation, add_clerk, enroll, new_site, staff_of

TODAY = dt.date.today().isoformat()
STATS = "/v1/plugins/feedback/stats/ratings"


def rating(site: str, level: int = 5, **changes: Any) -> dict[str, Any]:
    rating_id = str(uuid.uuid4())
    payload = {
        "id": rating_id,
        "site_code": site,
        "unit_site": site,
        "target": "staff",
        "case_no": "",
        "item_code": "",
        "item_name": "",
        "department": "",
        "window_no": "3",
        "staff_no": "",
        "channel": "card",
        "mode": "onsite",
        "level": level,
        "tags": "[]",
        "tagset_version": "2026.1",
        "text": "",
        "real_name": False,
        "applicant_name": "",
        "applicant_id": "",
        "applicant_phone": "",
        "kind": "active",
        "follow_up_of": "",
        "rated_on": TODAY,
        "rating_month": TODAY[:7],
        "actor": "1001",
        "created_at": utcnow().isoformat(),
    }
    payload.update(changes)
    return payload


def case(site: str, unit: str, **changes: Any) -> dict[str, Any]:
    payload = {
        "id": str(uuid.uuid4()),
        "source": "rating",
        "source_id": str(uuid.uuid4()),
        "site_code": site,
        "unit_site": unit,
        "window_no": "",
        "staff_no": "",
        "item_code": "",
        "department": "",
        "summary": "不满意：等候时间长",
        "level": 2,
        "real_name": True,
        "rated_on": TODAY,
        "rating_month": TODAY[:7],
        "opened_on": TODAY,
        "callback_due": TODAY,
        "rectify_due": TODAY,
        "due_estimate": False,
        "actor": staff_of(site),
        "created_at": utcnow().isoformat(),
    }
    payload.update(changes)
    return payload


def record(ws: Workstation, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    inspection = payload.get("inspection")
    entity = payload.get("id") or (inspection.get("id") if isinstance(inspection, dict) else None)
    if not isinstance(entity, str) or not 0 < len(entity) <= 64 or "\x00" in entity:
        entity = str(uuid.uuid4())  # a broken id: the record travels under a fresh one
    return ws.mutation(kind=kind, entity_id=entity, payload_version=1, payload=payload)


def push_raw(ws: Workstation, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return ws.client.post(
        "/v1/sync/push",
        content=body,
        headers={"Content-Type": "application/json", **(headers or ws.headers)},
    )


def stats(ws: Workstation, **params: str) -> httpx.Response:
    return ws.client.get(STATS, params=params, headers=ws.headers)


def stored(kind: str, entity_id: str) -> list[dict[str, Any]]:
    rows = Record.select(Record.payload).where(
        (Record.kind == kind) & (Record.entity_id == entity_id)
    )
    return [json.loads(r.payload) for r in rows]


@pytest.fixture
def station_a(server: LiveServer) -> Workstation:
    return enroll(server, add_clerk(new_site("甲便民服务中心")))


@pytest.fixture
def station_b(server: LiveServer) -> Workstation:
    return enroll(server, add_clerk(new_site("乙便民服务中心")))


# -- the probes ---------------------------------------------------------------------------


def test_infinity_in_a_rating_is_refused_and_feedback_stays_on_for_every_site(
    server: LiveServer, station_a: Workstation, station_b: Workstation
) -> None:
    good = record(station_b, "feedback.rating", rating(station_b.site))
    body = json.dumps({"mutations": [good]}).replace('"level": 5', '"level": Infinity')
    assert "Infinity" in body
    answer = push_raw(station_b, body.encode())
    assert answer.status_code == 422 and "not valid JSON" in answer.json()["detail"]
    assert not stored("feedback.rating", good["entity_id"])
    assert "feedback" in server.host.loaded()
    # Another site's rating right after: taken, and its statistics answer.
    other = record(station_a, "feedback.rating", rating(station_a.site))
    assert station_a.push([other]).json()["results"][0]["status"] == "applied"
    assert stats(station_a).status_code == 200
    assert stats(station_b).status_code == 200


@pytest.mark.parametrize(
    ("literal", "why"),
    [
        ("NaN", "NaN"),
        ("-Infinity", "minus infinity"),
        ("1e400", "a number no double holds"),
        ('"\\ud800"', "a lone surrogate"),
    ],
)
def test_what_no_json_reader_should_accept_is_refused_at_the_parser(
    station_b: Workstation, literal: str, why: str
) -> None:
    good = record(station_b, "feedback.rating", rating(station_b.site))
    body = json.dumps({"mutations": [good]}).replace('"text": ""', f'"text": {literal}')
    answer = push_raw(station_b, body.encode())
    assert answer.status_code == 422, why
    assert not stored("feedback.rating", good["entity_id"])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"level": 2**60}, "level"),
        ({"level": 2**70}, "level"),  # read as a float past 2^64
        ({"level": 4.0}, "level"),
        ({"level": "5"}, "level"),
        ({"real_name": 1}, "real_name"),
        ({"text": "好\x00评"}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"kind": "forged"}, "kind"),
        ({"rated_on": "2099-10-13", "rating_month": "2099-10"}, "rated_on"),
        ({"created_at": "2099-10-13T09:30:00"}, "created_at"),
        ({"rating_month": "2026-01"}, "rating_month"),
        ({"tags": "not json"}, "tags"),
        ({"score_bonus": 100}, "score_bonus"),
    ],
)
def test_a_malformed_rating_is_refused_alone_with_its_reason(
    station_b: Workstation, change: dict[str, Any], reason: str
) -> None:
    before = record(station_b, "feedback.rating", rating(station_b.site))
    bad = record(station_b, "feedback.rating", rating(station_b.site, **change))
    after = record(station_b, "feedback.rating", rating(station_b.site))
    answer = station_b.push([before, bad, after])
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert reason in results[1]["reason"] and results[1]["reason"].startswith("payload refused")
    assert not stored("feedback.rating", bad["entity_id"])


def test_the_writer_site_comes_from_the_token(
    station_a: Workstation, station_b: Workstation
) -> None:
    blank = record(station_b, "feedback.rating", rating(station_b.site, site_code=""))
    forged = record(station_b, "feedback.rating", rating(station_b.site, site_code=station_a.site))
    results = station_b.push([blank, forged]).json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert "site_code" in results[1]["reason"]
    [kept] = stored("feedback.rating", blank["entity_id"])
    assert kept["site_code"] == station_b.site  # filled from the token


def test_forged_ratings_do_not_move_another_sites_satisfaction_rate(
    station_a: Workstation, station_b: Workstation
) -> None:
    own = [record(station_a, "feedback.rating", rating(station_a.site, level)) for level in (5, 1)]
    assert {r["status"] for r in station_a.push(own).json()["results"]} == {"applied"}
    before = stats(station_a).json()["total"]
    assert before["satisfaction_rate"] == 0.5

    forged = [
        record(station_b, "feedback.rating", rating(station_b.site, 1, unit_site=station_a.site))
        for _ in range(20)
    ]
    results = station_b.push(forged).json()["results"]
    assert {r["status"] for r in results} == {"rejected"}
    assert "counts for its own site" in results[0]["reason"]
    assert stats(station_a).json()["total"] == before


def test_a_rating_of_another_sites_staff_counts_for_that_site(
    station_a: Workstation, station_b: Workstation
) -> None:
    """谁办理谁负责: the rated member of staff decides the unit, not the writer."""
    staff_no = f"S{uuid.uuid4().hex[:6]}"
    admin.add_staff(staff_no, "张三", station_a.site, "clerk", pin="1234")
    fair = record(
        station_b,
        "feedback.rating",
        rating(station_b.site, 4, unit_site=station_a.site, staff_no=staff_no),
    )
    assert station_b.push([fair]).json()["results"][0]["status"] == "applied"
    assert stats(station_a).json()["total"]["total"] == 1


def test_a_case_cannot_be_opened_in_another_sites_queue(
    station_a: Workstation, station_b: Workstation
) -> None:
    forged = record(station_b, "feedback.case", case(station_b.site, station_a.site))
    unknown = record(station_b, "feedback.case", case(station_b.site, "NOWHERE-1"))
    own = record(station_b, "feedback.case", case(station_b.site, station_b.site))
    results = station_b.push([forged, unknown, own]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    assert "not to" in results[0]["reason"]
    assert "does not know" in results[1]["reason"]
    changes, _ = station_a.pull_all()
    assert not [c for c in changes if c["kind"] == "feedback.case"]  # A's queue untouched


def test_a_state_change_dated_2099_is_refused(
    station_a: Workstation, station_b: Workstation
) -> None:
    real = record(station_a, "feedback.case", case(station_a.site, station_a.site))
    assert station_a.push([real]).json()["results"][0]["status"] == "applied"
    event_id = str(uuid.uuid4())
    event = {
        "id": event_id,
        "case_id": real["entity_id"],
        "from_state": "pending_callback",
        "to_state": "reviewed",
        "note": "已办结",
        "actor": "9999",
        "happened_on": "2099-10-13",
        "created_at": "2099-10-13T09:30:00",
        "unit_site": station_a.site,
        "case_site": station_a.site,
    }
    results = station_b.push([record(station_b, "feedback.case_event", event)]).json()["results"]
    assert results[0]["status"] == "rejected"
    assert "happened_on" in results[0]["reason"] or "created_at" in results[0]["reason"]
    changes, _ = station_a.pull_all()
    assert not [c for c in changes if c["kind"] == "feedback.case_event"]


def test_the_token_is_checked_before_the_body_is_read(station_b: Workstation) -> None:
    body = b'{"mutations": [' + b",".join([b"{}"] * 400_000) + b"]}"
    anonymous = push_raw(station_b, body, headers=SCHEMA)
    assert anonymous.status_code == 401  # was 422, after validating 400,000 objects
    known = push_raw(station_b, body)
    assert known.status_code == 413 and "at most 500" in known.json()["detail"]


def test_nesting_past_any_reason_is_refused_without_a_server_error(
    station_b: Workstation,
) -> None:
    deep = "[" * 5000 + "]" * 5000
    body = json.dumps({"mutations": [record(station_b, "test.note", {"n": 1})]})
    answer = push_raw(station_b, body.replace('"n": 1', f'"n": {deep}').encode())
    assert answer.status_code == 422
    deep_but_parsable = json.dumps({"n": 1, "text": "x"}).replace('"x"', "[" * 40 + "]" * 40)
    answer = push_raw(
        station_b,
        json.dumps({"mutations": [record(station_b, "test.note", {"n": 1})]})
        .replace('{"n": 1}', deep_but_parsable)
        .encode(),
    )
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "rejected"


def test_statistics_answer_even_over_bad_data_stored_before_validation(
    server: LiveServer, station_a: Workstation
) -> None:
    """Before payloads were validated, ``Infinity`` could be stored as text and every
    site's statistics answered 500 from then on."""
    from server import db

    good = record(station_a, "feedback.rating", rating(station_a.site, 4))
    assert station_a.push([good]).json()["results"][0]["status"] == "applied"
    with db.transaction():
        Record.create(
            workstation="legacy",
            site=station_a.site,
            kind="feedback.rating",
            entity_id=str(uuid.uuid4()),
            mutation_id=str(uuid.uuid4()),
            client_seq=1,
            payload=json.dumps(rating(station_a.site, 1)).replace(
                '"level": 1', '"level": Infinity'
            ),
            payload_version=1,
        )
    # A range that is not whole months: counted from the stored payloads.
    answer = stats(station_a, **{"from": TODAY, "to": TODAY, "by": "day"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"]["total"] == 1  # the unreadable one left out


# -- payloads drawn from the schemas ---------------------------------------------------------

KINDS = {
    "feedback.rating": schemas.RatingPayload,
    "feedback.case": schemas.CasePayload,
    "feedback.inspection": schemas.InspectionPayload,
}
ALL_KINDS = {**KINDS, "feedback.case_event": schemas.CaseEventPayload}


def _fresh_ids(payload: dict[str, Any]) -> dict[str, Any]:
    """Hypothesis repeats itself; the server rightly refuses an id reused by another
    entity, so every drawn record gets ids of its own."""
    if "inspection" in payload:
        own = str(uuid.uuid4())
        payload["inspection"]["id"] = own
        for rows in ("scores", "findings", "steps"):
            for row in payload[rows]:
                row["inspection_id"] = own
                row["id"] = str(uuid.uuid4())
    else:
        payload["id"] = str(uuid.uuid4())
    return payload


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_payloads_drawn_from_the_schema_are_stored_as_sent(
    server: LiveServer, station_b: Workstation, kind: str
) -> None:
    model = KINDS[kind]

    @settings(
        max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.lists(strategies.valid(model, station_b.site), min_size=1, max_size=4))
    def check(payloads: list[dict[str, Any]]) -> None:
        batch = [record(station_b, kind, _fresh_ids(p)) for p in payloads]
        answer = station_b.push(batch)
        assert answer.status_code == 200, answer.text
        results = answer.json()["results"]
        assert [r["status"] for r in results] == ["applied"] * len(batch), results
        for m in batch:
            assert stored(kind, m["entity_id"]) == [m["payload"]]

    check()


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_broken_payloads_are_refused_alone_and_change_no_other_sites_statistics(
    server: LiveServer, station_a: Workstation, station_b: Workstation, kind: str
) -> None:
    model = ALL_KINDS[kind]
    own = [record(station_a, "feedback.rating", rating(station_a.site, level)) for level in (5, 2)]
    assert {r["status"] for r in station_a.push(own).json()["results"]} == {"applied"}
    before = stats(station_a).json()

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategies.broken(model, station_b.site, _fresh_ids))
    def check(spoiled: tuple[str, dict[str, Any]]) -> None:
        what, payload = spoiled
        good = record(station_b, "test.note", {"text": "前", "n": 1})
        bad = record(station_b, kind, payload)
        answer = station_b.push([good, bad])
        assert answer.status_code < 500, answer.text
        if answer.status_code == 200:
            results = answer.json()["results"]
            assert results[0]["status"] == "applied"
            assert results[1]["status"] == "rejected", what
            assert results[1]["reason"]
        assert not stored(kind, bad["entity_id"]), what

    check()
    assert stats(station_a).json() == before
    assert "feedback" in server.host.loaded()


class _CheckingPlugin:
    """A kind whose check reads the database, refuses, has a bug, or needs an earlier record."""

    @hookimpl
    def sihao_record_kinds(self, registry: Any) -> None:
        from core.records import SafeInt, StrictRecord

        class Numbered(StrictRecord):
            n: SafeInt

        def check(payload: dict[str, Any], ctx: RecordContext) -> None:
            from server import db

            n = payload["n"]
            if n == 13:  # a broken query: PostgreSQL then refuses the rest of the transaction
                db.database.execute_sql("SELECT no_such_column FROM records")
            if n == 7:
                raise RuntimeError("a bug in the check")
            if n == 5:
                raise RecordRejected("five is not taken here")
            if n == 99 and not any(p["n"] == 98 for k, _, p in ctx.earlier if k == ctx.kind):
                raise RecordRejected("99 comes only after 98 in the same push")
            assert ctx.site_code and ctx.workstation_id and ctx.payload_version == 1

        registry.add("checking.number", schema=Numbered, check=check)


def test_each_check_refuses_its_own_record_and_sees_the_records_before_it(
    server: LiveServer, station_b: Workstation
) -> None:
    server.host.register_object("checkingtest", _CheckingPlugin())
    try:

        def numbers(*ns: int) -> list[dict[str, Any]]:
            return [
                station_b.mutation(kind="checking.number", payload_version=1, payload={"n": n})
                for n in ns
            ]

        results = station_b.push(numbers(1, 13, 7, 5, 98, 99, 2)).json()["results"]
        statuses = [r["status"] for r in results]
        assert statuses == [
            "applied",
            "rejected",
            "rejected",
            "rejected",
            "applied",
            "applied",
            "applied",
        ]
        assert (
            "could not check" in results[1]["reason"] and "could not check" in results[2]["reason"]
        )
        assert results[3]["reason"] == "five is not taken here"
        alone = station_b.push(numbers(99)).json()["results"][0]
        assert alone["status"] == "rejected" and "after 98" in alone["reason"]
        assert "checkingtest" in server.host.loaded()
    finally:
        server.host.pm.unregister(name="checkingtest")
        server.host.plugins.pop("checkingtest", None)
