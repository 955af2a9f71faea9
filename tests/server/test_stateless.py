"""Two server processes on one PostgreSQL behave as one server: nothing in a process
decides what is stored, so retries through either never store a mutation twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from server import admin, db
from server.app import migrate_database
from server.models import Record
from server.testing import free_port, postgres_database
from tests.pg import require_postgres
from tests.server.conftest import SCHEMA

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_servers() -> Iterator[list[str]]:
    require_postgres()
    with postgres_database() as url:
        db.bind(db.make_database(url, max_connections=4))
        migrate_database()
        procs, urls = [], []
        env = {**os.environ, "SIHAO_SERVER_DATABASE": url, "PYTHONPATH": str(ROOT)}
        try:
            for _ in range(2):
                port = free_port()
                procs.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "uvicorn",
                            "tests.server.factory:app",
                            "--factory",
                            "--port",
                            str(port),
                            "--log-level",
                            "warning",
                        ],
                        cwd=ROOT,
                        env=env,
                    )
                )
                urls.append(f"http://127.0.0.1:{port}")
            for base in urls:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    assert time.monotonic() < deadline, "a server process did not start"
                    time.sleep(0.2)
            yield urls
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=20)
            db.database.close()
            db.database.obj.close_all()


def test_retries_through_two_processes_store_each_mutation_once(two_servers: list[str]) -> None:
    admin.add_site("TWO-1", "双实例站点", "town")
    code = admin.issue_enroll_code("TWO-1")
    enrolled = httpx.post(f"{two_servers[1]}/v1/enroll", json={"code": code}).json()
    headers = {"Authorization": f"Bearer {enrolled['token']}", **SCHEMA}
    batch = [
        {
            "client_seq": n,
            "mutation_id": f"two-{n}",
            "kind": "test.note",
            "entity_id": f"entity-{n}",
            "payload_version": 2,
            "payload": {"n": n},
        }
        for n in range(1, 301)
    ]

    def send(i: int) -> list[str]:
        base = two_servers[i % 2]
        answer = httpx.post(
            f"{base}/v1/sync/push", json={"mutations": batch}, headers=headers, timeout=60
        )
        assert answer.status_code == 200, answer.text
        return [r["status"] for r in answer.json()["results"]]

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(send, range(8)))
    for position in range(len(batch)):
        assert [a[position] for a in answers].count("applied") <= 1
    stored = list(Record.select(Record.mutation_id).where(Record.site == "TWO-1").tuples())
    assert sorted(m for (m,) in stored) == sorted(m["mutation_id"] for m in batch)

    pages = [
        httpx.get(f"{base}/v1/sync/pull", params={"since": 0}, headers=headers).json()
        for base in two_servers
    ]
    assert pages[0] == pages[1] and pages[0]["changes"]
