"""``sihao kiosk serve`` as a hall's IT runs it, on loopback, for a test or a benchmark."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.config import resolve_paths, save_site_config
from core.runtime import Runtime
from server.testing import free_port

# What a hall's kiosk enables (docs/kiosk.md), less sync: no server here.
KIOSK_PLUGINS = ["lookup", "guides", "feedback", "printing", "kiosk"]


def demo_kiosk(data_dir: Path) -> Path:
    """A demo site's kiosk data directory with the demo catalog imported."""
    from core.demo import seed_demo

    paths = resolve_paths(data_dir)
    runtime = Runtime.open(paths)
    runtime.config.site_code = seed_demo()
    runtime.config.mode = "demo"
    runtime.config.enabled_plugins = list(KIOSK_PLUGINS)
    save_site_config(paths.site_config, runtime.config)
    runtime.apply_policy()
    runtime.startup()  # the lookup imports the demo catalog
    runtime.shutdown()
    return paths.log_dir / "sihao.log"


@contextmanager
def kiosk_served(data_dir: Path) -> Iterator[str]:
    """The kiosk served with textual-serve on a free loopback port; stopped after."""
    port = free_port()
    command = [sys.executable, "-m", "workstation.cli", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "kiosk", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the kiosk processes it starts go with it
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("sihao kiosk serve did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def log_lines(log: Path, marker: str) -> list[str]:
    if not log.exists():
        return []
    return [line for line in log.read_text("utf-8").splitlines() if marker in line]


def wait_for(predicate, timeout: float = 15.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    return None
