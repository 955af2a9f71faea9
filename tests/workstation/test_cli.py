"""The ``sihao`` command run as a user runs it: a real subprocess on a real data dir."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

SIHAO = [sys.executable, "-m", "workstation.cli"]


def sihao(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIHAO_")}
    return subprocess.run(
        [*SIHAO, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_seed_list_enable_disable(tmp_path: Path) -> None:
    assert "演示站点 370303-ZWFW 已就绪" in sihao(tmp_path, "demo", "seed").stdout
    listing = sihao(tmp_path, "plugins", "list").stdout
    assert "about" in listing and "queue_board" in listing
    assert "插件 queue_board 已启用" in sihao(tmp_path, "plugins", "enable", "queue_board").stdout
    assert "queue_board" in (tmp_path / "config" / "site.toml").read_text(encoding="utf-8")
    assert "已停用" in sihao(tmp_path, "plugins", "disable", "queue_board").stdout


def test_unknown_plugin_lists_the_known_names(tmp_path: Path) -> None:
    sihao(tmp_path, "demo", "seed")
    result = sihao(tmp_path, "plugins", "enable", "lokup")
    assert result.returncode == 2
    assert (
        "未知插件 lokup" in result.stderr
        and "about" in result.stderr
        and "queue_board" in result.stderr
    )


def test_corrupt_config_refuses_to_start_naming_file_and_line(tmp_path: Path) -> None:
    sihao(tmp_path, "demo", "seed")
    config = tmp_path / "config" / "site.toml"
    config.write_text('[site]\ncode = "370303-ZWFW"\nmode = demo\n', encoding="utf-8")
    result = sihao(tmp_path, "run")
    assert result.returncode == 2
    assert str(config) in result.stderr and "第 3 行" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_database_is_left_alone(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    db = tmp_path / "sihao.db"
    db.write_bytes(b"\x00garbage" * 512)
    result = sihao(tmp_path, "plugins", "list")
    assert result.returncode == 2 and "已损坏" in result.stderr and "Traceback" not in result.stderr
    assert db.read_bytes() == b"\x00garbage" * 512


def test_audit_verify_reports_tampering(tmp_path: Path) -> None:
    sihao(tmp_path, "demo", "seed")
    assert sihao(tmp_path, "notice", "三号窗口今日暂停", "--author", "3001").returncode == 0
    ok = sihao(tmp_path, "audit", "verify")
    assert ok.returncode == 0 and "审计链完整" in ok.stdout
    with sqlite3.connect(tmp_path / "sihao.db") as conn:
        conn.execute("UPDATE site_notice SET text = '已篡改'")
    broken = sihao(tmp_path, "audit", "verify")
    assert broken.returncode == 1 and "site_notice" in broken.stderr


def test_english_and_migrate(tmp_path: Path) -> None:
    sihao(tmp_path, "demo", "seed")
    result = sihao(tmp_path, "--lang", "en", "db", "migrate")
    assert result.returncode == 0 and "is up to date" in result.stdout


def test_enroll_is_available_before_a_site_has_a_policy(tmp_path: Path) -> None:
    """A new machine has no site config: `sihao enroll` is how its policy arrives."""
    env_dir = tmp_path / "fresh"
    result = sihao(env_dir, "enroll", "--server", "http://127.0.0.1:9", "--code", "ABC")
    assert "No such command" not in result.stderr
    assert result.returncode == 2 and "无法连接同步服务器" in result.stderr
    # Nothing about the policy was written by trying.
    assert not (env_dir / "config" / "site.toml").exists()


def test_a_plugin_change_is_refused_where_the_central_server_decides(tmp_path: Path) -> None:
    from core.config import resolve_paths, save_site_config
    from core.runtime import Runtime
    from tests.sync_support.policy import cache_server_policy

    sihao(tmp_path, "demo", "seed")
    # Enrolled: the store caches the site's policy (as pulled), site.toml names the server.
    runtime = Runtime.open(resolve_paths(tmp_path))
    cache_server_policy(runtime, "370303-ZWFW", ["about", "lookup"])
    runtime.config.server_url = "http://127.0.0.1:9"
    save_site_config(runtime.paths.site_config, runtime.config)
    runtime.shutdown()
    site_toml = (tmp_path / "config" / "site.toml").read_bytes()
    result = sihao(tmp_path, "plugins", "enable", "queue_board")
    assert result.returncode == 2
    assert "由中心服务器设定" in result.stderr
    assert "sihao server plugins enable queue_board --site 370303-ZWFW" in result.stderr
    assert (tmp_path / "config" / "site.toml").read_bytes() == site_toml
    listing = sihao(tmp_path, "--lang", "en", "plugins", "list").stdout
    assert listing.startswith("Plugins for site 370303-ZWFW are set on the central server")
    assert "queue_board" in listing and "feedback" in listing


def test_staff_desk_at_a_standalone_site(tmp_path: Path) -> None:
    """No central server: IT's changes are made in this workstation's store, audited."""
    sihao(tmp_path, "demo", "seed")
    added = sihao(tmp_path, "staff", "add", "5001", "新同事", "--role", "clerk", "--window", "A01")
    assert added.returncode == 0, added.stderr
    temporary = added.stdout.strip()
    assert temporary.isdigit() and len(temporary) == 6 and "临时密码" in added.stderr
    taken = sihao(tmp_path, "staff", "add", "5001", "重名", "--role", "clerk")
    assert taken.returncode == 2 and "工号 5001 已被占用" in taken.stderr
    listing = sihao(tmp_path, "staff", "list").stdout
    assert "5001" in listing and "须改密码" in listing and "窗口工作人员" in listing

    db = sqlite3.connect(tmp_path / "sihao.db")
    db.execute("UPDATE staff SET locked_until = '2099-01-01 00:00:00' WHERE staff_no = '1002'")
    db.commit()
    assert "已锁定" in sihao(tmp_path, "staff", "list").stdout
    assert "已解锁" in sihao(tmp_path, "staff", "unlock", "1002").stdout
    locked = db.execute("SELECT locked_until FROM staff WHERE staff_no = '1002'").fetchone()
    assert locked == (None,)

    assert "不能再登录" in sihao(tmp_path, "staff", "deactivate", "1001").stdout
    assert db.execute("SELECT active FROM staff WHERE staff_no = '1001'").fetchone() == (0,)
    reset = sihao(tmp_path, "staff", "reset-pin", "1002")
    assert reset.returncode == 0 and reset.stdout.strip().isdigit()
    assert db.execute("SELECT must_change_pin FROM staff WHERE staff_no = '1002'").fetchone() == (
        1,
    )
    missing = sihao(tmp_path, "staff", "unlock", "7777")
    assert missing.returncode == 2 and "本站点没有工号 7777" in missing.stderr
    kinds = [row[0] for row in db.execute("SELECT kind FROM audit_entry ORDER BY seq")]
    assert {"staff.added", "staff.unlocked", "staff.deactivated", "staff.pin_reset"} <= set(kinds)
    verified = sihao(tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    db.close()
