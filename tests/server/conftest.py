"""A real central server on loopback, on SQLite and on PostgreSQL.

The ``server`` fixture is module-scoped and parametrized by backend: pytest runs a
module's tests on SQLite, tears that server down, then runs them on PostgreSQL (one
server per process at a time: the server's models bind one database proxy). A test
plugin registers the record kinds the tests push and routes a record to another
site through ``emit``, as the feedback plugin does.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Request

from core.plugins import PluginHost, hookimpl
from core.records import KnownSite, SafeInt, StrictRecord, text
from server import admin
from server.changes import site_scope
from server.testing import LiveServer, live_server, postgres_database
from tests.pg import require_postgres

SCHEMA = {"X-Sihao-Schema": "1"}


NoteText = text(2000)


class NotePayload(StrictRecord):
    text: NoteText = ""
    n: SafeInt = 0


class CasePayload(StrictRecord):
    route_to: KnownSite
    text: NoteText = ""


class ServerTestPlugin:
    """Record kinds for the tests; ``test.case`` records are routed to another site."""

    @hookimpl
    def sihao_record_kinds(self, registry: Any) -> None:
        registry.add(
            "test.note",
            payload_version=2,
            description="a note",
            schema=NotePayload,
            schemas={1: NotePayload},
        )
        registry.add(
            "test.case",
            payload_version=1,
            description="a case routed elsewhere",
            schema=CasePayload,
        )

    @hookimpl
    def sihao_server_record_applied(self, record: Any, emit: Any) -> None:
        if record.kind == "test.case" and record.payload.get("route_to"):
            emit(
                site_scope(record.payload["route_to"]),
                "test.case",
                record.entity_id,
                "upsert",
                {**record.payload, "from_site": record.site_code},
            )

    @hookimpl
    def sihao_server_routes(self, router: Any) -> None:
        @router.get("/whoami")
        def whoami(request: Request) -> dict[str, str]:
            return {"site": request.state.workstation.site_code}


def _host() -> PluginHost:
    from server.plugins import load_host

    host = load_host()
    host.register_object("servertest", ServerTestPlugin())
    return host


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    if request.param == "postgresql":
        require_postgres()
        with postgres_database() as url, live_server(url, host=_host()) as srv:
            yield srv
    else:
        path = tmp_path_factory.mktemp("server") / "server.db"
        with live_server(f"sqlite:///{path}", host=_host()) as srv:
            yield srv


_counter = itertools.count(1)


def new_site(name: str = "测试站点") -> str:
    """A site of its own for a test (tests share a server per module)."""
    code = f"T{next(_counter):04d}-{uuid.uuid4().hex[:6].upper()}"
    admin.add_site(code, name, "town", region_code="370303001")
    return code


def staff_of(site: str) -> str:
    """The staff number of a site's clerk made by ``add_clerk``."""
    return f"{site}-1"


def add_clerk(site: str) -> str:
    """A clerk of ``site`` (the server accepts a case only from the pushing site's
    staff); no PIN to hash: nobody signs in with it."""
    admin.add_staff(staff_of(site), "测试窗口人员", site, "clerk", pin_hash="-")
    return site


@dataclass
class Workstation:
    server: LiveServer
    token: str
    workstation_id: str
    site: str
    client: httpx.Client = field(repr=False)
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))  # type: ignore[type-arg]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **SCHEMA}

    def mutation(self, kind: str = "test.note", **overrides: Any) -> dict[str, Any]:
        entity = str(uuid.uuid4())
        m = {
            "client_seq": next(self.seq),
            "mutation_id": str(uuid.uuid4()),
            "kind": kind,
            "entity_id": entity,
            "payload_version": 2 if kind == "test.note" else 1,
            "payload": {"text": "材料齐全", "n": 1},
            "created_at": "2026-11-28T09:15:02",
        }
        m.update(overrides)
        return m

    def push(self, mutations: list[dict[str, Any]]) -> httpx.Response:
        return self.client.post(
            "/v1/sync/push", json={"mutations": mutations}, headers=self.headers
        )

    def pull(self, since: int = 0, limit: int = 500) -> httpx.Response:
        return self.client.get(
            "/v1/sync/pull", params={"since": since, "limit": limit}, headers=self.headers
        )

    def pull_all(self, since: int = 0, limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
        changes: list[dict[str, Any]] = []
        while True:
            page = self.pull(since, limit)
            assert page.status_code == 200, page.text
            body = page.json()
            changes.extend(body["changes"])
            since = body["next"]
            if not body["has_more"]:
                return changes, since


def enroll(server: LiveServer, site: str, name: str = "counter PC") -> Workstation:
    code = admin.issue_enroll_code(site)
    client = httpx.Client(base_url=server.url, timeout=30)
    answer = client.post("/v1/enroll", json={"code": code, "name": name, "schema": 1})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["site_code"] == site
    return Workstation(server, body["token"], body["workstation_id"], site, client)


@pytest.fixture
def site(server: LiveServer) -> str:
    return new_site()


@pytest.fixture
def ws(server: LiveServer, site: str) -> Iterator[Workstation]:
    station = enroll(server, site)
    yield station
    station.client.close()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
