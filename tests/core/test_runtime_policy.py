"""Which policy is in force at a workstation, and when plugins are started.

The server's policy is cached in the store the way a pull stores it
(tests/sync_support/policy.py); the plugins are the recording ones
(tests/sync_support/recorded), imported by the host by module name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import load_site_config, resolve_paths, save_site_config
from core.plugins import PluginHost, discover
from core.runtime import Runtime, ServerPolicyInForce
from tests.conftest import make_runtime
from tests.sync_support import recorded
from tests.sync_support.policy import cache_server_policy

SITE = "370303-ZWFW"
SERVER = "http://127.0.0.1:8765"


@pytest.fixture(autouse=True)
def fresh_recorded_plugins() -> Iterator[None]:
    recorded.reset()
    yield
    recorded.reset()


def _host() -> PluginHost:
    return PluginHost(discover(recorded.builtins(), entry_points=False))


def _enrolled_store(data_dir: Path, *, site_toml: list[str], server: list[str]) -> None:
    """A store with a cached server policy ``server`` and a site.toml enabling ``site_toml``,
    naming the server as enrollment does."""
    runtime = make_runtime(data_dir, plugins=site_toml, host=_host())
    cache_server_policy(runtime, SITE, server, {"about": {"greeting": "服务器的"}})
    runtime.config.server_url = SERVER
    save_site_config(runtime.paths.site_config, runtime.config)
    runtime.shutdown()


def test_a_cached_server_policy_decides_before_any_plugin_loads(data_dir: Path) -> None:
    _enrolled_store(data_dir, site_toml=["about", "alpha"], server=["about", "beta"])
    runtime = Runtime.open(resolve_paths(data_dir), host=_host())
    try:
        assert runtime.server_policy_in_force
        assert runtime.enabled_plugins() == ["about", "beta", "sync"]  # sync always on
        assert runtime.settings("about")["greeting"] == "服务器的"
        runtime.apply_policy()
        assert runtime.host.loaded() == ["about", "beta", "sync"]
        assert not recorded.imported("alpha") and recorded.of("alpha") == []
        assert recorded.of("beta") == ["import", "migrations"]  # started with the others
        runtime.startup()
        assert recorded.of("beta") == ["import", "migrations", "startup"]
    finally:
        runtime.shutdown()


def test_a_local_change_is_refused_while_the_server_decides(data_dir: Path) -> None:
    _enrolled_store(data_dir, site_toml=["about", "alpha"], server=["about"])
    runtime = Runtime.open(resolve_paths(data_dir), host=_host())
    try:
        runtime.apply_policy()
        before = runtime.paths.site_config.read_bytes()
        with pytest.raises(ServerPolicyInForce) as refused:
            runtime.set_plugin_enabled("beta", True)
        assert (refused.value.site_code, refused.value.plugin, refused.value.enabled) == (
            SITE,
            "beta",
            True,
        )
        assert runtime.paths.site_config.read_bytes() == before
        assert "beta" not in runtime.host.loaded()
    finally:
        runtime.shutdown()


def test_a_site_config_without_a_server_keeps_its_own_policy(data_dir: Path) -> None:
    _enrolled_store(data_dir, site_toml=["about", "alpha"], server=["about", "beta"])
    paths = resolve_paths(data_dir)
    config = load_site_config(paths.site_config)
    config.server_url = ""  # IT takes the server out: the site runs on its own
    save_site_config(paths.site_config, config)
    runtime = Runtime.open(paths, host=_host())
    try:
        assert not runtime.server_policy_in_force
        runtime.apply_policy()
        assert runtime.host.loaded() == ["about", "alpha"]
        # Naming the server again, live, puts its cached policy back in force.
        config.server_url = SERVER
        save_site_config(paths.site_config, config)
        runtime.reload_config()
        assert runtime.server_policy_in_force
        assert runtime.host.loaded() == ["about", "beta", "sync"]
    finally:
        runtime.shutdown()


def test_plugins_loaded_after_start_are_started_once_after_all_are_migrated(
    data_dir: Path,
) -> None:
    runtime = make_runtime(data_dir, plugins=["about"], host=_host())
    try:
        runtime.apply_policy()
        runtime.startup()
        runtime.config.enabled_plugins = ["about", "alpha", "beta"]
        save_site_config(runtime.paths.site_config, runtime.config)
        runtime.reload_config()
        assert recorded.calls == [
            ("alpha", "import"),
            ("beta", "import"),
            ("alpha", "migrations"),
            ("beta", "migrations"),
            ("alpha", "startup"),
            ("beta", "startup"),
        ]
        runtime.reload_config()  # nothing new: nobody started twice
        runtime.host.fail("beta", RuntimeError("disk full"))  # stopped as it is taken out
        runtime.host.retry("beta")  # a retry is a new load: started again, once
        assert recorded.of("beta") == [
            *("import", "migrations", "startup", "shutdown", "migrations", "startup")
        ]
        assert recorded.of("alpha") == ["import", "migrations", "startup"]
    finally:
        runtime.shutdown()


def test_a_plugin_switched_off_while_running_is_stopped_before_it_goes(data_dir: Path) -> None:
    runtime = make_runtime(data_dir, plugins=["about", "alpha", "beta"], host=_host())
    try:
        runtime.apply_policy()
        runtime.set_plugin_enabled("alpha", False)  # not started yet: nothing to stop
        assert recorded.of("alpha") == ["import", "migrations"]
        runtime.set_plugin_enabled("alpha", True)
        runtime.startup()
        recorded.calls.clear()

        runtime.set_plugin_enabled("beta", False)
        assert recorded.calls == [("beta", "shutdown")]
        assert "beta" not in runtime.host.loaded()
        runtime.set_plugin_enabled("beta", True)  # back on: started again
        assert recorded.calls == [("beta", "shutdown"), ("beta", "migrations"), ("beta", "startup")]

        # A plugin that fails to stop is still taken out, with its error kept; the
        # others are not disturbed.
        recorded.calls.clear()
        recorded.failing_shutdown.add("alpha")
        runtime.set_plugin_enabled("alpha", False)
        assert recorded.calls == [("alpha", "shutdown")]
        assert runtime.host.loaded() == ["about", "beta"]
        assert runtime.host.plugins["alpha"].error == ""  # switched off on purpose
    finally:
        recorded.failing_shutdown.clear()
        runtime.shutdown()
    assert recorded.of("beta")[-1] == "shutdown"
    assert recorded.of("alpha") == ["shutdown"]  # not stopped twice
