"""IT's staff desk at a workstation enrolled with a central server (SQLite, then
PostgreSQL): ``sihao staff …`` makes the change on the server as the IT
administrator it names, and every workstation of the site follows by pull."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from core.auth import Reason, SignInError, sign_in
from core.config import SecuritySettings
from core.db import database
from core.models import Staff
from core.runtime import Runtime
from core.staff_desk import StaffDeskError, change_pin, desk_for
from core.sync.engine import Syncer
from server import admin
from server.models import AdminLog
from server.models import Staff as ServerStaff
from tests.sync_support.world import enroll, workstation
from workstation.cli import main

SETTINGS = SecuritySettings(max_pin_attempts=3, lockout_minutes=15)


def bind_database(runtime_db: Any) -> None:
    """Point the models at one workstation's store (two share this process)."""
    database.initialize(runtime_db)


def _synced(runtime: Runtime) -> None:
    bind_database(runtime.db)
    syncer = Syncer(runtime)
    syncer.sync_once()
    syncer.close()


def _sihao(data_dir: Path, *args: str, pin: str | None = None) -> Any:
    return CliRunner().invoke(
        main, ["--data-dir", str(data_dir), *args], input=f"{pin}\n" if pin else None
    )


@pytest.fixture
def counter(server: Any, tmp_path: Path) -> Runtime:
    runtime = workstation(tmp_path / "counter")
    enroll(runtime, server)
    _synced(runtime)
    return runtime


def test_cli_at_a_server_site_acts_on_the_server_as_the_named_it_admin(
    server: Any, counter: Runtime
) -> None:
    data_dir = counter.paths.data_dir
    # Nobody named: the sentence says how.
    bare = _sihao(data_dir, "staff", "list")
    assert bare.exit_code == 2 and "--as" in bare.output
    # A clerk, or a wrong PIN: refused by the server, nothing changes.
    for who, pin in (("1001", "123456"), ("9001", "000000")):
        refused = _sihao(data_dir, "staff", "deactivate", "1002", "--as", who, pin=pin)
        assert refused.exit_code == 2, refused.output
        assert "服务器拒绝" in refused.output
    assert ServerStaff.get_by_id("1002").active

    listing = _sihao(data_dir, "staff", "list", "--as", "9001", pin="123456")
    assert listing.exit_code == 0, listing.output
    assert "1001" in listing.output and "王丽" in listing.output

    added = _sihao(
        data_dir, "staff", "add", "5001", "新同事", "--role", "clerk", "--as", "9001", pin="123456"
    )
    assert added.exit_code == 0, added.output
    temporary = added.stdout.strip().splitlines()[-1]
    assert temporary.isdigit() and len(temporary) == 6
    _synced(counter)
    session = sign_in("5001", temporary, SETTINGS, site_code=counter.config.site_code)
    assert session.must_change_pin
    # The new PIN is set on the server, and applied here at once.
    change_pin(counter, "5001", temporary, "258147", "258147")
    assert not ServerStaff.get_by_id("5001").must_change_pin
    assert not sign_in("5001", "258147", SETTINGS).must_change_pin

    deactivated = _sihao(data_dir, "staff", "deactivate", "5001", "--as", "9001", pin="123456")
    assert deactivated.exit_code == 0, deactivated.output
    _synced(counter)
    with pytest.raises(SignInError) as caught:
        sign_in("5001", "258147", SETTINGS)
    assert caught.value.reason is Reason.INACTIVE
    actions = [r.action for r in AdminLog.select().where(AdminLog.target == "5001")]
    assert actions == ["staff.add", "staff.pin_changed", "staff.deactivate"]


def test_unlock_reaches_every_workstation_and_offline_says_so(
    server: Any, counter: Runtime, tmp_path: Path
) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # 1002 is locked out at the counter.
    for _ in range(3):
        with pytest.raises(SignInError):
            sign_in("1002", "000000", SETTINGS, now=now)
    assert Staff.get_by_id("1002").locked_until is not None

    # The desk at another workstation of the site unlocks on the server.
    desk_pc = workstation(tmp_path / "desk")
    enroll(desk_pc, server)
    _synced(desk_pc)
    message = desk_for(desk_pc, "9001", "123456").unlock("1002")
    assert "每台工作站" in message
    # The counter clears its own lockout when it pulls.
    bind_database(counter.db)
    _synced(counter)
    assert Staff.get_by_id("1002").locked_until is None
    assert sign_in("1002", "123456", SETTINGS).staff_no == "1002"
    # Pulled again, the same stamp does not clear a new lockout.
    for _ in range(3):
        with pytest.raises(SignInError):
            sign_in("1002", "000000", SETTINGS)
    _synced(counter)
    assert Staff.get_by_id("1002").locked_until is not None

    # Offline: nothing is pretended. A reset is refused; an unlock clears this
    # workstation's own lockout and says the others stay locked.
    from core.sync.models import SyncState

    SyncState.update(server_url="http://127.0.0.1:9").execute()
    bind_database(counter.db)
    desk = desk_for(counter, "9001", "123456")
    with pytest.raises(StaffDeskError, match="无法连接中心服务器"):
        desk.reset_pin("1001")
    with pytest.raises(StaffDeskError, match="无法连接服务器"):
        change_pin(counter, "1001", "123456", "258147", "258147")
    assert sign_in("1001", "123456", SETTINGS).staff_no == "1001"  # the PIN is unchanged
    offline = desk.unlock("1002")
    assert "仅在本工作站解锁" in offline
    assert Staff.get_by_id("1002").locked_until is None
    assert admin.get_policy(counter.config.site_code) is not None


async def test_the_staff_screen_at_a_server_site_asks_for_it_s_pin_and_acts_on_the_server(
    server: Any, counter: Runtime
) -> None:
    from textual.widgets import DataTable, Static

    from tests.workstation.helpers import sign_in as pilot_sign_in
    from tests.workstation.helpers import wait_for
    from workstation.app import SihaoApp
    from workstation.screens.admin_pin import AdminPinScreen
    from workstation.screens.confirm import ConfirmScreen
    from workstation.screens.staff import StaffScreen

    bind_database(counter.db)
    counter.apply_policy()
    app = SihaoApp(counter, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_sign_in(pilot, "9001")
        app.open_staff_screen()
        await pilot.pause()
        assert isinstance(app.screen, AdminPinScreen)  # the list comes from the server
        await pilot.press(*"123456", "enter")
        screen = app.screen
        assert isinstance(screen, StaffScreen)
        assert "由中心服务器管理" in str(screen.query_one("#staff-source", Static).render())
        table = screen.query_one("#staff-table", DataTable)
        assert await wait_for(pilot, lambda: table.row_count >= 6, timeout=10)
        numbers = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=numbers.index("4001"))
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#confirm-yes")
        message = screen.query_one("#staff-message", Static)
        assert await wait_for(
            pilot, lambda: "已在中心服务器完成" in str(message.render()), timeout=10
        ), str(message.render())
        assert not ServerStaff.get_by_id("4001").active
        admin_row = AdminLog.select().where(AdminLog.target == "4001").get()
        assert (admin_row.action, admin_row.actor) == ("staff.deactivate", "9001")
        ServerStaff.update(active=True).where(ServerStaff.staff_no == "4001").execute()
