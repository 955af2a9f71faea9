from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Static

from core.i18n import set_language
from core.runtime import Runtime
from tests.workstation.helpers import notifications, sign_in, wait_for
from workstation.app import SihaoApp
from workstation.themes import load_themes

THEME = """name: counter-blue
primary: "{primary}"
background: "#101820"
dark: true
"""


def test_shipped_themes_load(tmp_path: Path) -> None:
    themes, problems = load_themes(tmp_path)
    assert {"sihao-dark", "sihao-light", "sihao-high-contrast"} <= {t.name for t in themes}
    assert not problems


async def test_broken_theme_is_named_once_and_the_rest_load(runtime: Runtime) -> None:
    themes_dir = runtime.paths.themes_dir
    (themes_dir / "good.yaml").write_text(THEME.format(primary="#2255aa"), encoding="utf-8")
    (themes_dir / "typo.yaml").write_text('name: typo\nprimary: "#12345z"\n', encoding="utf-8")
    (themes_dir / "garbage.yaml").write_text("primary: [unclosed\n", encoding="utf-8")
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)):
        theme_notices = [n for n in notifications(app) if "主题文件" in n]
        assert len(theme_notices) == 1
        assert "typo.yaml" in theme_notices[0] and "garbage.yaml" in theme_notices[0]
        assert "good.yaml" not in theme_notices[0]
        assert "counter-blue" in app.available_themes


async def test_changed_theme_file_is_reapplied_live(runtime: Runtime) -> None:
    path = runtime.paths.themes_dir / "counter.yaml"
    path.write_text(THEME.format(primary="#2255aa"), encoding="utf-8")
    runtime.config.theme = "counter-blue"
    app = SihaoApp(runtime, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.theme == "counter-blue"
        assert await wait_for(pilot, lambda: app._watcher is not None)
        button = app.screen.query_one("#sign-in-button", Button)
        before = button.styles.background
        path.write_text(THEME.format(primary="#cc3300"), encoding="utf-8")
        assert await wait_for(pilot, lambda: app.current_theme.primary == "#cc3300")
        assert await wait_for(pilot, lambda: button.styles.background != before)
        assert any("counter-blue" in n for n in notifications(app))


async def test_english_ui(runtime: Runtime) -> None:
    set_language("en")
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert str(app.screen.query_one("#sign-in-button", Button).label) == "Sign in"
        await sign_in(pilot, "1001", "000000")
        assert "wrong PINs in a row" in str(app.screen.query_one("#sign-in-error", Static).render())
        await sign_in(pilot, "1001")
        status = str(app.screen.query_one("#status-bar", Static).render())
        assert "Role: Window clerk" in status and "Sync: not enrolled" in status
        keys = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"Sign out", "Home"} <= keys


async def test_footer_keys_are_chinese_by_default(runtime: Runtime) -> None:
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        keys = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"退出登录", "首页"} <= keys


async def test_keymap_file_remaps_a_binding(runtime: Runtime) -> None:
    runtime.paths.keymap.write_text('[keys]\n"sihao.sign_out" = "f12"\n', encoding="utf-8")
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f10")
        await pilot.pause()
        assert runtime.session is not None
        await pilot.press("f12")
        await pilot.pause()
        assert runtime.session is None
