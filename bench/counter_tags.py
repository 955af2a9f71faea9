"""Counter-tag allocation under concurrent enrollment (issue 14; server.counter_tags).

    .venv/bin/python bench/counter_tags.py [--quick]

A hall enrolling its counters at once: ``--stations`` enrollments (200) of one site
from 25 threads against the real server on loopback, on SQLite and PostgreSQL, the
site already holding ``--reserved`` tags of revoked workstations (1,000). Figures per
backend: enrollments per second, the clashes drawn again (a concurrent enrollment
took the drawn tag first) and whether all tags are distinct and new. Last line: JSON
{"enroll_per_s_sqlite", "enroll_per_s_postgresql", "clashes_*", "duplicated_tags"}.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Clashes(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "was taken meanwhile" in record.getMessage():
            self.count += 1


def run(url: str, stations: int, reserved: int) -> dict[str, Any]:
    import httpx

    from server import admin, counter_tags
    from server.models import CounterTag, Workstation
    from server.testing import live_server

    clashes = _Clashes()
    logger = logging.getLogger("server.counter_tags")
    logger.addHandler(clashes)
    logger.setLevel(logging.INFO)
    with live_server(url) as srv:
        site = "BENCH-HALL"
        admin.add_site(site, "基准大厅", "town", region_code="370303001")
        old = [counter_tags.encode(n * 997 % counter_tags.SPACE) for n in range(reserved)]
        CounterTag.insert_many(
            [{"site": site, "tag": t, "workstation": f"revoked-{t}"} for t in old]
        ).execute()
        codes = [admin.issue_enroll_code(site) for _ in range(stations)]

        def enroll(code: str) -> str:
            answer = httpx.post(
                f"{srv.url}/v1/enroll",
                json={"code": code, "name": "bench", "schema": 1},
                timeout=120,
            )
            assert answer.status_code == 200, answer.text
            return str(answer.json()["counter_tag"])

        started = time.perf_counter()
        with ThreadPoolExecutor(25) as pool:
            tags = list(pool.map(enroll, codes))
        elapsed = time.perf_counter() - started
        stored = [str(w.counter_tag) for w in Workstation.select().where(Workstation.site == site)]
    logger.removeHandler(clashes)
    duplicated = len(tags) - len(set(tags)) + len(set(tags) & set(old))
    assert sorted(stored) == sorted(tags)
    return {
        "enroll_per_s": round(stations / elapsed, 1),
        "clashes": clashes.count,
        "duplicated_tags": duplicated,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    stations, reserved = (50, 100) if args.quick else (200, 1000)
    figures: dict[str, Any] = {"stations": stations, "reserved": reserved, "duplicated_tags": 0}
    from server.testing import postgres_database

    for backend in ("sqlite", "postgresql"):
        if backend == "postgresql":
            with postgres_database("sihao_bench") as url:
                result = run(url, stations, reserved)
                from server.db import database

                database.obj.close_all()
        else:
            with tempfile.TemporaryDirectory() as tmp:
                result = run(f"sqlite:///{Path(tmp) / 'server.db'}", stations, reserved)
        figures[f"enroll_per_s_{backend}"] = result["enroll_per_s"]
        figures[f"clashes_{backend}"] = result["clashes"]
        figures["duplicated_tags"] += result["duplicated_tags"]
        print(json.dumps(figures), flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
