"""A workstation enrolled with the central server follows the server's plugin policy.

A real server on loopback and a workstation enrolled with it that has pulled its
site's policy; the plugins that record what is done with them
(tests/sync_support/recorded) are installed at the workstation. The server's
policy switches ``beta`` on and ``alpha`` off while the workstation's site.toml
enables ``alpha``: the server decides from the first moment of a start-up, IT is
told so on the Plugins screen (and is refused a toggle that would change nothing),
and a plugin the server switches on while the app runs is started once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import Paths, load_site_config, resolve_paths, save_site_config
from core.i18n import set_language
from core.plugins import PluginHost, discover
from core.runtime import Runtime
from core.sync import engine
from core.sync.engine import Syncer
from plugins.sync import service
from server import admin
from tests.sync_support import recorded
from tests.sync_support.world import DEMO_SITE, enroll, workstation
from tests.workstation.helpers import (
    notifications,
    open_plugins_screen,
    row_of,
    sign_in,
    tile_ids,
    wait_for,
)
from workstation.app import SihaoApp


@pytest.fixture(autouse=True)
def server_switches_beta_on_and_alpha_off(server: Any) -> Iterator[None]:
    recorded.reset()
    admin.set_policy(DEMO_SITE, enable=["beta"], disable=["alpha"])
    yield
    admin.set_policy(DEMO_SITE, disable=["alpha", "beta"])
    recorded.reset()


def enrolled_workstation(server: Any, data_dir: Path) -> Paths:
    """Enrolled, the site's policy pulled and cached, stopped; its site.toml (which
    names the server since enrollment) enables ``alpha``."""
    runtime = workstation(data_dir)
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        syncer.close()
        assert (
            "alpha"
            not in (engine.cached_policy() or {"enabled_plugins": ["alpha"]})["enabled_plugins"]
        )
    finally:
        runtime.shutdown()
    paths = resolve_paths(data_dir)
    config = load_site_config(paths.site_config)
    assert config.server_url == server.url
    config.enabled_plugins = [*config.enabled_plugins, "alpha"]
    save_site_config(paths.site_config, config)
    return paths


def start(paths: Paths) -> Runtime:
    """What `sihao run` does before the app: open the store, apply the policy in force."""
    runtime = Runtime.open(paths, host=PluginHost(discover(recorded.builtins())))
    runtime.apply_policy()
    return runtime


async def test_a_plugin_the_server_turned_off_is_never_loaded_at_start(
    server: Any, tmp_path: Path
) -> None:
    runtime = start(enrolled_workstation(server, tmp_path / "ws"))
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "1001")
        tiles = tile_ids(app)
        assert {"tile-about-site", "tile-beta-board"} <= tiles and "tile-alpha-board" not in tiles
        # alpha was never imported, so none of its code ran; beta started once.
        assert not recorded.imported("alpha") and recorded.of("alpha") == []
        assert recorded.of("beta") == ["import", "migrations", "startup"]
        assert "alpha" not in runtime.host.loaded()


@pytest.mark.parametrize(
    ("language", "governs", "column", "yes", "no"),
    [
        ("zh_CN", "的插件由中心服务器设定", "服务器策略", "是", "否"),
        ("en", "are set on the central server", "Server policy", "yes", "no"),
    ],
)
async def test_the_plugins_screen_says_the_server_decides_and_refuses_a_toggle(
    server: Any, tmp_path: Path, language: str, governs: str, column: str, yes: str, no: str
) -> None:
    runtime = start(enrolled_workstation(server, tmp_path / "ws"))
    set_language(language)  # as `sihao --lang en` does
    site_toml = runtime.paths.site_config.read_bytes()
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(180, 40)) as pilot:
        table = await open_plugins_screen(pilot, "alpha")
        screen = app.screen
        said = str(screen.query_one("#plugin-policy").render())
        assert governs in said and DEMO_SITE in said
        assert f"sihao server plugins enable|disable <name> --site {DEMO_SITE}" in said
        assert screen.has_class("server-policy")
        assert [str(c.label) for c in table.columns.values()][3] == column
        # As the server's policy has it, not as site.toml does.
        assert row_of(table, "alpha")[3] == no and row_of(table, "beta")[3] == yes
        await pilot.press("space")  # alpha: refused, with the command that does it
        await pilot.pause()
        command = f"sihao server plugins enable alpha --site {DEMO_SITE}"
        assert command in str(screen.query_one("#plugin-message").render())
        assert any(command in n and governs in n for n in notifications(app))
        assert "alpha" not in runtime.host.loaded() and not recorded.imported("alpha")
        names = [table.get_row_at(i)[0] for i in range(table.row_count)]
        table.move_cursor(row=names.index("beta"))
        await pilot.press("space")
        await pilot.pause()
        assert any(
            f"sihao server plugins disable beta --site {DEMO_SITE}" in n for n in notifications(app)
        )
        assert "beta" in runtime.host.loaded() and row_of(table, "beta")[3] == yes
    assert runtime.paths.site_config.read_bytes() == site_toml  # nothing written


async def test_editing_site_config_at_a_site_with_a_server_says_it_does_not_count(
    server: Any, tmp_path: Path
) -> None:
    runtime = start(enrolled_workstation(server, tmp_path / "ws"))
    app = SihaoApp(runtime, watch=True)
    async with app.run_test(size=(140, 40)) as pilot:
        assert await wait_for(pilot, lambda: app._watcher is not None)
        path = runtime.paths.site_config
        path.write_text(path.read_text(encoding="utf-8").replace('"about",', ""), encoding="utf-8")
        assert await wait_for(
            pilot,
            lambda: any("site.toml 中的插件列表在本工作站不生效" in n for n in notifications(app)),
        )
        assert "about" not in load_site_config(path).enabled_plugins
        assert "about" in runtime.host.loaded()


async def test_a_plugin_the_server_switches_on_while_running_is_started_once(
    server: Any, tmp_path: Path
) -> None:
    runtime = start(enrolled_workstation(server, tmp_path / "ws"))
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "1001")
        assert "tile-alpha-board" not in tile_ids(app)
        admin.set_policy(DEMO_SITE, enable=["alpha"])
        assert service.retry_now(runtime)  # "Sync now": the worker pulls the new policy
        assert await wait_for(pilot, lambda: "startup" in recorded.of("alpha"), timeout=15)
        assert await wait_for(pilot, lambda: "tile-alpha-board" in tile_ids(app))
        pulled_at = engine.status().last_pull_at
        assert service.retry_now(runtime)  # another round: nothing starts twice
        assert await wait_for(pilot, lambda: engine.status().last_pull_at != pulled_at)
        await pilot.pause(0.3)
        assert recorded.of("alpha") == ["import", "migrations", "startup"]
        assert recorded.of("beta") == ["import", "migrations", "startup"]
