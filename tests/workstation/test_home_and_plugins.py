from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.widgets import Button, DataTable

from core.config import load_site_config
from core.plugins import hookimpl
from core.runtime import Runtime
from tests.conftest import make_runtime
from tests.workstation.helpers import notifications, sign_in, wait_for
from workstation.app import SihaoApp
from workstation.screens.home import HomeScreen
from workstation.screens.plugins import PluginsScreen


def tile_ids(app: SihaoApp) -> set[str]:
    return {b.id or "" for b in app.screen.query(".tile").results(Button)}


async def test_home_is_filtered_by_role(data_dir: Path) -> None:
    runtime = make_runtime(data_dir, plugins=["about", "queue_board"])
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")  # clerk
        assert isinstance(app.screen, HomeScreen)
        assert tile_ids(app) == {"tile-about-site", "tile-queue_board-board"}
        await pilot.click("#tile-queue_board-board")
        await pilot.pause()
        assert app.screen.id == "queue-board-screen"
        await pilot.press("escape")
        await pilot.press("f10")
        await sign_in(pilot, "9001")  # IT: no queue board, but the Plugins tile
        assert tile_ids(app) == {"tile-about-site", "tile-shell-plugins", "tile-shell-staff"}
    runtime.shutdown()


async def test_it_enables_a_plugin_live_from_the_plugins_screen(data_dir: Path) -> None:
    runtime = make_runtime(data_dir, plugins=["about"])
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "9001")
        await pilot.click("#tile-shell-plugins")
        await pilot.pause()
        assert isinstance(app.screen, PluginsScreen)
        table = app.screen.query_one(DataTable)
        names = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert names == sorted(runtime.host.plugins) and "queue_board" in names
        row = names.index("queue_board")
        assert table.get_row_at(row)[2] == "第三方" and table.get_row_at(row)[3] == "否"
        table.move_cursor(row=row)
        await pilot.press("space")
        await pilot.pause()
        assert table.get_row_at(row)[3] == "是" and table.get_row_at(row)[4] == "运行中"
        assert load_site_config(runtime.paths.site_config).enabled_plugins == [
            "about",
            "queue_board",
        ]
        assert "插件 queue_board 已启用。" in notifications(app)
        # The clerk sees the new tile without a restart.
        await pilot.press("f10")
        await sign_in(pilot, "1001")
        assert "tile-queue_board-board" in tile_ids(app)
    runtime.shutdown()


async def test_editing_site_config_by_hand_applies_live(data_dir: Path) -> None:
    runtime = make_runtime(data_dir, plugins=["about"])
    app = SihaoApp(runtime, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_for(pilot, lambda: app._watcher is not None)
        await sign_in(pilot, "1001")
        assert tile_ids(app) == {"tile-about-site"}
        path = runtime.paths.site_config
        path.write_text(
            path.read_text(encoding="utf-8").replace('"about",', '"about",\n    "queue_board",'),
            encoding="utf-8",
        )
        assert await wait_for(pilot, lambda: "tile-queue_board-board" in tile_ids(app))
        # A broken edit is reported and the last good policy stays.
        path.write_text("[plugins\nenabled = [", encoding="utf-8")
        assert await wait_for(pilot, lambda: any("站点配置文件" in n for n in notifications(app)))
        assert "tile-queue_board-board" in tile_ids(app)
    runtime.shutdown()


async def test_plugin_raising_is_switched_off_with_a_notice(runtime: Runtime) -> None:
    class Faulty:
        @hookimpl
        def sihao_screens(self, registry: object) -> None:
            raise ValueError("tile table corrupt")

    runtime.host.register_object("faulty", Faulty())
    runtime.config.enabled_plugins.append("faulty")
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        assert isinstance(app.screen, HomeScreen)
        assert "tile-about-site" in tile_ids(app)
        assert await wait_for(
            pilot,
            lambda: any("faulty" in n and "tile table corrupt" in n for n in notifications(app)),
        )
        assert runtime.host.plugins["faulty"].error == "ValueError: tile table corrupt"


async def test_palette_lists_plugin_commands_for_the_role(data_dir: Path) -> None:
    runtime = make_runtime(data_dir, plugins=["about", "queue_board"])
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Call next number" in titles and "退出登录" in titles
        # The shell lists each screen the role may open; the plugin adds no second entry.
        assert "打开：本站概况" in titles and "本站概况" not in titles
        assert "插件管理" not in titles
        await pilot.press("f10")
        await sign_in(pilot, "9001")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Call next number" not in titles and "插件管理" in titles
        assert "主题：sihao-light" in titles
    runtime.shutdown()


async def test_palette_runs_a_plugin_command_and_switches_theme(data_dir: Path) -> None:
    runtime = make_runtime(data_dir, plugins=["about", "queue_board"])
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Call next")
        assert await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "Calling A017" in notifications(app))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sihao-light")
        assert await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.theme == "sihao-light")
    runtime.shutdown()


def palette_entries(app: SihaoApp) -> list[str]:
    """What the open command palette lists now: each entry's command text."""
    listing = app.screen.query_one(CommandList)
    return [
        str(listing.get_option_at_index(i).hit.text)  # type: ignore[attr-defined]
        for i in range(listing.option_count)
    ]


def searching(app: SihaoApp) -> bool:
    """The palette is still gathering the entries for what was typed."""
    group = CommandPalette._GATHER_COMMANDS_GROUP
    return any(w.group == group and not w.is_finished for w in app.workers)


async def test_palette_lists_each_screen_once(data_dir: Path) -> None:
    runtime = make_runtime(data_dir, plugins=["about", "feedback", "lookup", "sync"])
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")  # clerk
        # A screen of each plugin that used to add a command opening it.
        for title in ("好差评录入", "事项查询", "数据同步", "本站概况"):
            shell_entry = "打开：" + title
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*title)
            assert await wait_for(
                pilot,
                lambda entry=shell_entry: entry in palette_entries(app) and not searching(app),
            )
            assert [entry for entry in palette_entries(app) if title in entry] == [shell_entry]
            await pilot.press("escape")
            await pilot.pause()
        # A plugin command that does something still has its entry.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"立即同步")
        assert await wait_for(pilot, lambda: "立即同步" in palette_entries(app))
    runtime.shutdown()
