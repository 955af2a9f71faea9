"""Cold start to an interactive home screen, against a bare Textual app.

Each run is a fresh Python process (imports are most of a cold start), headless,
measured by the parent from spawn to the child's "ready" line:

- sihao: open an existing workstation store (demo site seeded beforehand), load every
  built-in plugin, mount the sign-in screen, sign a clerk in (session set directly:
  the scrypt PIN check, ~40 ms, is deliberate and measured separately) and mount the
  home screen with its tiles and status bar;
- bare: a Textual app with the same widgets on the same two screens (a sign-in
  screen with its inputs, button and demo-account table; a home screen with Header,
  a grid of as many buttons as there are tiles, a status line, Footer).

Runs alternate between the two so machine noise hits both alike. Budget (DESIGN.md):
ratio of medians ≤ 1.5. Last line: JSON {"sihao_s", "bare_s", "ratio", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SIHAO_CHILD = """
import workstation.cli  # first, as the `sihao` command does (it sets up the collector)
import asyncio, sys
from core.config import resolve_paths
from core.i18n import set_language
from core.auth import Session
from core.runtime import Runtime
from workstation.app import SihaoApp
from workstation.screens.home import HomeScreen

async def main():
    set_language("zh_CN")
    runtime = Runtime.open(resolve_paths(sys.argv[1]))
    app = SihaoApp(runtime, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.signed_in(Session("1001", "王丽", "clerk", runtime.config.site_code, None))
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), app.screen
        tiles = len(app.screen.query(".tile"))
        print("ready", tiles, len(runtime.host.loaded()), flush=True)

asyncio.run(main())
"""

BARE_CHILD = """
import asyncio, sys
from textual.app import App
from textual.containers import Center, Grid, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

TILES = int(sys.argv[1])

class SignIn(Screen):
    def compose(self):
        with Center():
            with Vertical():
                yield Static("title")
                yield Static("site")
                yield Label("staff number")
                yield Input()
                yield Label("PIN")
                yield Input(password=True)
                yield Button("sign in")
                yield Static("")
                yield Static("demo accounts")
                yield DataTable()
        yield Static("site | staff | role | sync")
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("no", "name", "role", "pin")
        for i in range(6):
            table.add_row(str(1000 + i), "name", "role", "123456")

class Home(Screen):
    def compose(self):
        yield Header(show_clock=True)
        yield Static("welcome")
        with Grid():
            for i in range(TILES):
                yield Button(f"tile {i}\\ndescription")
        yield Static("site | staff | role | sync")
        yield Footer()

class Bare(App):
    def on_mount(self):
        self.push_screen(SignIn())

async def main():
    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.switch_screen(Home())
        await pilot.pause()
        print("ready", TILES, 0, flush=True)

asyncio.run(main())
"""


# The same bare app with the collector handled as `sihao` handles it: what is left
# of the ratio is the cost of the plugin host, the store and the plugins themselves.
BARE_NOGC_CHILD = "import gc; gc.disable()\n" + BARE_CHILD


def compile_sources() -> None:
    """Write the bytecode of the project's own packages, as installing the workstation
    does (pip compiles what it installs). Without it a checkout run with
    PYTHONDONTWRITEBYTECODE compiles every module of Sihao at each start, while
    Textual's come compiled from site-packages: a cost no counter pays."""
    import compileall

    for package in ("core", "workstation", "plugins", "data"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    compile_sources()
    with tempfile.TemporaryDirectory() as tmp:
        seed = subprocess.run(
            [sys.executable, "-m", "workstation.cli", "--data-dir", tmp, "demo", "seed"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if seed.returncode:
            raise SystemExit(seed.stderr)
        # Warm the OS file cache once for both (we measure Python, not the disk).
        _t, ready = timed([sys.executable, "-c", SIHAO_CHILD, tmp])
        tiles = int(ready[1])
        timed([sys.executable, "-c", BARE_CHILD, str(tiles)])
        sihao_runs, bare_runs, nogc_runs = [], [], []
        for _ in range(args.runs):
            sihao_runs.append(timed([sys.executable, "-c", SIHAO_CHILD, tmp])[0])
            bare_runs.append(timed([sys.executable, "-c", BARE_CHILD, str(tiles)])[0])
            nogc_runs.append(timed([sys.executable, "-c", BARE_NOGC_CHILD, str(tiles)])[0])
        plugins = int(ready[2])
    sihao_s = statistics.median(sihao_runs)
    bare_s = statistics.median(bare_runs)
    nogc_s = statistics.median(nogc_runs)
    result = {
        "sihao_s": round(sihao_s, 3),
        "bare_s": round(bare_s, 3),
        "ratio": round(sihao_s / bare_s, 2),
        "runs": args.runs,
        "tiles": tiles,
        "plugins": plugins,
        "bare_gc_off_s": round(nogc_s, 3),
        "ratio_vs_bare_gc_off": round(sihao_s / nogc_s, 2),
        "sihao_min_s": round(min(sihao_runs), 3),
        "bare_min_s": round(min(bare_runs), 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
