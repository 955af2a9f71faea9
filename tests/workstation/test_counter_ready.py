"""The shell at the counter: the sign-in screen at 80x24 and 120x40 in both
languages, the keys panel, Textual's own strings in Chinese, unsaved input before
sign-out and Quit, and a PIN IT reset changed at the next sign-in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Static

from core.auth import sign_in as core_sign_in
from core.config import SecuritySettings
from core.i18n import set_language
from core.models import Staff
from core.runtime import Runtime
from tests.workstation.helpers import notifications, sign_in, wait_for
from workstation.app import SihaoApp
from workstation.screens.base import SihaoScreen
from workstation.screens.confirm import ConfirmScreen
from workstation.screens.home import HomeScreen
from workstation.screens.new_pin import NewPinScreen
from workstation.screens.signin import SignInScreen

SIZES = [(80, 24), (120, 40)]


def _rendered(widget: Widget) -> str:
    return str(widget.render())


def _table_text(table: DataTable[Any]) -> list[str]:
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_sign_in_form_and_demo_accounts_fit(
    runtime: Runtime, size: tuple[int, int], language: str
) -> None:
    set_language(language)
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#sign-in-box").region
        table: DataTable[Any] = screen.query_one("#demo-accounts", DataTable)
        # Every column whole: the table is as wide as its content, inside the screen,
        # beside the form (not over it).
        columns = sum(column.get_render_width(table) for column in table.columns.values())
        assert table.region.width == table.virtual_size.width == columns
        assert table.region.right <= size[0] and table.region.x >= box.right
        assert screen.query_one("#sign-in-button").region.bottom <= size[1] - 2
        rows = _table_text(table)
        pins = {row.split()[-1] for row in rows}
        assert pins == {"123456"}
        roles = ("IT admin", "Steward") if language == "en" else ("信息技术", "项目管家")
        assert all(any(role in row for row in rows) for role in roles)


@pytest.mark.parametrize("size", SIZES)
async def test_keys_panel_on_sign_in_leaves_demo_accounts_visible_and_esc_closes_it(
    runtime: Runtime, size: tuple[int, int]
) -> None:
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        app.action_show_help_panel()
        await pilot.pause()
        await pilot.pause()
        panel = app.screen.query_one("HelpPanel")
        table = app.screen.query_one("#demo-accounts")
        assert not panel.region.overlaps(table.region)
        assert not panel.region.overlaps(app.screen.query_one("#sign-in-box").region)
        # The panel speaks Chinese: the focused field's keys and its group title.
        from textual.widgets._key_panel import BindingsTable

        bindings = app.screen.query_one(BindingsTable).render_bindings_table()
        console = Console(width=200, record=True)
        console.print(bindings)
        text = console.export_text()
        assert "输入框" in text and "光标左移" in text and "Move cursor" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
        assert isinstance(app.screen, SignInScreen)


async def test_palette_and_footer_speak_chinese(runtime: Runtime) -> None:
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        footer_keys = [_rendered(k) for k in app.screen.query("FooterKey")]
        assert any("命令面板" in k for k in footer_keys)
        assert not any("palette" in k for k in footer_keys)
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(Input).placeholder == "搜索命令…"
        titles = [c.title for c in app.get_system_commands(app.screen_stack[-2])]
        assert {"主题", "退出", "按键"} <= set(titles)
        assert not {"Quit", "Keys", "Theme"} & set(titles)
        await pilot.press(*"zzzqqq")
        assert await wait_for(
            pilot,
            lambda: any(
                "没有找到匹配的命令"
                in str(palette.query_one("CommandList").get_option_at_index(i).prompt)
                for i in range(palette.query_one("CommandList").option_count)
            ),
        )


class DraftForm(SihaoScreen):
    """A minimal form: what it holds typed is unsaved until Ctrl+S."""

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="draft-form")

    def compose_body(self) -> Iterable[Widget]:
        yield Input(id="draft-text")

    def unsaved_input(self) -> str | None:
        return "未保存的测试记录" if self.query_one("#draft-text", Input).value else None


async def test_sign_out_with_unsaved_input_asks_and_stay_keeps_it(runtime: Runtime) -> None:
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        app.push_screen(DraftForm(runtime))
        await pilot.pause()
        await pilot.click("#draft-text")
        await pilot.press(*"来访登记")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "未保存的测试记录" in _rendered(app.screen.query_one("#confirm-question"))
        await pilot.press("escape")  # no
        await pilot.pause()
        assert isinstance(app.screen, DraftForm) and runtime.session is not None
        assert app.screen.query_one("#draft-text", Input).value == "来访登记"
        await pilot.press("f10")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and runtime.session is None
        # Nothing typed: F10 signs out at once.
        await sign_in(pilot, "1001")
        app.push_screen(DraftForm(runtime))
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)


async def test_quit_is_refused_with_unsaved_input_and_asks_otherwise(runtime: Runtime) -> None:
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        form = DraftForm(runtime)
        app.push_screen(form)
        await pilot.pause()
        form.query_one("#draft-text", Input).value = "走流程记录"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.screen is form and app.is_running
        assert any("未关闭" in n and "未保存的测试记录" in n for n in notifications(app))
        form.query_one("#draft-text", Input).value = ""
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "关闭四好工作站" in _rendered(app.screen.query_one("#confirm-question"))
        await pilot.click("#confirm-no")
        await pilot.pause()
        assert app.screen is form and app.return_code is None
        # From the palette, as anyone may pick it: the same question, and yes closes.
        quit_command = next(c for c in app.get_system_commands(form) if c.title == "退出")
        await quit_command.callback()  # type: ignore[misc]
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#confirm-yes")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize("size", SIZES)
async def test_the_new_pin_screen_fits_in_english(runtime: Runtime, size: tuple[int, int]) -> None:
    set_language("en")
    Staff.update(must_change_pin=True).where(Staff.staff_no == "1001").execute()
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        screen = app.screen
        assert isinstance(screen, NewPinScreen)
        assert "set your own PIN" in _rendered(screen.query_one("#new-pin-title"))
        for widget in ("#new-pin-rules", "#new-pin-again", "#new-pin-button"):
            region = screen.query_one(widget).region
            assert region.right <= size[0] and region.bottom <= size[1] - 2, widget


@pytest.mark.parametrize("size", SIZES)
async def test_a_reset_pin_is_changed_at_the_next_sign_in(
    runtime: Runtime, size: tuple[int, int]
) -> None:
    Staff.update(must_change_pin=True).where(Staff.staff_no == "1001").execute()
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        screen = app.screen
        assert isinstance(screen, NewPinScreen) and runtime.session is None
        assert screen.query_one("#new-pin-button", Button).region.bottom <= size[1] - 2
        error = screen.query_one("#new-pin-error", Static)
        for new, again, said in (
            ("123456", "123456", "不能是 123456"),
            ("258147", "258148", "两次输入的新密码不一致"),
        ):
            await pilot.click("#new-pin")
            await pilot.press(*new, "enter", *again, "enter")
            assert await wait_for(pilot, lambda said=said: said in _rendered(error))
            assert isinstance(app.screen, NewPinScreen)
        await pilot.click("#new-pin")
        await pilot.press(*"258147", "enter", *"258147", "enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()
        assert runtime.session is not None and runtime.session.staff_no == "1001"
    staff = Staff.get_by_id("1001")
    assert not staff.must_change_pin
    assert core_sign_in("1001", "258147", SecuritySettings()).staff_no == "1001"
