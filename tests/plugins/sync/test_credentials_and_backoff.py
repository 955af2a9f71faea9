"""The token in the keyring (one per data directory; a clear sentence without a keyring),
and the worker's timing: full jitter, capped, honouring Retry-After."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from core import credentials
from core.credentials import CredentialsError
from core.sync.client import parse_retry_after
from core.sync.worker import backoff_delay
from tests.sync_support.keyring_memory import MemoryKeyring

ROOT = Path(__file__).resolve().parents[3]


def test_each_data_dir_has_its_own_token(tmp_path: Path, keyring_backend: MemoryKeyring) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert credentials.get_token(first) is None
    credentials.set_token(first, "token-a")
    credentials.set_token(second, "token-b")
    assert credentials.get_token(first) == "token-a"
    assert credentials.get_token(second) == "token-b"
    assert credentials.account_for(first) != credentials.account_for(second)
    assert {service for service, _user in keyring_backend.secrets} == {"sihao"}
    credentials.delete_token(first)
    credentials.delete_token(first)  # already gone: fine
    assert credentials.get_token(first) is None and credentials.get_token(second) == "token-b"
    assert credentials.backend_warning() is None


def test_no_keyring_backend_gives_a_sentence_with_the_options(tmp_path: Path) -> None:
    """What it means for the person at the counter first (no sync yet, nothing lost),
    then what IT does about it."""
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialsError) as caught:
        credentials.set_token(tmp_path, "t")
    message = str(caught.value)
    plain, for_it = message.split("请 IT 处理")
    assert "暂时不能与中心服务器同步" in plain and "都会保留" in plain
    assert "PYTHON" not in plain and "Secret Service" not in message
    assert "密钥环" in for_it and "gnome-keyring" in for_it
    assert "PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring" in for_it
    assert credentials.backend_warning() == message


def test_cli_enroll_without_a_keyring_prints_the_sentence_not_a_traceback(tmp_path: Path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PATH": "/usr/bin:/bin"}
    data = tmp_path / "ws"
    seed = subprocess.run(
        [sys.executable, "-m", "workstation.cli", "--data-dir", str(data), "demo", "seed"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert seed.returncode == 0, seed.stderr
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "workstation.cli",
            "--data-dir",
            str(data),
            "enroll",
            "--server",
            "http://127.0.0.1:9",
            "--code",
            "AAAA-BBBB",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "PYTHON_KEYRING_BACKEND" in result.stderr and "密钥环" in result.stderr


def test_plain_file_backend_is_allowed_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    credentials.set_token(tmp_path / "ws", "secret")
    assert credentials.get_token(tmp_path / "ws") == "secret"
    assert "明文" in (credentials.backend_warning() or "")


def test_backoff_is_full_jitter_capped_and_honours_retry_after() -> None:
    assert backoff_delay(1, rand=lambda: 1.0) == 1.0
    assert backoff_delay(4, rand=lambda: 1.0) == 8.0
    assert backoff_delay(30, rand=lambda: 1.0) == 300.0  # capped at 5 minutes
    assert backoff_delay(30, rand=lambda: 0.0) == 0.0  # full jitter reaches zero
    assert backoff_delay(2, rand=lambda: 0.5) == 1.0
    assert backoff_delay(1, rand=lambda: 0.1, retry_after=42) == 42  # never sooner
    delays = [backoff_delay(10) for _ in range(200)]
    assert all(0 <= d <= 300 for d in delays) and len(set(delays)) > 150


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = dt.datetime(2026, 11, 28, 9, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Sat, 28 Nov 2026 09:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Sat, 28 Nov 2026 08:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") == 0.0 and parse_retry_after(None) == 0.0


def test_the_demo_keeps_its_token_inside_its_directory(tmp_path: Path) -> None:
    """`make run` chooses the demo keyring file in .demo/, and nothing lands in the
    user's own data directory."""
    demo = tmp_path / ".demo"
    home = tmp_path / "home"
    home.mkdir()
    recipe = subprocess.run(
        ["make", "-n", "run", f"DEMO_DIR={demo}"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "PYTHON_KEYRING_BACKEND:-core.demo_keyring.DemoPlaintextKeyring" in recipe
    assert f'SIHAO_KEYRING_FILE="{demo}/keyring.cfg"' in recipe
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "core.demo_keyring.DemoPlaintextKeyring",
        "SIHAO_KEYRING_FILE": str(demo / "keyring.cfg"),
    }
    script = (
        "from pathlib import Path; from core import credentials; "
        f"credentials.set_token(Path({str(demo)!r}), 'demo-token'); "
        f"print(credentials.get_token(Path({str(demo)!r}))); "
        "print(credentials.backend_warning())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    token, warning = result.stdout.splitlines()[:2]
    assert token == "demo-token" and "plain file" in warning
    assert "ZGVtby10b2tlbg==" in (demo / "keyring.cfg").read_text(encoding="utf-8")  # base64
    assert list(home.rglob("*")) == []
