"""The workstation closes when its terminal goes away (a window closed, an SSH session
dropped) instead of running on unseen with its sync worker, Textual's input thread
spinning on the dead terminal (it did: 100 % of a core each)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path

SIHAO = Path(sys.executable).with_name("sihao")


def _drain(fd: int) -> None:
    """Read what the app draws, so it never blocks on a full terminal buffer."""
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def test_the_workstation_closes_when_its_terminal_hangs_up(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    env.pop("TEXTUAL", None)
    process = subprocess.Popen(
        [str(SIHAO), "--data-dir", str(tmp_path), "run", "--demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    logs = tmp_path / "logs"
    try:
        deadline = time.monotonic() + 60
        started = False
        while time.monotonic() < deadline and process.poll() is None:
            text = "".join(p.read_text("utf-8", "replace") for p in logs.glob("*.log"))
            if "about plugin ready" in text:
                started = True
                break
            time.sleep(0.2)
        assert started and process.poll() is None, "the workstation did not start"
        time.sleep(1.0)  # the first frame and the terminal watch are up

        os.close(master)  # the terminal hangs up
        master = -1
        code = process.wait(timeout=20)
    finally:
        if master >= 0:
            os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()
    text = "".join(p.read_text("utf-8", "replace") for p in logs.glob("*.log"))
    assert "the terminal went away" in text
    assert "about plugin stopped" in text  # shut down as at the end of a day, once
    assert text.count("about plugin stopped") == 1
    assert code == 129  # 128 + SIGHUP, as a shell reports a hang-up
