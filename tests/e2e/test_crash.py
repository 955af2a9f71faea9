"""A workstation killed (SIGKILL) at random moments while it writes and pushes.

Each run starts a fresh workstation process, lets it work for a random moment and
kills it, more than twenty times; then a last process drains the outbox. Every
record it committed must be on the server exactly once, and the SQLite file must
pass ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server import admin
from tests.sync_support.world import DEMO_SITE, central_server, server_notes

ROOT = Path(__file__).resolve().parents[2]
KILLS = 22


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with central_server("sqlite", tmp_path_factory.mktemp("server")) as srv:
        yield srv


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    env["XDG_DATA_HOME"] = str(tmp / "xdg")
    env["PYTHONPATH"] = str(ROOT)
    env.pop("SIHAO_PLUGINS", None)
    return env


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.sync_support.crash_workstation", str(tmp / "ws"), *args],
        env=_env(tmp),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _start_and_kill(tmp_path: Path, mode: str, after: float) -> None:
    """Start the crash workstation in ``mode``, wait for it to be busy, SIGKILL it after
    ``after`` seconds."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.sync_support.crash_workstation", str(tmp_path / "ws"), mode],
        env=_env(tmp_path),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def test_sigkill_while_pushing_loses_and_duplicates_nothing(server: Any, tmp_path: Path) -> None:
    enrolled = _run(tmp_path, "enroll", server.url, admin.issue_enroll_code(DEMO_SITE))
    assert enrolled.returncode == 0, enrolled.stderr
    rng = random.Random(4242)
    for _kill in range(KILLS):
        _start_and_kill(tmp_path, "work", rng.uniform(0.01, 0.35))

    drained = _run(tmp_path, "drain")
    assert drained.returncode == 0, drained.stderr
    rows = json.loads(drained.stdout.strip().splitlines()[-1])
    assert rows and all(row["state"] == "applied" for row in rows)
    local = [row["entity_id"] for row in rows]
    assert len(local) == len(set(local))

    with sqlite3.connect(tmp_path / "ws" / "sihao.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        workstation_id = db.execute("SELECT workstation_id FROM sync_state").fetchone()[0]
    stored = Counter(entity for entity, _m, _n in server_notes(workstation_id))
    assert [e for e, c in stored.items() if c > 1] == []  # 0 duplicated
    assert set(stored) == set(local)  # 0 lost (and nothing the workstation never committed)


def test_sigkill_while_pulling_leaves_data_and_cursor_together(server: Any, tmp_path: Path) -> None:
    """Killed mid-page, the page and its cursor are both there or both not: after the
    restarts the workstation holds exactly the server's windows."""
    from server.models import Window as ServerWindow

    enrolled = _run(tmp_path, "enroll", server.url, admin.issue_enroll_code(DEMO_SITE))
    assert enrolled.returncode == 0, enrolled.stderr
    rng = random.Random(7)
    for kill in range(10):
        for n in range(25):  # work for the puller: new windows and renamed ones
            admin.add_window(DEMO_SITE, f"K{rng.randint(0, 60):02d}", f"第{kill}轮窗口{n}")
        _start_and_kill(tmp_path, "pull", rng.uniform(0.01, 0.3))

    drained = _run(tmp_path, "drain")  # a last, uninterrupted pull
    assert drained.returncode == 0, drained.stderr
    with sqlite3.connect(tmp_path / "ws" / "sihao.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        local = dict(
            db.execute("SELECT number, name FROM window WHERE site_id = ?", (DEMO_SITE,)).fetchall()
        )
    on_server = {
        w.number: w.name for w in ServerWindow.select().where(ServerWindow.site == DEMO_SITE)
    }
    assert local == on_server
