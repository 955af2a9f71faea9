"""The drop folder: a file copied in slowly is read once, whole; a bad file goes to
failed/ with the reason; the folder is watched while the plugin runs."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import save_site_config
from core.runtime import Runtime
from data import generate_batch
from plugins.intake.batch_hooks import INBOX
from plugins.intake.batch_inbox import Inbox, inbox_dir
from plugins.intake.batch_models import BatchRow, IntakeBatch
from tests.conftest import make_runtime
from tests.plugins.intake.helpers import FOOD

SITUATIONS = ["仅销售预包装食品（含保健食品等特殊食品）", "含热食类食品制售"]


@pytest.fixture
def inbox_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["lookup", "intake"])
    rt.config.plugin_settings["intake"] = {"batch_inbox_settle_seconds": 0.6}
    save_site_config(rt.paths.site_config, rt.config)
    rt.apply_policy()
    rt.startup()
    yield rt
    rt.shutdown()


def wait_for(check: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_file_copied_in_slowly_is_read_once_whole(inbox_runtime: Runtime, tmp_path: Path) -> None:
    inbox = inbox_runtime.extras[INBOX]
    assert isinstance(inbox, Inbox) and inbox.folder == inbox_dir(inbox_runtime)
    source = tmp_path / f"{FOOD} 名单.xlsx"
    generate_batch.write_xlsx(source, 400, SITUATIONS, bad_share=0)
    data = source.read_bytes()
    target = inbox.folder / source.name
    with target.open("wb") as fh:
        # A copy that locks its file (as Windows and careful copiers do) and stalls
        # longer than the settle time half-way: the inbox must not read it then.
        fcntl.flock(fh, fcntl.LOCK_EX)
        half = len(data) // 2
        for start in range(0, half, 4096):
            fh.write(data[start : min(start + 4096, half)])
            fh.flush()
            time.sleep(0.01)
        time.sleep(1.5)
        assert IntakeBatch.select().count() == 0 and target.exists()
        fh.write(data[half:])
        fh.flush()
        fcntl.flock(fh, fcntl.LOCK_UN)
    wait_for(lambda: inbox.results)
    assert len(inbox.results) == 1 and inbox.results[0].ok, inbox.results
    batch = IntakeBatch.get()
    assert BatchRow.select().where(BatchRow.batch_id == batch.id).count() == 400
    assert (inbox.done / source.name).read_bytes() == data and not target.exists()


def test_a_file_written_without_a_lock_waits_until_it_stops_changing(
    inbox_runtime: Runtime, tmp_path: Path
) -> None:
    inbox = inbox_runtime.extras[INBOX]
    source = tmp_path / f"{FOOD} 慢.xlsx"
    generate_batch.write_xlsx(source, 300, SITUATIONS, bad_share=0, seed=3)
    data = source.read_bytes()
    target = inbox.folder / source.name
    with target.open("wb") as fh:  # a slow copier: a chunk every 0.3 s, never settled
        step = max(1, len(data) // 8)
        for start in range(0, len(data), step):
            fh.write(data[start : start + step])
            fh.flush()
            time.sleep(0.3)
            assert not inbox.results
    wait_for(lambda: inbox.results)
    assert inbox.results[0].ok and BatchRow.select().count() == 300


def test_bad_files_go_to_failed_with_the_reason(inbox_runtime: Runtime, tmp_path: Path) -> None:
    inbox = inbox_runtime.extras[INBOX]
    (inbox.folder / "扫描件.csv").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    (inbox.folder / "~$lock.xlsx").write_bytes(b"owner")  # an Office lock file: left alone
    rows = "姓名,证件号码,手机号码,仅销售预包装食品（含保健食品等特殊食品）\n张三,123,138,是\n"
    (inbox.folder / f"{FOOD} 全错.csv").write_text(rows, encoding="utf-8")
    wait_for(lambda: len(inbox.results) == 2)
    reasons = (inbox.failed / "扫描件.csv.txt").read_text(encoding="utf-8")
    assert "不是电子表格" in reasons
    assert (inbox.failed / f"{FOOD} 全错.csv").exists()
    assert (inbox.failed / f"{FOOD} 全错-错误行.csv").exists()
    assert (inbox.folder / "~$lock.xlsx").exists()
    assert IntakeBatch.select().count() == 0


def test_a_file_left_in_the_inbox_while_closed_is_taken_at_start(
    data_dir: Path, tmp_path: Path
) -> None:
    rt = make_runtime(data_dir, plugins=["lookup", "intake"])
    rt.config.plugin_settings["intake"] = {"batch_inbox_settle_seconds": 0.3}
    save_site_config(rt.paths.site_config, rt.config)
    folder = inbox_dir(rt)
    folder.mkdir(parents=True)
    generate_batch.write_xlsx(folder / f"{FOOD} 昨晚.xlsx", 5, SITUATIONS, bad_share=0)
    rt.apply_policy()
    rt.startup()
    try:
        inbox = rt.extras[INBOX]
        wait_for(lambda: inbox.results)
        assert inbox.results[0].ok and (inbox.done / f"{FOOD} 昨晚.xlsx").exists()
    finally:
        rt.shutdown()
    assert INBOX not in rt.extras  # stopped with the plugin
