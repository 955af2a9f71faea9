"""Server side of bench/sync.py: push throughput to the server and a fleet of
simulated workstations against one server on PostgreSQL.

The server runs as uvicorn worker processes (``--factory bench.sync_server:app``)
with a bench plugin registering the record kind ``bench.record``; the workstations
are asyncio tasks with httpx, each enrolled with its own code and token. Lost and
duplicated records are counted by comparing what was sent with the records table.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KIND = "bench.record"
SCHEMA = {"X-Sihao-Schema": "1"}


class BenchPlugin:
    """Registers the record kind the bench pushes (as any plugin would)."""

    from core.plugins import hookimpl

    @hookimpl
    def sihao_record_kinds(self, registry: Any) -> None:
        # A strict schema and a check, as every built-in kind has: the bench measures
        # the server with its validation, site filling and checks in the path.
        from typing import Annotated

        from pydantic import Field

        from core.outbox import RecordRejected
        from core.records import Code, LongText, StrictRecord, Timestamp, WriterSite, text

        staff = text(32)

        class BenchRecord(StrictRecord):
            item_code: Code
            level: Annotated[int, Field(ge=1, le=5)]
            comment: LongText
            staff_no: staff  # type: ignore[valid-type]
            at: Timestamp
            site_code: WriterSite = ""

        def check(payload: dict[str, Any], ctx: Any) -> None:
            if payload["site_code"] != ctx.site_code:
                raise RecordRejected("the record names another site")

        registry.add(
            KIND, payload_version=1, description="bench record", schema=BenchRecord, check=check
        )


def app() -> Any:
    """uvicorn factory: the real server app, plus the bench plugin."""
    from server.app import create_app
    from server.plugins import load_host

    host = load_host()
    host.register_object("bench", BenchPlugin())
    return create_app(os.environ["SIHAO_SERVER_DATABASE"], host=host, run_migrations=False)


def payload(i: int) -> dict[str, Any]:
    """A record about the size of a rating: a few fields and a sentence of Chinese."""
    return {
        "item_code": f"37030000{i % 9000:04d}",
        "level": 1 + i % 5,
        "comment": "窗口工作人员解释清楚，材料一次告知，办理很快。",
        "staff_no": f"{1000 + i % 50}",
        "at": "2026-11-28T09:15:02",
    }


def mutation(seq: int) -> dict[str, Any]:
    return {
        "client_seq": seq,
        "mutation_id": str(uuid.uuid4()),
        "kind": KIND,
        "entity_id": str(uuid.uuid4()),
        "payload_version": 1,
        "payload": payload(seq),
        "created_at": "2026-11-28T09:15:02",
    }


class ServerProcess:
    """uvicorn workers on a free port, stopped on exit."""

    def __init__(self, database_url: str, workers: int, pool: int) -> None:
        from server.testing import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "SIHAO_SERVER_DATABASE": database_url,
            "SIHAO_SERVER_POOL": str(pool),
            "PYTHONPATH": str(ROOT),
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.sync_server:app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
                "--timeout-keep-alive",
                "75",
            ],
            cwd=ROOT,
            env=env,
        )

    def wait(self, timeout: float = 60) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the bench server exited")
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the bench server did not answer /v1/health")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (Linux /proc; 0 elsewhere)."""
        return _cpu({self.proc.pid}, parent=self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _cpu(pids: set[int] | None = None, parent: int | None = None) -> float:
    """user + system CPU seconds of ``pids`` and of ``parent``'s children (Linux /proc;
    0 elsewhere)."""
    total, tick = 0, os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        listed = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0.0
    for pid in listed:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if (pids and pid in pids) or (parent is not None and int(fields[1]) == parent):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _database_backends(url: str) -> set[int]:
    """PostgreSQL backend processes serving the bench database (same machine)."""
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return {int(row[0]) for row in cur.fetchall()}
    finally:
        conn.close()


def _prepare(database_url: str, sites: int) -> list[str]:
    """Migrate, add the sites; returns their codes."""
    from server import admin, db
    from server.app import migrate_database

    db.bind(db.make_database(database_url, max_connections=4))
    migrate_database()
    codes = [f"B{n:03d}-BENCH" for n in range(sites)]
    for code in codes:
        admin.add_site(code, f"基准测试站点{code}", "town")
    return codes


def _enroll(url: str, sites: list[str], count: int) -> list[tuple[str, str, str]]:
    """(workstation id, site, token) for ``count`` enrolled workstations."""
    import httpx

    from server import admin

    enrolled = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for n in range(count):
            site = sites[n % len(sites)]
            code = admin.issue_enroll_code(site)
            body = client.post("/v1/enroll", json={"code": code, "name": f"bench-{n}"}).json()
            enrolled.append((body["workstation_id"], site, body["token"]))
    return enrolled


def _count(sent: dict[str, set[str]]) -> tuple[int, int]:
    """(lost, duplicated): sent mutations missing from, or stored twice in, the records."""
    import peewee

    from server.models import Record

    lost = duplicated = 0
    for workstation, mutation_ids in sent.items():
        stored = list(
            Record.select(Record.mutation_id, peewee.fn.COUNT(Record.server_seq))
            .where(Record.workstation == workstation)
            .group_by(Record.mutation_id)
            .tuples()
        )
        counts = {m: int(c) for m, c in stored}
        lost += len(mutation_ids - set(counts))
        duplicated += sum(c - 1 for c in counts.values()) + len(set(counts) - mutation_ids)
    # The same entity stored under two mutation ids would be a duplicate too.
    dup_entities = (
        Record.select(Record.entity_id)
        .where(Record.kind == KIND)
        .group_by(Record.entity_id)
        .having(peewee.fn.COUNT(Record.server_seq) > 1)
        .count()
    )
    return lost, duplicated + dup_entities


Prepared = list[tuple[str, bytes]]  # (mutation id, the mutation as JSON)


def prepare(count: int) -> Prepared:
    """A station's records, made and encoded before the clock starts (the bench
    measures the server, not uuid4 and json.dumps in the load generator)."""
    return [
        (m["mutation_id"], json.dumps(m, ensure_ascii=False).encode())
        for m in (mutation(seq) for seq in range(1, count + 1))
    ]


class RawHTTP:
    """HTTP/1.1 keep-alive on plain asyncio streams: the load generator's client.

    One Python process plays 200 workstations on the same 2 cores as the server and
    PostgreSQL, so its own cost per request comes out of the server's share. httpx
    (one client per station, as a workstation has) spent ≈ 5.7 ms of CPU a request
    here, a third of a core at the fleet's load; this client, like wrk, sends the
    request bytes and reads the status line, headers and Content-Length body.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, target: str, headers: bytes, body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
        ).encode()
        try:
            self.writer.write(head + headers + b"\r\n" + body)
            status_line = await self.reader.readline()
            if not status_line:
                raise ConnectionResetError("the server closed the connection")
            status = int(status_line.split(b" ", 2)[1])
            length, close = 0, False
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            content = await self.reader.readexactly(length)
        except BaseException:
            await self.close()  # a half-read answer leaves the connection unusable
            raise
        if close:
            await self.close()
        return status, content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _station(
    port: int,
    token: str,
    records: Prepared,
    duration: float,
    period: float,
    acks: list[tuple[float, int]],
    latencies: list[tuple[str, float]],
    sent: set[str],
    errors: list[str],
) -> int:
    """One workstation: its records come due evenly over ``duration`` seconds; every
    ``period`` (±20 %, like the sync worker's timer) it pushes what is pending (at
    most 500 a request) and pulls. Records acknowledged are noted with their time
    in ``acks``. Returns how many it made.
    """
    client = RawHTTP("127.0.0.1", port)
    headers = (
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"X-Sihao-Schema: {SCHEMA['X-Sihao-Schema']}\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    started = loop.time()
    rate = len(records) / duration
    made = 0
    pending: list[tuple[str, bytes]] = []
    cursor = 0
    await asyncio.sleep(random.random() * period)  # stations do not start in lockstep
    try:
        while True:
            now = loop.time()
            due = min(len(records), int((now - started) * rate))
            pending.extend(records[made:due])
            made = max(made, due)
            finished = made >= len(records)
            while pending:
                chunk = pending[:500]
                body = b'{"mutations":[' + b",".join(encoded for _, encoded in chunk) + b"]}"
                sent.update(mutation_id for mutation_id, _ in chunk)
                begun = time.perf_counter()
                try:
                    status, content = await asyncio.wait_for(
                        client.request("POST", "/v1/sync/push", headers, body), 60
                    )
                except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                    errors.append(type(exc).__name__)  # sent again next round
                    break
                latencies.append(("push", time.perf_counter() - begun))
                if status != 200:
                    errors.append(str(status))
                    break
                results = json.loads(content)["results"]
                done = {
                    r["mutation_id"] for r in results if r["status"] in ("applied", "duplicate")
                }
                acks.append((time.perf_counter(), sum(r["status"] == "applied" for r in results)))
                pending = [p for p in pending if p[0] not in done]
                if len(chunk) < 500:
                    break
            begun = time.perf_counter()
            try:
                status, content = await asyncio.wait_for(
                    client.request("GET", f"/v1/sync/pull?since={cursor}&limit=500", headers), 60
                )
                latencies.append(("pull", time.perf_counter() - begun))
                if status == 200:
                    cursor = json.loads(content)["next"]
                else:
                    errors.append(str(status))
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                errors.append(type(exc).__name__)
            if finished and not pending:
                return made
            await asyncio.sleep(period * random.uniform(0.8, 1.2))
    finally:
        await client.close()


async def _fleet_run(
    port: int,
    stations: list[tuple[str, str, str]],
    rate: float,
    duration: float,
    period: float,
) -> dict[str, Any]:
    acks: list[tuple[float, int]] = []
    latencies: list[tuple[str, float]] = []
    errors: list[str] = []
    sent: dict[str, set[str]] = {ws_id: set() for ws_id, _, _ in stations}
    prepared = {ws_id: prepare(int(rate * duration)) for ws_id, _, _ in stations}
    started = time.perf_counter()
    made = await asyncio.gather(
        *(
            _station(
                port, token, prepared[ws_id], duration, period, acks, latencies, sent[ws_id], errors
            )
            for ws_id, _site, token in stations
        )
    )
    return {
        "started": started,
        "elapsed": time.perf_counter() - started,
        "made": sum(made),
        "acks": acks,
        "latencies": latencies,
        "sent": sent,
        "errors": errors,
    }


def _p99(sorted_seconds: list[float]) -> float | None:
    if not sorted_seconds:
        return None
    return round(sorted_seconds[max(0, int(len(sorted_seconds) * 0.99) - 1)], 3)


def fleet(
    *,
    stations: int = 200,
    total_rate: float = 6_000,
    duration: float = 30.0,
    period: float = 5.0,
    workers: int = 2,
) -> dict[str, Any]:
    """``stations`` enrolled workstations at once against one server on PostgreSQL.

    Records come due at ``total_rate`` per second spread over the stations; each
    station syncs on its own timer (``period``), pushing what is pending and
    pulling, as the workstation's sync worker does.

    ``fleet_rps`` is the rate the server stored records at while every station was
    running: records acknowledged as applied between ``1.5 × period`` (all stations
    started, each past its first round) and ``duration`` (the last records come
    due), over that window. It equals the offered rate when the server keeps up and
    falls below it when it does not. ``fleet_rps_overall`` divides everything stored
    by the whole run, staggered start and last round included (at most
    ``total_rate × duration / (duration + period)`` however fast the server is).
    """
    from server.testing import postgres_database

    if duration <= 1.5 * period:
        raise ValueError("the fleet needs a duration longer than 1.5 periods to measure")
    with postgres_database("sihao_bench") as url:
        sites = _prepare(url, sites=20)
        server = ServerProcess(url, workers=workers, pool=max(8, 80 // workers))
        try:
            server.wait()
            enrolled = _enroll(server.url, sites, stations)
            server_cpu = server.cpu_seconds()
            own_cpu = time.process_time()
            run = asyncio.run(
                _fleet_run(server.port, enrolled, total_rate / stations, duration, period)
            )
            server_cpu = server.cpu_seconds() - server_cpu
            own_cpu = time.process_time() - own_cpu
            # The server's pooled connections are still open: their backends' CPU
            # since they started is the database's share of the run (enrolment aside).
            database_cpu = _cpu(_database_backends(url))
        finally:
            server.stop()
        lost, duplicated = _count(run["sent"])
        from server.db import database

        database.close()
        database.obj.close_all()
    latencies = sorted(seconds for _, seconds in run["latencies"])
    pushes = sorted(seconds for what, seconds in run["latencies"] if what == "push")
    pulls = sorted(seconds for what, seconds in run["latencies"] if what == "pull")
    window = (run["started"] + 1.5 * period, run["started"] + duration)
    in_window = sum(n for at, n in run["acks"] if window[0] <= at < window[1])
    return {
        "fleet_stations": stations,
        "fleet_records": run["made"],
        "fleet_offered_rps": total_rate,
        "fleet_workers": workers,
        "fleet_s": round(run["elapsed"], 2),
        "fleet_rps": round(in_window / (window[1] - window[0])),
        "fleet_rps_overall": round(run["made"] / run["elapsed"]),
        "fleet_p50_s": round(statistics.median(latencies), 3),
        "fleet_p99_s": _p99(latencies),
        "fleet_push_p99_s": _p99(pushes),
        "fleet_pull_p99_s": _p99(pulls),
        "fleet_max_s": round(latencies[-1], 3),
        "fleet_requests": len(latencies),
        "fleet_errors": len(run["errors"]),
        "fleet_error_kinds": dict(collections.Counter(run["errors"])),
        "fleet_server_cpu_s": round(server_cpu, 1),
        "fleet_database_cpu_s": round(database_cpu, 1),
        "fleet_loadgen_cpu_s": round(own_cpu, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "lost": lost,
        "duplicated": duplicated,
    }


def server_push(
    *, records: int = 10_000, batch: int = 500, backend: str = "postgresql"
) -> dict[str, Any]:
    """One workstation pushing ``records`` in batches of ``batch`` to the server."""
    import tempfile

    import httpx

    from server.testing import postgres_database

    def run(url: str) -> float:
        sites = _prepare(url, sites=1)
        server = ServerProcess(url, workers=1, pool=4)
        try:
            server.wait()
            ((_ws_id, _site, token),) = _enroll(server.url, sites, 1)
            headers = {"Authorization": f"Bearer {token}", **SCHEMA}
            mutations = [mutation(seq) for seq in range(1, records + 1)]
            with httpx.Client(base_url=server.url, timeout=60) as client:
                started = time.perf_counter()
                for start in range(0, records, batch):
                    answer = client.post(
                        "/v1/sync/push",
                        json={"mutations": mutations[start : start + batch]},
                        headers=headers,
                    )
                    assert answer.status_code == 200, answer.text
                elapsed = time.perf_counter() - started
        finally:
            server.stop()
        from server.db import database

        database.close()
        return elapsed

    if backend == "postgresql":
        with postgres_database("sihao_bench") as url:
            elapsed = run(url)
            from server.db import database

            database.obj.close_all()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            elapsed = run(f"sqlite:///{tmp}/server.db")
    return {f"server_push_rps_{backend}": round(records / elapsed)}
