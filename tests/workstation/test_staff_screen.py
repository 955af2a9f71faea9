"""IT's staff desk at a standalone site, driven through Pilot: add a member (who sets
their own PIN at first sign-in), deactivate, reset a PIN, unlock a locked clerk."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Select, Static

from core.audit import AuditEntry
from core.i18n import set_language
from core.models import Staff
from core.runtime import Runtime
from tests.workstation.helpers import sign_in, wait_for
from workstation.app import SihaoApp
from workstation.screens.confirm import ConfirmScreen
from workstation.screens.home import HomeScreen
from workstation.screens.new_pin import NewPinScreen
from workstation.screens.signin import SignInScreen
from workstation.screens.staff import StaffScreen


async def _open_desk(pilot: Any) -> StaffScreen:
    await sign_in(pilot, "9001")
    await pilot.click("#tile-shell-staff")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StaffScreen)
    return screen


def _cursor_on(screen: StaffScreen, staff_no: str) -> None:
    table = screen.query_one("#staff-table", DataTable)
    numbers = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    table.move_cursor(row=numbers.index(staff_no))


def _state(screen: StaffScreen, staff_no: str) -> str:
    table = screen.query_one("#staff-table", DataTable)
    for i in range(table.row_count):
        row = table.get_row_at(i)
        if str(row[0]) == staff_no:
            return str(row[-1])
    raise AssertionError(staff_no)


def _message(screen: StaffScreen) -> str:
    return str(screen.query_one("#staff-message", Static).render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_desk_fits_and_only_it_opens_it(
    runtime: Runtime, size: tuple[int, int], language: str
) -> None:
    set_language(language)
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        app.open_staff_screen()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f10")
        await pilot.pause()
        screen = await _open_desk(pilot)
        for widget in (
            "#staff-add-no",
            "#staff-add-role",
            "#staff-add-button",
            "#staff-table",
            "#staff-keys",
        ):
            region = screen.query_one(widget).region
            assert region.right <= size[0] and region.bottom <= size[1] - 2, widget
        # Each field of the add form shows what it asks for, whole.
        for field in ("#staff-add-no", "#staff-add-name", "#staff-add-window"):
            entry = screen.query_one(field, Input)
            assert cell_len(str(entry.placeholder)) <= entry.content_region.width, field
        keys = str(screen.query_one("#staff-keys", Static).render())
        expected = (
            ("f2 停用/启用", "f3 重置密码", "f4 解锁")
            if language == "zh_CN"
            else ("f2 Deactivate/activate", "f3 Reset PIN", "f4 Unlock")
        )
        assert all(k in keys for k in expected)
        footer = app.screen.query("FooterKey")
        assert all(a.region.right <= b.region.x for a, b in zip(footer, footer[1:], strict=False))
        source = str(screen.query_one("#staff-source", Static).render())
        assert ("本站点没有中心服务器" if language == "zh_CN" else "no central server") in source


async def test_add_deactivate_reset_unlock(runtime: Runtime) -> None:
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_desk(pilot)
        # Add: typed input is unsaved until added.
        await pilot.click("#staff-add-no")
        await pilot.press(*"5001")
        screen.query_one("#staff-add-name", Input).value = "新同事"
        assert screen.unsaved_input() == "尚未添加的新工作人员"
        screen.query_one("#staff-add-role", Select).value = "clerk"
        await pilot.click("#staff-add-button")
        await pilot.pause()
        said = _message(screen)
        temporary = re.search(r"临时密码：(\d{6})", said)
        assert temporary is not None, said
        assert "须改密码" in _state(screen, "5001")
        assert screen.unsaved_input() is None

        # Deactivate asks first.
        _cursor_on(screen, "1002")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert "已停用" in _state(screen, "1002") and not Staff.get_by_id("1002").active

        # Unlock a clerk locked out at this counter.
        Staff.update(locked_until="2099-01-01 00:00:00").where(Staff.staff_no == "1001").execute()
        await pilot.press("f5")
        await pilot.pause()
        assert "已锁定" in _state(screen, "1001")
        _cursor_on(screen, "1001")
        await pilot.press("f4")
        await pilot.pause()
        assert "已解锁" in _message(screen) and "已锁定" not in _state(screen, "1001")
        assert Staff.get_by_id("1001").locked_until is None

        # Reset a PIN: asks, shows the temporary PIN once.
        _cursor_on(screen, "2001")
        await pilot.press("f3")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        reset = re.search(r"临时密码：(\d{6})", _message(screen))
        assert reset is not None
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)

        # The steward signs in with it and must set a new PIN first.
        await sign_in(pilot, "2001", "123456")
        assert isinstance(app.screen, SignInScreen)  # the old PIN no longer works
        await sign_in(pilot, "2001", reset.group(1))
        assert isinstance(app.screen, NewPinScreen)
        await pilot.click("#new-pin")
        await pilot.press(*"358024", "enter", *"358024", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()
    kinds = {e.kind for e in AuditEntry.select()}
    assert {
        "staff.added",
        "staff.deactivated",
        "staff.unlocked",
        "staff.pin_reset",
        "auth.pin_changed",
    } <= kinds
