"""A standalone site (no central server): IT sets its plugins on the Plugins screen or
in site.toml, and a plugin switched on while the app runs is started like one
loaded at start. The recording plugins (tests/sync_support/recorded) tell what the
workstation did with them; the site with a server is in tests/e2e/test_server_policy.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from core.config import load_site_config
from core.plugins import PluginHost, discover
from core.runtime import Runtime
from tests.conftest import make_runtime
from tests.sync_support import recorded
from tests.workstation.helpers import open_plugins_screen, row_of, sign_in, tile_ids, wait_for
from workstation.app import SihaoApp


@pytest.fixture(autouse=True)
def fresh_recorded_plugins() -> Iterator[None]:
    recorded.reset()
    yield
    recorded.reset()


def standalone(data_dir: Path, plugins: list[str]) -> Runtime:
    host = PluginHost(discover(recorded.builtins(), entry_points=False))
    return make_runtime(data_dir, plugins=plugins, host=host)


async def test_it_switches_a_plugin_here_and_it_is_started_and_stopped_each_time(
    data_dir: Path,
) -> None:
    runtime = standalone(data_dir, ["about"])
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(160, 40)) as pilot:
        table = await open_plugins_screen(pilot, "alpha")
        said = str(app.screen.query_one("#plugin-policy", Static).render())
        assert "没有中心服务器" in said and str(runtime.paths.site_config) in said
        assert [str(c.label) for c in table.columns.values()][3] == "启用"
        assert row_of(table, "alpha")[3:] == ["否", "未运行"]
        assert not recorded.imported("alpha")
        await pilot.press("space")
        await pilot.pause()
        assert row_of(table, "alpha")[3:] == ["是", "运行中"]
        assert "alpha" in load_site_config(runtime.paths.site_config).enabled_plugins
        # Started once it was migrated, as at start-up.
        assert recorded.of("alpha") == ["import", "migrations", "startup"]
        await pilot.press("space")  # off: stopped before it goes
        await pilot.pause()
        assert "alpha" not in runtime.host.loaded()
        assert recorded.of("alpha") == ["import", "migrations", "startup", "shutdown"]
        await pilot.press("space")  # on again: a new load, started once more
        await pilot.pause()
        assert recorded.of("alpha")[4:] == ["migrations", "startup"]
    runtime.shutdown()


async def test_plugins_switched_on_in_site_config_are_started_after_both_are_migrated(
    data_dir: Path,
) -> None:
    runtime = standalone(data_dir, ["about"])
    app = SihaoApp(runtime, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_for(pilot, lambda: app._watcher is not None)
        await sign_in(pilot, "1001")
        path = runtime.paths.site_config
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                '"about",', '"about",\n    "alpha",\n    "beta",'
            ),
            encoding="utf-8",
        )
        assert await wait_for(pilot, lambda: len(recorded.calls) >= 6)
        await pilot.pause(0.3)  # nothing more comes
        assert recorded.calls == [
            ("alpha", "import"),
            ("beta", "import"),
            ("alpha", "migrations"),
            ("beta", "migrations"),
            ("alpha", "startup"),
            ("beta", "startup"),
        ]
        assert await wait_for(
            pilot, lambda: {"tile-alpha-board", "tile-beta-board"} <= tile_ids(app)
        )
    runtime.shutdown()


async def test_a_plugin_reaches_the_screen_from_the_sync_workers_thread(data_dir: Path) -> None:
    """A pulled policy starts and stops plugins on the sync worker's thread; what they
    ask of the screen (a notice, a screen opened) is done on the app's thread, in
    order, and each call returns once done: the screen is mounted, the notice shown."""
    runtime = standalone(data_dir, ["about", "alpha"])
    app = SihaoApp(runtime, watch=False)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            runtime.set_plugin_enabled("beta", True)  # started here, off the app's thread
            runtime.ui.notify("后台同步：已启用 beta", "warning")
            runtime.ui.open_screen("beta.board")
        except BaseException as exc:  # handed to the test below
            errors.append(exc)

    async with app.run_test(size=(160, 40)) as pilot:
        await sign_in(pilot, "1001")
        thread = threading.Thread(target=worker)
        thread.start()
        assert await wait_for(pilot, lambda: not thread.is_alive())
        thread.join()
        assert errors == []
        assert recorded.of("beta") == ["import", "migrations", "startup"]
        assert type(app.screen).__name__ == "SihaoScreen" and app.screen.is_mounted
        assert any("已启用 beta" in str(n.message) for n in app._notifications)
    runtime.shutdown()
