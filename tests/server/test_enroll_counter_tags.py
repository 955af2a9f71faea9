"""Counter tags are allocated at enrollment, unique within a site by construction
(server.counter_tags), on SQLite and PostgreSQL: concurrent enrollments never share
one, a revoked workstation's tag is never given again, and a workstation enrolled
before allocation is given its own on its next enrollment-status call."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from server import admin, counter_tags, db
from server.models import CounterTag
from server.models import Workstation as WorkstationRow
from server.testing import LiveServer
from tests.server.conftest import SCHEMA, enroll, new_site

TAG = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}$")


def _enroll_answer(server: LiveServer, site: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{server.url}/v1/enroll",
        json={"code": admin.issue_enroll_code(site), "name": "counter", "schema": 1},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_two_workstations_of_a_site_get_different_tags(server: LiveServer) -> None:
    site = new_site()
    first, second = _enroll_answer(server, site), _enroll_answer(server, site)
    assert TAG.match(first["counter_tag"]) and TAG.match(second["counter_tag"])
    assert first["counter_tag"] != second["counter_tag"]
    stored = WorkstationRow.get_by_id(first["workstation_id"])
    assert stored.counter_tag == first["counter_tag"]
    assert CounterTag.get_by_id((site, first["counter_tag"])).workstation == stored.id


def test_fifty_concurrent_enrollments_get_fifty_distinct_tags(server: LiveServer) -> None:
    site = new_site()
    codes = [admin.issue_enroll_code(site) for _ in range(50)]

    def use(code: str) -> httpx.Response:
        return httpx.post(
            f"{server.url}/v1/enroll", json={"code": code, "name": "hall", "schema": 1}, timeout=120
        )

    with ThreadPoolExecutor(25) as pool:
        answers = list(pool.map(use, codes))
    assert [a.status_code for a in answers] == [200] * 50, [a.text for a in answers][:3]
    tags = [a.json()["counter_tag"] for a in answers]
    assert len(set(tags)) == 50
    stored = {
        str(row.counter_tag) for row in WorkstationRow.select().where(WorkstationRow.site == site)
    }
    assert stored == set(tags)


def test_a_clash_between_two_transactions_draws_another_tag(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race itself, made certain: another enrollment takes the drawn tag between
    the draw and the insert; the unique violation rolls back that try only."""
    station = enroll(server, site := new_site())
    draw = counter_tags._draw
    drawn: list[str] = []

    def draw_then_lose_it(of_site: str) -> str:
        tag = draw(of_site)
        drawn.append(tag)
        if len(drawn) == 1:  # a concurrent enrollment commits this one first
            CounterTag.insert(site=of_site, tag=tag, workstation="meanwhile").execute()
        return tag

    monkeypatch.setattr(counter_tags, "_draw", draw_then_lose_it)
    with db.transaction():
        tag = counter_tags.allocate(station.workstation_id, site)
    assert len(drawn) == 2 and tag == drawn[1] != drawn[0]
    assert WorkstationRow.get_by_id(station.workstation_id).counter_tag == tag
    assert CounterTag.get_by_id((site, drawn[0])).workstation == "meanwhile"


def test_re_enrollment_after_revoke_gets_a_tag_never_used_at_the_site(
    server: LiveServer,
) -> None:
    site = new_site()
    used = set()
    for _n in range(5):
        body = _enroll_answer(server, site)
        assert body["counter_tag"] not in used
        used.add(body["counter_tag"])
        admin.revoke_workstation(body["workstation_id"])
    # the revoked workstations keep their tags, reserved
    assert {
        str(r.counter_tag) for r in WorkstationRow.select().where(WorkstationRow.site == site)
    } == used
    assert {str(r.tag) for r in CounterTag.select().where(CounterTag.site == site)} == used


def test_a_retag_gives_a_fresh_tag_and_keeps_the_old_reserved(server: LiveServer) -> None:
    station = enroll(server, site := new_site())
    before = station.client.get("/v1/sync/enrollment", headers=station.headers).json()
    after = station.client.post("/v1/sync/counter-tag", headers=station.headers)
    assert after.status_code == 200, after.text
    new = after.json()["counter_tag"]
    assert TAG.match(new) and new != before["counter_tag"]
    assert WorkstationRow.get_by_id(station.workstation_id).counter_tag == new
    reserved = {str(r.tag) for r in CounterTag.select().where(CounterTag.site == site)}
    assert reserved == {before["counter_tag"], new}
    assert station.client.post("/v1/sync/counter-tag", headers=SCHEMA).status_code == 401


def test_a_workstation_enrolled_before_allocation_gets_its_tag_when_it_asks(
    server: LiveServer,
) -> None:
    station = enroll(server, site := new_site())
    # as it was before: no tag, nothing reserved
    CounterTag.delete().where(CounterTag.site == site).execute()
    WorkstationRow.update(counter_tag=None).where(
        WorkstationRow.id == station.workstation_id
    ).execute()
    other = _enroll_answer(server, site)
    answer = station.client.get("/v1/sync/enrollment", headers=station.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["workstation_id"] == station.workstation_id and body["site_code"] == site
    assert TAG.match(body["counter_tag"]) and body["counter_tag"] != other["counter_tag"]
    again = station.client.get("/v1/sync/enrollment", headers=station.headers).json()
    assert again["counter_tag"] == body["counter_tag"]  # allocated once, then kept
