"""A token and every record must not cross the network readable: http:// is refused
for any server but this machine, unless IT allows it explicitly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from core.config import parse_site_config
from core.sync.client import InsecureServerURL, SyncClient, check_server_url
from core.sync.engine import Syncer
from tests.conftest import make_runtime

SIHAO = [sys.executable, "-m", "workstation.cli"]
REMOTE_HTTP = "http://10.20.30.40:8765"


def sihao(data_dir: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIHAO_")}
    env.update(extra_env)
    return subprocess.run(
        [*SIHAO, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_enroll_refuses_a_plain_http_server_and_names_the_fix(tmp_path: Path) -> None:
    result = sihao(tmp_path, "enroll", "--server", REMOTE_HTTP, "--code", "ABC123")
    assert result.returncode == 2, result.stderr
    assert f"服务器地址 {REMOTE_HTTP} 未加密（http://）" in result.stderr
    assert "https://" in result.stderr and "allow_insecure_http = true" in result.stderr
    assert "SIHAO_ALLOW_INSECURE_HTTP=1" in result.stderr and "Traceback" not in result.stderr
    # Refused before anything was used or written (the code is still good).
    assert not (tmp_path / "config" / "site.toml").exists()

    english = sihao(tmp_path, "--lang", "en", "enroll", "--server", REMOTE_HTTP, "--code", "X")
    assert english.returncode == 2
    assert f"The server address {REMOTE_HTTP} is not encrypted" in english.stderr


@pytest.mark.parametrize(
    "url",
    [
        "https://sihao.zibo.gov.cn",
        "https://10.20.30.40:8443",
        "http://127.0.0.1:8765",
        "http://localhost:8765",
        "http://[::1]:8765",
        "http://127.10.0.3",
    ],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert check_server_url(url) == url


@pytest.mark.parametrize(
    "url", [REMOTE_HTTP, "http://sihao.zibo.gov.cn", "HTTP://192.168.1.5", "ftp://x", "sihao"]
)
def test_other_addresses_are_refused(url: str) -> None:
    with pytest.raises(InsecureServerURL):
        check_server_url(url)
    with pytest.raises(InsecureServerURL):
        SyncClient(url)


def test_it_can_allow_plain_http_by_site_setting_or_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = parse_site_config(tmp_path / "site.toml", "[server]\nallow_insecure_http = true\n")
    assert config.allow_insecure_http
    assert "allow_insecure_http = true" in tomli_w.dumps(config.to_toml())
    runtime = make_runtime(tmp_path / "ws", plugins=["about"])
    try:
        with pytest.raises(InsecureServerURL):
            Syncer(runtime)._new_client(REMOTE_HTTP, None)
        runtime.config.allow_insecure_http = True
        Syncer(runtime)._new_client(REMOTE_HTTP, None).close()  # built: nothing sent yet
        runtime.config.allow_insecure_http = False
        monkeypatch.setenv("SIHAO_ALLOW_INSECURE_HTTP", "1")
        Syncer(runtime)._new_client(REMOTE_HTTP, None).close()
    finally:
        runtime.shutdown()
