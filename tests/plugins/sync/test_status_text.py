"""The status bar's sync text: what a clerk sees at a glance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import keyring
import pytest

from core import outbox
from core.db import atomic, new_id
from core.models import utcnow
from core.outbox import Outbox, OutboxState
from core.runtime import Runtime
from core.sync.engine import sync_state
from core.sync.models import Blocked, SyncState
from plugins.sync import service


def _enrolled() -> None:
    sync_state()
    SyncState.update(
        server_url="http://127.0.0.1:1", workstation_id="ws-1", site_code="S"
    ).execute()


def test_the_status_line_tells_the_state(runtime: Runtime) -> None:
    assert service.status_text(runtime) == "未注册"
    _enrolled()
    assert service.status_text(runtime) == "已是最新 · 上传于 从未 · 下载于 从未"
    with atomic():
        for n in range(3):
            outbox.enqueue("test.note", new_id(), {"n": n})
    Outbox.update(created_at=utcnow() - dt.timedelta(minutes=12)).where(
        Outbox.client_seq == Outbox.select(Outbox.client_seq).order_by(Outbox.client_seq).limit(1)
    ).execute()
    assert service.status_text(runtime).startswith("3 条待上传（最早 12 分钟）")
    Outbox.update(state=OutboxState.REJECTED.value).where(
        Outbox.client_seq == Outbox.select(Outbox.client_seq).order_by(Outbox.client_seq).limit(1)
    ).execute()
    SyncState.update(last_error="网络断了", last_push_at=utcnow()).execute()
    text = service.status_text(runtime)
    assert "2 条待上传" in text and "1 条被拒" in text and text.endswith("有错误")
    SyncState.update(blocked=Blocked.REVOKED).execute()
    assert service.status_text(runtime).startswith("已停止：注册被吊销，2 条待上传")
    SyncState.update(blocked=Blocked.UPGRADE).execute()
    assert service.status_text(runtime).startswith("已停止：请升级软件，2 条待上传")


def test_a_plain_file_token_is_shown(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    keyring.set_keyring(PlaintextKeyring())
    _enrolled()
    assert service.status_text(runtime).endswith("令牌存于明文文件")


def test_ages_and_times_read_naturally() -> None:
    assert service.age_text(None) == "—"
    assert service.age_text(dt.timedelta(seconds=42)) == "42 秒"
    assert service.age_text(dt.timedelta(hours=5, minutes=3)) == "5 小时"
    assert service.age_text(dt.timedelta(days=3)) == "3 天"
    assert service.when_text(None) == "从未"
    now = utcnow()
    assert len(service.when_text(now, now)) == len("09:15:02")
    assert len(service.when_text(now - dt.timedelta(days=40), now)) == len("10-19 09:15")


async def test_an_80_column_status_bar_still_shows_who_and_the_sync_state(
    data_dir: Path,
) -> None:
    """The full line (site, staff, role, sync with its times) is wider than 80 columns;
    what is cut is the sync times, then the labels and the role, never the sync state."""
    from rich.cells import cell_len
    from textual.widgets import Static

    from tests.conftest import make_runtime
    from tests.workstation.helpers import sign_in, wait_for
    from workstation.app import SihaoApp

    make_runtime(data_dir, plugins=["about", "sync"]).shutdown()
    for width, wanted, unwanted in [
        (80, ["王丽（1001）", "同步：2 条待上传"], ["上传于", "岗位"]),
        (120, ["工作人员：王丽（1001）", "岗位：窗口工作人员", "同步：2 条待上传"], ["上传于"]),
        (
            200,
            [
                "站点：",
                "工作人员：王丽（1001）",
                "岗位：窗口工作人员",
                "同步：2 条待上传",
                "上传于",
            ],
            [],
        ),
    ]:
        runtime = make_runtime(data_dir, plugins=["about", "sync"])
        if width == 80:  # enrolled with a server that is not there, two records waiting
            _enrolled()
            with atomic():
                for n in range(2):
                    outbox.enqueue("test.note", new_id(), {"n": n})
        app = SihaoApp(runtime, watch=False)
        async with app.run_test(size=(width, 24)) as pilot:
            await sign_in(pilot, "1001")
            bar = app.screen.query_one("#status-bar", Static)
            assert await wait_for(pilot, lambda b=bar: "王丽" in str(b.render()))
            text = str(bar.render())
            assert all(w in text for w in wanted), (width, text)
            assert not any(u in text for u in unwanted), (width, text)
            assert cell_len(text) <= width - 2
        runtime.shutdown()


@pytest.mark.parametrize(
    ("lang", "reason", "expected"),
    [
        (
            "zh_CN",
            "payload refused: level: Input should be less than or equal to 5",
            "服务器拒收了这条记录的内容（level: Input should be less than or equal to 5），请联系 IT。",
        ),
        (
            "en",
            "payload refused: text: must not contain NUL characters",
            "The server refused the record's contents (text: must not contain NUL characters); "
            "ask IT.",
        ),
        (
            "zh_CN",
            "the server's feedback plugin could not take this record: its log has the detail",
            "服务器未能接收这条记录，IT 可在服务器日志中查明原因。",
        ),
        ("zh_CN", "entity x belongs to another site", "entity x belongs to another site"),
    ],
)
def test_a_servers_refusal_reads_as_a_sentence_in_the_clerks_language(
    runtime: Runtime, lang: str, reason: str, expected: str
) -> None:
    from core.i18n import set_language

    set_language(lang)
    try:
        assert service.rejection_text(reason) == expected
    finally:
        set_language("zh_CN")
