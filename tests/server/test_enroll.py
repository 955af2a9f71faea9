"""Enrollment trades a one-time, expiring code for a token bound to one site."""

from __future__ import annotations

import datetime as dt

import httpx

from server import admin
from server.models import EnrollCode, Workstation
from server.testing import LiveServer
from tests.server.conftest import SCHEMA, enroll, new_site


def test_good_code_gives_a_token_stored_only_as_a_hash(server: LiveServer) -> None:
    site = new_site()
    station = enroll(server, site)
    row = Workstation.get_by_id(station.workstation_id)
    assert row.site == site
    assert station.token not in row.token_hash
    assert row.token_hash == admin.hash_secret(station.token)
    assert station.pull().status_code == 200


def test_a_code_works_once(server: LiveServer) -> None:
    site = new_site()
    code = admin.issue_enroll_code(site)
    first = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "name": "a"})
    again = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "name": "b"})
    assert first.status_code == 200
    assert again.status_code == 400
    assert "already used" in again.json()["detail"]


def test_codes_are_read_forgivingly(server: LiveServer) -> None:
    code = admin.issue_enroll_code(new_site())
    typed = code.replace("-", " ").lower()
    answer = httpx.post(f"{server.url}/v1/enroll", json={"code": typed})
    assert answer.status_code == 200, answer.text


def test_expired_and_unknown_codes_are_refused(server: LiveServer) -> None:
    site = new_site()
    code = admin.issue_enroll_code(site, ttl_minutes=5)
    EnrollCode.update(expires_at=dt.datetime(2020, 1, 1)).where(
        EnrollCode.code_hash == admin.hash_secret(admin.normalise_code(code))
    ).execute()
    expired = httpx.post(f"{server.url}/v1/enroll", json={"code": code})
    unknown = httpx.post(f"{server.url}/v1/enroll", json={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert expired.status_code == 400 and "expired" in expired.json()["detail"]
    assert unknown.status_code == 400 and "unknown" in unknown.json()["detail"]


def test_concurrent_use_of_one_code_enrolls_one_workstation(server: LiveServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    code = admin.issue_enroll_code(new_site())
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda i: httpx.post(f"{server.url}/v1/enroll", json={"code": code}, timeout=30),
                range(8),
            )
        )
    assert sorted(a.status_code for a in answers) == [200] + [400] * 7


def test_old_client_schema_cannot_enroll(server: LiveServer) -> None:
    code = admin.issue_enroll_code(new_site())
    answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "schema": -1})
    assert answer.status_code == 422  # not even a schema number
    answer = httpx.get(f"{server.url}/v1/sync/pull", headers={**SCHEMA})
    assert answer.status_code == 401
