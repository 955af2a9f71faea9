"""What a clerk reads when sync fails: a sentence, never httpx's class name.

A real server on loopback behind the fault proxy (tests/sync_support/faultproxy.py)
drops a connection, holds an answer past the client's timeout and sheds load; a
closed port stands for a server that is down. The class and the detail go to the
log, where IT looks.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.i18n import set_language
from core.sync import engine
from core.sync.client import Retryable
from core.sync.engine import Syncer
from core.sync.models import SyncState
from server import admin
from tests.sync_support.faultproxy import FaultProxy
from tests.sync_support.world import DEMO_SITE, central_server, workstation, write_notes

TIMEOUT = 0.5
CLASS_NAMES = ("RemoteProtocolError", "ReadTimeout", "ConnectError", "Error(")


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with central_server("sqlite", tmp_path_factory.mktemp("server")) as srv:
        yield srv


@pytest.fixture
def proxy(sqlite_server: Any) -> Iterator[FaultProxy]:
    port = int(sqlite_server.url.rsplit(":", 1)[1])
    fault_proxy = FaultProxy(port, stall_seconds=TIMEOUT + 0.5)
    yield fault_proxy
    fault_proxy.close()


def failing_push(syncer: Syncer) -> str:
    write_notes(2)
    with pytest.raises(Retryable) as caught:
        syncer.push()
    sentence = str(caught.value)
    # The Sync screen and the status bar show what the store recorded: the same sentence.
    assert engine.status().last_error == sentence
    assert not any(name in sentence for name in CLASS_NAMES), sentence
    return sentence


def test_transport_failures_read_as_sentences_and_the_class_is_logged(
    proxy: FaultProxy, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    set_language("zh_CN")
    runtime = workstation(tmp_path / "ws")
    try:
        Syncer(runtime).enroll(proxy.url, admin.issue_enroll_code(DEMO_SITE), "counter 5")
        syncer = Syncer(runtime, timeout=TIMEOUT)

        proxy.set_schedule(["drop"])  # the connection closes before any answer
        with caplog.at_level(logging.WARNING, logger="core.sync"):
            sentence = failing_push(syncer)
        assert sentence == "与同步服务器的连接中途断开。系统会自动重试，数据不会丢失。"
        assert "RemoteProtocolError" in caplog.text  # for IT, in the log only

        proxy.set_schedule(["stall"])  # committed, but the answer comes too late
        assert "未能及时应答" in failing_push(syncer)

        proxy.set_schedule(["busy"])  # 503 with Retry-After
        assert failing_push(syncer) == (
            "同步服务器繁忙或出现故障（HTTP 503）。系统会自动重试，数据不会丢失。"
        )

        set_language("en")
        proxy.set_schedule(["drop"])
        assert failing_push(syncer).startswith("The connection to the sync server dropped")

        # A server that is down: nothing listens on the port.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        set_language("zh_CN")
        down = Syncer(runtime, timeout=TIMEOUT)
        SyncState.update(server_url=f"http://127.0.0.1:{closed_port}").execute()
        assert failing_push(down).startswith("无法连接同步服务器：请检查网线或无线网络")
        syncer.close()
        down.close()
    finally:
        set_language("zh_CN")
        runtime.shutdown()
