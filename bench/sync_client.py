"""The workstation side of bench/sync.py: a 20,000-item catalog pulled, 10,000 records pushed.

    .venv/bin/python bench/sync_client.py [--quick]

Both run against the real server on loopback (uvicorn in its own process, as in
production, on SQLite in a temporary directory) and a real workstation store
(SQLite, WAL, synchronous=FULL). IT's side (migrations, the demo sites, the catalog
import, the enrollment code) runs in a process of its own too, so the measuring
process holds only what a workstation holds (an import computes every item's
pinyin: pypinyin and its tables would otherwise sit in the workstation's heap):

- pull_20k_s: IT imports a generated 20,000-item catalog with every field
  (data/generate_catalog.py); a freshly enrolled workstation pulls it through
  ``core.sync`` (pages of 1,000, each applied with its cursor in one transaction;
  items come with the pinyin the import computed), timed from the first request
  to the last page committed. Budget ≤ 5 s.
- push_rps: 10,000 records in the workstation's outbox (written beforehand, as
  plugins write them), pushed in batches of 500 with every acknowledgement applied
  locally. Budget ≥ 10,000 records/s.

Prints one JSON line: {"pull_20k_s", "pull_items", "push_rps", "push_records"}.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KIND = "bench.note"


def _memory_keyring() -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.secrets: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.secrets.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.secrets[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.secrets.pop((service, username), None)

    keyring.set_keyring(Memory())


class BenchKinds:
    from core.plugins import hookimpl

    @hookimpl
    def sihao_record_kinds(self, registry: Any) -> None:
        # A strict schema, as every built-in kind has (validated by the server).
        from typing import Annotated

        from pydantic import Field

        from core.records import SafeInt, StrictRecord, text

        short = text(32)

        class BenchRecord(StrictRecord):
            level: Annotated[int, Field(ge=1, le=5)]
            channel: short  # type: ignore[valid-type]
            tags: Annotated[list[short], Field(max_length=10)]  # type: ignore[valid-type]
            n: SafeInt

        registry.add(KIND, payload_version=1, schema=BenchRecord)


def serve(database_url: str, port: int) -> None:
    """The server process of the benchmark: the real app, plus the bench record kind."""
    import uvicorn

    from server.app import create_app
    from server.plugins import load_host

    host = load_host()
    host.register_object("benchkinds", BenchKinds())
    app = create_app(database_url, host=host, run_migrations=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def prepare(database_url: str, items: int) -> dict[str, str]:
    """IT's side, on the database file the server will serve: migrations, the demo
    sites, a generated ``items``-item catalog imported, the bench kind switched on,
    an enrollment code issued."""
    from core.catalog.formats import dump_catalog
    from data.generate_catalog import generate_catalog
    from server import admin
    from server import db as server_db
    from server.app import migrate_database

    server_db.bind(server_db.make_database(database_url))
    migrate_database()
    site = admin.seed_demo()
    catalog = Path(database_url.removeprefix("sqlite:///")).with_name("catalog.json")
    dump_catalog(generate_catalog(items), catalog)
    admin.import_catalog(catalog, replace=True)
    admin.set_policy(site, enable=["benchkinds"])
    return {"site": site, "code": admin.issue_enroll_code(site)}


def _prepare(database_url: str, items: int) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, __file__, "--prepare", database_url, str(items)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    prepared: dict[str, str] = json.loads(done.stdout.splitlines()[-1])
    return prepared


def _start_server(database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    from server.testing import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", database_url, str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the benchmark server did not start")


def client_side(quick: bool = False) -> dict[str, Any]:
    """pull_20k_s and push_rps: the server in its own process, as in production."""
    from core.catalog import store
    from core.config import resolve_paths
    from core.db import atomic, new_id
    from core.outbox import enqueue
    from core.runtime import Runtime
    from core.sync.engine import Syncer

    _memory_keyring()
    items = 2_000 if quick else 20_000
    records = 2_000 if quick else 10_000
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="sihao-bench-sync-") as tmp:
        root = Path(tmp)
        database_url = f"sqlite:///{root / 'server.db'}"
        code = _prepare(database_url, items)["code"]
        proc, url = _start_server(database_url)
        try:
            runtime = Runtime.open(resolve_paths(root / "ws"))
            runtime.host.register_object("benchkinds", BenchKinds())
            syncer = Syncer(runtime)
            syncer.enroll(url, code, "bench counter")

            started = time.perf_counter()
            pulled = syncer.pull()
            figures["pull_20k_s"] = round(time.perf_counter() - started, 3)
            figures["pull_items"] = store.count_items()
            figures["pull_changes"] = pulled.changes
            assert figures["pull_items"] == items, figures

            payload = {"level": 5, "channel": "窗口评价器", "tags": ["服务热情", "一次办好"]}
            with atomic():
                for n in range(records):
                    enqueue(KIND, new_id(), {**payload, "n": n})
            started = time.perf_counter()
            pushed = syncer.push()
            elapsed = time.perf_counter() - started
            assert pushed.applied == records, pushed
            figures["push_rps"] = round(records / elapsed)
            figures["push_records"] = records
            figures["push_requests"] = pushed.requests
            syncer.close()
            runtime.shutdown()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--serve", nargs=2, metavar=("DATABASE_URL", "PORT"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--prepare", nargs=2, metavar=("DATABASE_URL", "ITEMS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    if args.prepare:
        print(json.dumps(prepare(args.prepare[0], int(args.prepare[1]))))
        return
    print(json.dumps(client_side(args.quick), ensure_ascii=False))


if __name__ == "__main__":
    main()
