"""The hall kiosk and the QR rating page.

    .venv/bin/python bench/kiosk.py [--runs 7] [--ratings 2000] [--clients 8]

- ``kiosk_start_ratio``: cold start of ``sihao kiosk`` to its search screen (a demo
  kiosk's store: every kiosk plugin loaded, the start screen's tiles, the search
  tile touched, the search field up), against a bare Textual app with the same
  widgets on the same two screens; each run a fresh process, headless, timed by the
  parent from spawn to the child's "ready" line, runs alternating (bench/startup.py).
- ``browser_first_result_s``: ``sihao kiosk serve`` on loopback, a headless
  Chromium opens the page; seconds from asking for the page to the kiosk process
  logging the results of a query typed into it (the page loads, its kiosk process
  starts, the search tile is chosen, 食品经营 typed), median of the runs.
- ``qr_rps``: QR ratings stored per second by the central server (``sihao server
  run`` on loopback, one process): ``--ratings`` distinct signed links, each
  submitted once by ``--clients`` concurrent HTTP clients (a fifth of them bad
  reviews, which open a case too); every answer checked to be the thanks page and
  every rating counted in the server's records afterwards. PostgreSQL when it runs
  at 127.0.0.1:5432 (production), and SQLite (the default server) beside it.

Budgets: ratio ≤ 1.5, first result ≤ 3 s, qr_rps ≥ 200. Last line: JSON
{"kiosk_start_ratio", "browser_first_result_s", "qr_rps", ...}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KIOSK_CHILD = """
import workstation.cli  # first, as the `sihao` command does (it sets up the collector)
import asyncio, sys
from core.config import resolve_paths
from core.i18n import set_language
from core.runtime import Runtime
from workstation.kiosk_app import KioskApp

async def main():
    set_language("zh_CN")
    runtime = Runtime.open(resolve_paths(sys.argv[1]))
    app = KioskApp(runtime)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tiles = len(app.screen.query(".kiosk-tile"))
        await pilot.click("#tile-kiosk-search")
        await pilot.pause()
        app.screen.query_one("#kiosk-query")
        print("ready", tiles, len(runtime.host.loaded()), flush=True)

asyncio.run(main())
"""

BARE_CHILD = """
import asyncio, sys
from textual.app import App
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

TILES = int(sys.argv[1])

class Start(Screen):
    def compose(self):
        with VerticalScroll():
            yield Static("welcome")
            with Grid():
                for i in range(TILES):
                    yield Button(f"tile {i}\\ndescription", id=f"t{i}")

    def on_button_pressed(self, event):
        self.app.push_screen(Search())

class Search(Screen):
    def compose(self):
        with Horizontal():
            yield Button("back")
            yield Static("title")
            yield Button("start")
        with VerticalScroll():
            yield Input(id="q")
            yield Static("note")
            yield Vertical()

class Bare(App):
    def on_mount(self):
        self.push_screen(Start())

async def main():
    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.click("#t0")
        await pilot.pause()
        app.screen.query_one("#q")
        print("ready", TILES, 0, flush=True)

