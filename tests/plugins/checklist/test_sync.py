"""Projects through the real central server on loopback (SQLite and PostgreSQL).

The city hall (淄博市政务服务中心) opens a project and assigns it to the district
(张店区政务服务中心): the district steward's workstation pulls it and lists it,
marks the first stage's items done, and its events reach the city. A village point
that neither opened nor follows the project cannot write to it. The server answers
per stage how long projects really took against the promise of their type.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core import credentials
from core.models import utcnow
from core.sync.engine import Syncer
from plugins.checklist import service
from plugins.checklist.schedule import Status
from server import admin
from tests.plugins.checklist.conftest import CREDIT_CODE
from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import DEMO_SITE, central_server, enroll, workstation

CITY = "370300-ZWFW"
VILLAGE = "370303001001-BM"
SCHEMA = {"X-Sihao-Schema": "1"}


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        yield srv


def _client(server: Any, site: str) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=server.url, timeout=30)
    answer = client.post(
        "/v1/enroll",
        json={"code": admin.issue_enroll_code(site), "name": f"{site} PC", "schema": 1},
    )
    assert answer.status_code == 200, answer.text
    return client, {"Authorization": f"Bearer {answer.json()['token']}", **SCHEMA}


def _push(client: httpx.Client, headers: dict[str, str], kind: str, payload: dict[str, Any],
          seq: int) -> dict[str, Any]:  # fmt: skip
    answer = client.post(
        "/v1/sync/push",
        headers=headers,
        json={"mutations": [{
            "client_seq": seq, "mutation_id": str(uuid.uuid4()), "kind": kind,
            "entity_id": payload["id"], "payload_version": 1,
            "created_at": utcnow().isoformat(), "payload": payload,
        }]},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()["results"][0]
    return result


def _pull(client: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    since = 0
    while True:
        body = client.get("/v1/sync/pull", params={"since": since}, headers=headers).json()
        changes.extend(body["changes"])
        since = body["next"]
        if not body["has_more"]:
            return changes


def _event(project: dict[str, Any], site: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()), "project_id": project["id"], "kind": "done", "item_code": "LXBA",
        "day": "2026-03-03", "attributes": None, "stage": 0, "issue_id": "", "difficulty": "",
        "department": "", "outcome": "", "actor": "S9", "site_code": site,
        "project_site": project["site_code"], "assigned_site": project["assigned_site"],
        "created_at": utcnow().isoformat(), **fields,
    }  # fmt: skip


def test_a_project_assigned_to_the_district_is_followed_there(server: Any, tmp_path: Path) -> None:
    city, city_headers = _client(server, CITY)
    village, village_headers = _client(server, VILLAGE)
    project = {
        "id": str(uuid.uuid4()), "name": "淄博新区综合管廊", "enterprise": "淄博城市建设投资有限公司",
        "credit_code": CREDIT_CODE, "project_type": "social", "attributes": {},
        "planned_start": "2026-03-02", "site_code": CITY, "assigned_site": DEMO_SITE,
        "steward": "C01", "rules_version": "2026.12-demo",
        "promised": {"1": 20, "2": 15, "3": 15, "4": 15}, "created_at": utcnow().isoformat(),
    }  # fmt: skip
    assert _push(city, city_headers, "checklist.project", project, 1)["status"] == "applied"
    # A project naming another site as its writer is refused.
    forged = {**project, "id": str(uuid.uuid4()), "site_code": DEMO_SITE}
    refused = _push(city, city_headers, "checklist.project", forged, 2)
    assert refused["status"] == "rejected"

    runtime = workstation(tmp_path / "district", seed=True)
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()  # the site policy switches every built-in plugin on
        syncer.sync_once()
        assert "checklist" in runtime.host.loaded(), runtime.host.plugins["checklist"].error
        [here] = service.projects_here(DEMO_SITE)
        assert here.id == project["id"] and here.site_code == CITY
        rules = service.current_rules()
        for code, day in (("LXBA", dt.date(2026, 3, 3)), ("YDGH", dt.date(2026, 3, 10))):
            service.mark_item(here, code, Status.DONE, day, rules, runtime.calendar,
                              actor="2001", site_code=DEMO_SITE)  # fmt: skip
        pushed, _pulled = syncer.sync_once()
        assert pushed.rejected == 0 and pushed.applied == 3  # two items and the stage

        # The city sees the district's progress …
        events = [c for c in _pull(city, city_headers) if c["kind"] == "checklist.event"]
        assert sorted(c["data"]["kind"] for c in events) == ["done", "done", "stage_done"]
        # … the village sees nothing of it and cannot write to it.
        assert not [c for c in _pull(village, village_headers) if c["kind"].startswith("checklist")]
        answer = _push(village, village_headers, "checklist.event", _event(project, VILLAGE), 1)
        assert answer["status"] == "rejected" and "neither" in answer["reason"]
        # An event whose routing fields disagree with the project is refused too.
        wrong = _event(project, CITY, assigned_site=VILLAGE)
        assert _push(city, city_headers, "checklist.event", wrong, 3)["status"] == "rejected"

        # Stage 1 took 6 working days (2 → 10 March 2026) against 20 promised.
        token = credentials.get_token(runtime.paths.data_dir)
        headers = {"Authorization": f"Bearer {token}", **SCHEMA}
        with httpx.Client(base_url=server.url, timeout=30) as client:
            body = client.get("/v1/plugins/checklist/stages", headers=headers).json()
            assert body["site"] == DEMO_SITE and body["projects"] == 1
            first = body["stages"][0]
            assert first == {"stage": 1, "projects": 1, "average_actual_days": 6.0,
                             "average_promised_days": 20.0, "over_promise": 0}  # fmt: skip
            assert body["stages"][1]["projects"] == 0
            small = client.get("/v1/plugins/checklist/stages", params={"type": "small"},
                               headers=headers).json()  # fmt: skip
            assert small["projects"] == 0 and small["stages"][0]["projects"] == 0
            above = client.get(
                "/v1/plugins/checklist/stages", params={"site": CITY}, headers=headers
            )
            assert above.status_code == 403
        whole_city = city.get("/v1/plugins/checklist/stages", headers=city_headers).json()
        assert whole_city["stages"][0]["projects"] == 1
        village_view = village.get("/v1/plugins/checklist/stages", headers=village_headers).json()
        assert village_view["projects"] == 0
    finally:
        runtime.shutdown()
        city.close()
        village.close()


def _project(site: str, assigned: str = DEMO_SITE, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()), "name": "华光路地下停车场", "enterprise": "淄博华光置业有限公司",
        "credit_code": CREDIT_CODE, "project_type": "social", "attributes": {"land_area": 12000},
        "planned_start": "2026-03-02", "site_code": site, "assigned_site": assigned,
        "steward": "C01", "rules_version": "2026.12-demo", "promised": {"1": 20},
        "created_at": utcnow().isoformat(), **fields,
    }  # fmt: skip


HOSTILE_PROJECTS = {
    "an unknown field": {"owner_phone": "13805331234"},
    "a nested attribute value": {"attributes": {"land_area": [1, 2]}},
    "too many attributes": {"attributes": {f"a{i}": i for i in range(65)}},
    "a negative area": {"attributes": {"land_area": -1.5}},
    "a credit code with O": {"credit_code": "91370303MA3C4XQ12O"},
    "a month 13": {"planned_start": "2026-13-01"},
    "a stage 5 promise": {"promised": {"5": 10}},
    "a NUL in the name": {"name": "停车场\x00"},
    "a name too long": {"name": "长" * 201},
    "an unknown assigned site": {"assigned_site": "999999-NONE"},
    "a number as text": {"promised": {"1": "20"}},
}


def test_hostile_projects_and_events_are_refused_alone(server: Any) -> None:
    city, headers = _client(server, CITY)
    try:
        seq = 100
        for what, change in HOSTILE_PROJECTS.items():
            seq += 1
            answer = _push(city, headers, "checklist.project", _project(CITY, **change), seq)
            assert answer["status"] == "rejected", what
        good = _project(CITY)
        seq += 1
        assert _push(city, headers, "checklist.project", good, seq)["status"] == "applied"
        hostile_events = {
            "an unknown kind": {"kind": "delete"},
            "a stage 7": {"kind": "stage_done", "stage": 7},
            "a stage done without its stage": {"kind": "stage_done", "stage": 0},
            "a done without its day": {"day": ""},
            "a done without its item": {"item_code": ""},
            "attributes missing": {"kind": "attributes", "attributes": None},
            "a project nobody has": {"project_id": str(uuid.uuid4())},
            "another writer site": {"site_code": DEMO_SITE},
        }
        for what, change in hostile_events.items():
            seq += 1
            answer = _push(city, headers, "checklist.event", _event(good, CITY, **change), seq)
            assert answer["status"] == "rejected", what
        seq += 1
        fine = _push(city, headers, "checklist.event", _event(good, CITY), seq)
        assert fine["status"] == "applied"
    finally:
        city.close()
