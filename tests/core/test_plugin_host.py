from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from core.plugins import BUILTIN, ENTRY_POINT, PluginHost, allowlist_from_env, discover, hookimpl
from core.registry import ScreenRegistry
from core.roles import Role


def test_discovery_lists_builtins_and_entry_points_without_importing() -> None:
    for module in [m for m in sys.modules if m.startswith("sihao_testplugin")]:
        del sys.modules[module]
    found = discover()
    assert found["about"].source == BUILTIN
    assert found["queue_board"].source == ENTRY_POINT
    assert found["queue_board"].version == "1.2.3"
    assert "sihao_testplugin.plugin" not in sys.modules


def test_entry_point_plugin_loads_and_contributes(data_dir: Path) -> None:
    host = PluginHost()
    events = host.apply(["about", "queue_board"])
    assert {e.plugin for e in events if e.kind == "loaded"} == {"about", "queue_board"}
    registry = ScreenRegistry()
    host.call(
        "sihao_screens",
        before=lambda name: setattr(registry, "current_plugin", name),
        registry=registry,
    )
    board = registry.get("queue_board.board")
    assert board is not None and board.plugin == "queue_board"
    assert [s.id for s in registry.for_role(Role.IT_ADMIN)] == ["about.site"]


def test_plugin_failing_to_import_is_switched_off_with_its_error() -> None:
    plugins = discover(
        {"about": "plugins.about.plugin", "ghost": "plugins.does_not_exist.plugin"},
        entry_points=False,
    )
    host = PluginHost(plugins)
    seen = []
    host.subscribe(seen.append)
    host.apply(["about", "ghost"])
    assert host.loaded() == ["about"]
    assert "ModuleNotFoundError" in host.plugins["ghost"].error
    assert [(e.plugin, e.kind) for e in seen] == [("about", "loaded"), ("ghost", "failed")]


def test_plugin_raising_in_a_hook_is_switched_off_and_others_answer() -> None:
    class Broken:
        @hookimpl
        def sihao_settings(self) -> dict[str, object]:
            raise RuntimeError("settings file missing")

    host = PluginHost(discover({"about": "plugins.about.plugin"}, entry_points=False))
    host.apply(["about"])
    host.register_object("broken", Broken())
    events = []
    host.subscribe(events.append)
    results = host.call("sihao_settings")
    assert [name for name, _ in results] == ["about"]
    assert host.plugins["broken"].error == "RuntimeError: settings file missing"
    assert not host.plugins["broken"].loaded
    assert events[0].plugin == "broken" and events[0].kind == "failed"


def test_disable_unregisters(data_dir: Path) -> None:
    host = PluginHost(discover({"about": "plugins.about.plugin"}, entry_points=False))
    host.apply(["about"])
    assert host.call("sihao_settings")
    host.apply([])
    assert host.call("sihao_settings") == []
    assert not host.plugins["about"].enabled


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), ("", set()), ("about, lookup", {"about", "lookup"})]
)
def test_allowlist_env(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: set[str] | None
) -> None:
    if value is None:
        monkeypatch.delenv("SIHAO_PLUGINS", raising=False)
    else:
        monkeypatch.setenv("SIHAO_PLUGINS", value)
    assert allowlist_from_env() == expected


def test_allowlist_limits_what_loads() -> None:
    host = PluginHost(discover({"about": "plugins.about.plugin"}), allowlist=set())
    host.apply(["about", "queue_board"])
    assert host.loaded() == []


def test_module_registered_by_name_is_a_real_module() -> None:
    fake = types.ModuleType("fake_plugin")
    host = PluginHost(discover({}, entry_points=False))
    host.register_object("fake", fake)
    assert host.module_of("fake") is fake