asyncio.run(main())
"""


# The terminal's keyboard, focused without a click into the app (a click on the
# background would take the focus off the start screen's first tile).
FOCUS_TERMINAL = "document.querySelector('.xterm-helper-textarea').focus()"


def timed(args: list[str]) -> tuple[float, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIHAO_")}
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("ready"):
            elapsed = time.perf_counter() - start
            proc.wait(timeout=30)
            return elapsed, line.split()
    _out, err = proc.communicate()
    raise RuntimeError(f"child failed: {err[-2000:]}")


def kiosk_start(runs: int) -> dict[str, Any]:
    from tests.plugins.kiosk.serve import demo_kiosk

    with tempfile.TemporaryDirectory() as tmp:
        demo_kiosk(Path(tmp))
        _t, ready = timed([sys.executable, "-c", KIOSK_CHILD, tmp])  # warm the file cache
        tiles = int(ready[1])
        timed([sys.executable, "-c", BARE_CHILD, str(tiles)])
        kiosk_runs, bare_runs = [], []
        for _ in range(runs):
            kiosk_runs.append(timed([sys.executable, "-c", KIOSK_CHILD, tmp])[0])
            bare_runs.append(timed([sys.executable, "-c", BARE_CHILD, str(tiles)])[0])
    kiosk_s, bare_s = statistics.median(kiosk_runs), statistics.median(bare_runs)
    return {
        "kiosk_start_ratio": round(kiosk_s / bare_s, 2),
        "kiosk_start_s": round(kiosk_s, 3),
        "bare_start_s": round(bare_s, 3),
        "kiosk_plugins": int(ready[2]),
    }


def browser_first_result(runs: int) -> dict[str, Any]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from tests.plugins.kiosk.browser import chromium
    from tests.plugins.kiosk.serve import demo_kiosk, kiosk_served, log_lines, wait_for

    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        log = demo_kiosk(Path(tmp))
        with kiosk_served(Path(tmp)) as url, chromium(1280, 900) as browser:
            for _ in range(runs):
                searches = len(log_lines(log, "kiosk search:"))
                starts = len(log_lines(log, "kiosk: start screen up"))
                start = time.perf_counter()
                browser.get(url)
                # Keys typed before the kiosk has drawn its start screen are lost.
                up = "kiosk: start screen up"
                wait_for(lambda: len(log_lines(log, up)) > starts, 30)  # noqa: B023
                browser.execute_script(FOCUS_TERMINAL)
                keys = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
                opened = len(log_lines(log, "kiosk: kiosk.search opened"))
                keys.send_keys(Keys.ENTER)  # the first tile (focused): find a service
                # Typed once the search screen is there, as a person would.
                wait_for(lambda: len(log_lines(log, "kiosk: kiosk.search opened")) > opened, 30)  # noqa: B023
                keys.send_keys("食品经营")
                found = wait_for(lambda: len(log_lines(log, "kiosk search:")) > searches, 30)  # noqa: B023
                if not found:
                    raise RuntimeError("the browser's query reached no search")
                figures.append(time.perf_counter() - start)
                browser.get("about:blank")  # the page closes: its kiosk process ends
    return {
        "browser_first_result_s": round(statistics.median(figures), 2),
        "browser_first_result_max_s": round(max(figures), 2),
    }


def _server(database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIHAO_")}
    env["SIHAO_SERVER_DATABASE"] = database_url
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workstation.cli",
            "server",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def qr_throughput(database_url: str, ratings: int, clients: int, tmp: Path) -> dict[str, Any]:
    import base64

    import httpx

    from core.cases import CaseRef
    from plugins.kiosk import links
    from server import admin, db
    from server.app import migrate_database
    from server.models import Record
    from server.testing import free_port

    db.bind(db.make_database(database_url))
    migrate_database()
    site = admin.seed_demo()
    from plugins.kiosk.server import current_key

    key = current_key(site)
    secret = base64.urlsafe_b64decode(str(key.secret) + "=" * (-len(str(key.secret)) % 4))
    db.database.close()
    port = free_port()
    server = _server(database_url, port, tmp / f"server-{port}.log")
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/v1/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        expires = int((dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).timestamp())
        urls = []
        for n in range(ratings):
            case = CaseRef(str(uuid.uuid4()), f"37030320261207{n:06d}", site,
                           "370303-SCJG-XK-001-01", "食品经营许可（新设）", "1", "1001", "")  # fmt: skip
            token = links.sign(case, key_id=str(key.key_id), secret=secret, expires_at=expires)
            level = 2 if n % 5 == 0 else 5
            urls.append((f"{base}/pages/kiosk/rate/{token}", f"level={level}".encode()))
        failures: list[str] = []
        lock = threading.Lock()
        position = iter(range(len(urls)))

        def worker() -> None:
            with httpx.Client(timeout=30) as client:
                while True:
                    with lock:
                        n = next(position, None)
                    if n is None:
                        return
                    url, body = urls[n]
                    answer = client.post(
                        url,
                        content=body,
                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                    )
                    if answer.status_code != 200 or "评价已提交" not in answer.text:
                        with lock:
                            failures.append(f"{answer.status_code}")

        threads = [threading.Thread(target=worker) for _ in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    db.bind(db.make_database(database_url))
    stored = Record.select().where(Record.kind == "feedback.rating").count()
    cases = Record.select().where(Record.kind == "feedback.case").count()
    db.database.close()
    if failures or stored != ratings or cases != ratings // 5 + (1 if ratings % 5 else 0):
        logs = "".join(p.read_text("utf-8", "replace")[-3000:] for p in tmp.glob("server-*.log"))
        raise RuntimeError(
            f"{len(failures)} failed ({failures[:5]}), {stored} ratings and {cases} cases "
            f"stored; the server's log ends:\n{logs}"
        )
    return {"rps": round(ratings / elapsed, 1), "seconds": round(elapsed, 2), "cases": cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--browser-runs", type=int, default=3)
    parser.add_argument("--ratings", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--only-qr", action="store_true", help="Skip the kiosk figures.")
    args = parser.parse_args()
    if args.only_qr:
        args.browser_runs = 0
    result: dict[str, Any] = {}
    if args.only_qr:
        args.runs = 0
    if args.runs:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from startup import compile_sources  # the same bytecode an installed kiosk has

        compile_sources()
    result.update(kiosk_start(args.runs) if args.runs else {})
    print(json.dumps(result), flush=True)
    result.update(browser_first_result(args.browser_runs) if args.browser_runs else {})
    print(json.dumps(result), flush=True)
    from server.testing import postgres_available, postgres_database

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = qr_throughput(f"sqlite:///{tmp}/server.db", args.ratings, args.clients, Path(tmp))
        result["qr_rps_sqlite"] = sqlite["rps"]
        if postgres_available():
            with postgres_database("sihao_bench_qr") as url:
                pg = qr_throughput(url, args.ratings, args.clients, Path(tmp))
            result["qr_rps_postgresql"] = pg["rps"]
            result["qr_rps"] = pg["rps"]
        else:
            result["qr_rps"] = sqlite["rps"]
    result["qr_ratings"] = args.ratings
    result["qr_clients"] = args.clients
    first = {
        k: result.pop(k, None) for k in ("kiosk_start_ratio", "browser_first_result_s", "qr_rps")
    }
    print(json.dumps({**first, **result}))


if __name__ == "__main__":
    main()
