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

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

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
from workstation.cli import main
from workstation.screens.admin_pin import AdminPinScreen


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
    ("language", "governs", "column", "yes", "no", "switched", "refused"),
    [
        (
            "zh_CN",
            "的插件由中心服务器设定",
            "服务器策略",
            "是",
            "否",
            "已在中心服务器",
            "服务器拒绝",
        ),
        (
            "en",
            "are set on the central server",
            "Server policy",
            "yes",
            "no",
            "on the central server",
            "The server refused",
        ),
    ],
)
async def test_the_plugins_screen_switches_a_plugin_on_the_server_for_this_site(
    server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    governs: str,
    column: str,
    yes: str,
    no: str,
    switched: str,
    refused: str,
) -> None:
    runtime = start(enrolled_workstation(server, tmp_path / "ws"))
    set_language(language)  # as `sihao --lang en` does
    site_toml = runtime.paths.site_config.read_bytes()
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(180, 40)) as pilot:
        table = await open_plugins_screen(pilot, "queue_board")
        screen = app.screen
        said = str(screen.query_one("#plugin-policy").render())
        assert governs in said and DEMO_SITE in said
        assert screen.has_class("server-policy")
        assert [str(c.label) for c in table.columns.values()][3] == column
        # As the server's policy has it, not as site.toml does.
        assert row_of(table, "alpha")[3] == no and row_of(table, "beta")[3] == yes
        on_before = "queue_board" in admin.get_policy(DEMO_SITE)["enabled_plugins"]
        await pilot.press("space")  # asks for IT's own PIN, which the server checks
        await pilot.pause()
        assert isinstance(app.screen, AdminPinScreen)
        await pilot.press(*"123456", "enter")
        message = screen.query_one("#plugin-message")
        assert await wait_for(pilot, lambda: switched in str(message.render()), timeout=10)
        assert ("queue_board" in admin.get_policy(DEMO_SITE)["enabled_plugins"]) != on_before
        # The workstation follows by pull.
        assert await wait_for(
            pilot,
            lambda: (
                ("queue_board" in runtime.host.loaded()) != on_before
                or service.retry_now(runtime)
                and False
            ),
            timeout=15,
        )
        # A wrong PIN is refused by the server and forgotten; nothing changes.
        app.admin_pin = "000000"
        policy = admin.get_policy(DEMO_SITE)["enabled_plugins"]
        await pilot.press("space")
        assert await wait_for(pilot, lambda: refused in str(message.render()), timeout=10)
        assert admin.get_policy(DEMO_SITE)["enabled_plugins"] == policy
        assert app.admin_pin is None
        # Offline: nothing pretended; the command shown works as printed.
        monkeypatch.setenv("SIHAO_SERVER_DATABASE", server.database_url)
        from core.sync.models import SyncState

        SyncState.update(server_url="http://127.0.0.1:9").execute()
        app.admin_pin = "123456"
        names = [table.get_row_at(i)[0] for i in range(table.row_count)]
        table.move_cursor(row=names.index("about"))
        await pilot.press("space")
        assert await wait_for(
            pilot, lambda: "sihao server plugins" in str(message.render()), timeout=10
        )
        text = str(message.render())
        command = text[text.index("sihao server plugins") :].split("\n")[0]
        assert f"--database {server.database_url}" in command
        assert "about" in admin.get_policy(DEMO_SITE)["enabled_plugins"]
    monkeypatch.delenv("SIHAO_SERVER_DATABASE")
    result = CliRunner().invoke(main, shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    assert "about" not in admin.get_policy(DEMO_SITE)["enabled_plugins"]
    admin.set_policy(DEMO_SITE, enable=["about"], disable=["queue_board"])
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


def test_sihao_plugins_at_a_site_with_a_server_switches_it_there_as_the_named_it_admin(
    server: Any, tmp_path: Path
) -> None:
    """`sihao plugins enable|disable` makes the same authenticated admin call as the
    Plugins screen: the IT administrator named by --as, their PIN checked by the
    server; a clerk or a wrong PIN is refused there, and nothing is written here."""
    paths = enrolled_workstation(server, tmp_path / "ws")
    site_toml = paths.site_config.read_bytes()

    def sihao(*args: str, pin: str | None = None) -> Any:
        return CliRunner().invoke(
            main, ["--data-dir", str(paths.data_dir), *args], input=f"{pin}\n" if pin else None
        )

    def on() -> bool:
        return "about" in admin.get_policy(DEMO_SITE)["enabled_plugins"]

    assert on()
    listing = sihao("plugins", "list")
    assert listing.exit_code == 0 and "sihao plugins enable|disable" in listing.output
    assert "--as" in listing.output and "中心服务器" in listing.output
    bare = sihao("plugins", "disable", "about")
    assert bare.exit_code == 2 and "--as" in bare.output and DEMO_SITE in bare.output
    for who, pin in (("1001", "123456"), ("9001", "000000")):  # a clerk; a wrong PIN
        refused = sihao("plugins", "disable", "about", "--as", who, pin=pin)
        assert refused.exit_code == 2, refused.output
        assert "服务器拒绝" in refused.output
        assert on()
    switched = sihao("plugins", "disable", "about", "--as", "9001", pin="123456")
    assert switched.exit_code == 0, switched.output
    assert "已在中心服务器为站点 370303-ZWFW 停用插件 about" in switched.output
    assert not on()
    # The workstation follows at its next sync.
    assert sihao("sync").exit_code == 0
    assert "about" not in (engine.cached_policy() or {}).get("enabled_plugins", ["about"])
    back = sihao("plugins", "enable", "about", "--as", "9001", pin="123456")
    assert back.exit_code == 0, back.output
    assert on()
    assert paths.site_config.read_bytes() == site_toml  # nothing written here
