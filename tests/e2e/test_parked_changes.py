"""Pulled changes of a plugin that is not on yet are kept and applied once it is.

A real server on loopback; a workstation that has the ``e2elater`` plugin installed
but not switched on (tests/sync_support/later_plugin.py). The last tests switch it
on at the workstation itself, driving the real app with Pilot: IT's Plugins screen
and a site.toml edited by hand (a site without a server, whose local config decides),
and the Plugins screen's retry of a plugin that failed (under the server's policy).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import load_site_config, resolve_paths, save_site_config
from core.plugins import BUILTIN_PLUGINS, PluginHost, discover
from core.runtime import Runtime
from core.sync import engine
from core.sync.engine import Syncer
from core.sync.models import ParkedChange
from plugins.sync import service
from server import admin, changes
from server import db as server_db
from tests.sync_support import later_plugin
from tests.sync_support.later_plugin import KIND, NAME
from tests.sync_support.world import DEMO_SITE, enroll, workstation
from tests.workstation.helpers import open_plugins_screen, wait_for
from workstation.app import SihaoApp


def _emit(entity_id: str, data: Any, op: str = "upsert", site: str = DEMO_SITE) -> None:
    with server_db.transaction():
        changes.emit(changes.site_scope(site), KIND, entity_id, op, data)


def _workstation(data_dir: Path) -> Runtime:
    runtime = workstation(data_dir)
    runtime.host.register_object(NAME, later_plugin)
    runtime.apply_policy()  # not in the site's policy: installed, but off
    assert NAME not in runtime.host.loaded()
    return runtime


def _mine(prefix: str) -> tuple[dict[str, Any], list[tuple[str, str]], set[tuple[str, str]]]:
    """What this test's entities (ids starting with ``prefix``) did: the server is shared
    by the module, so a fresh workstation also pulls the earlier tests' changes."""
    pulled = {k: v for k, v in later_plugin.pulled.items() if k.startswith(prefix)}
    seen = [(op, i) for op, i in later_plugin.seen if i.startswith(prefix)]
    parked = {(p.entity_id, p.op) for p in ParkedChange.select() if p.entity_id.startswith(prefix)}
    return pulled, seen, parked


@pytest.fixture(autouse=True)
def later_is_off() -> Iterator[None]:
    later_plugin.reset()
    admin.set_policy(DEMO_SITE, disable=[NAME])
    yield
    admin.set_policy(DEMO_SITE, disable=[NAME])
    later_plugin.reset()


def test_a_page_that_switches_a_plugin_on_also_applies_its_changes(
    server: Any, tmp_path: Path
) -> None:
    runtime = _workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        # The policy and the plugin's changes come in one page.
        admin.set_policy(DEMO_SITE, enable=[NAME])
        _emit("c1", {"text": "第一版"})
        _emit("c2", {"text": "转来"})
        _emit("c1", {"text": "第二版"})
        _pushed, pulled = syncer.sync_once()
        assert pulled.pages == 1 and pulled.policy_changed
        assert NAME in runtime.host.loaded()
        # Applied after this one pull, the newest version of each, in the server's order.
        assert later_plugin.pulled == {"c1": {"text": "第二版"}, "c2": {"text": "转来"}}
        assert later_plugin.seen == [("upsert", "c2"), ("upsert", "c1")]
        assert ParkedChange.select().count() == 0
        # Once on, the plugin's changes go straight to it.
        _emit("c2", None, op="delete")
        syncer.sync_once()
        assert later_plugin.pulled == {"c1": {"text": "第二版"}}
        assert ParkedChange.select().count() == 0
        syncer.close()
    finally:
        runtime.shutdown()


def test_changes_for_a_plugin_enabled_later_wait_and_then_apply(
    server: Any, tmp_path: Path
) -> None:
    runtime = _workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime, on_policy=lambda: service.apply_policy(runtime))
        _emit("w1", {"text": "等着"})
        _emit("w2", {"text": "会被删掉"})
        _emit("w2", None, op="delete")
        _pushed, pulled = syncer.sync_once()
        assert KIND in pulled.unhandled
        assert later_plugin.seen == []
        assert _mine("w")[2] == {("w1", "upsert"), ("w2", "delete")}
        assert {p.kind for p in ParkedChange.select()} == {KIND}
        cursor = engine.status().cursor
        # Nothing new is pulled again: the cursor moved on, the changes were kept.
        syncer.sync_once()
        assert engine.status().cursor == cursor
        assert _mine("w")[2] == {("w1", "upsert"), ("w2", "delete")}

        admin.set_policy(DEMO_SITE, enable=[NAME])
        _pushed, pulled = syncer.sync_once()
        assert pulled.changes == 1 and pulled.policy_changed
        assert _mine("w")[:2] == ({"w1": {"text": "等着"}}, [("upsert", "w1"), ("delete", "w2")])
        assert ParkedChange.select().count() == 0
        syncer.close()
    finally:
        runtime.shutdown()


def test_parked_changes_apply_at_startup_after_a_crash_before_the_policy_took_effect(
    server: Any, tmp_path: Path
) -> None:
    runtime = _workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        admin.set_policy(DEMO_SITE, enable=[NAME])
        _emit("r1", {"text": "重启后"})
        # The page is stored, but the workstation stops before it puts the policy in force.
        syncer = Syncer(runtime, on_policy=lambda: None)
        syncer.sync_once()
        syncer.close()
        assert NAME not in runtime.host.loaded()
        assert _mine("r")[2] == {("r1", "upsert")}
    finally:
        runtime.shutdown()
    # It starts again as `sihao run` does: the cached policy is in force before any
    # plugin loads, so the plugin loads with it and gets its changes as it loads.
    plugins = discover({**BUILTIN_PLUGINS, NAME: later_plugin.__name__}, entry_points=False)
    runtime = Runtime.open(resolve_paths(tmp_path / "ws"), host=PluginHost(plugins))
    try:
        runtime.apply_policy()
        assert NAME in runtime.host.loaded()
        assert _mine("r")[0] == {"r1": {"text": "重启后"}}
        assert ParkedChange.select().count() == 0
    finally:
        runtime.shutdown()


def test_enrolling_with_another_site_drops_the_old_sites_parked_changes(
    server: Any, tmp_path: Path
) -> None:
    runtime = _workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        _emit("o1", {"text": "旧站点的"})
        syncer = Syncer(runtime)
        syncer.sync_once()
        assert _mine("o")[2] == {("o1", "upsert")}
        enroll(runtime, server)  # the same site again: kept
        assert _mine("o")[2] == {("o1", "upsert")}
        other = "370303-PARK-TEST"
        admin.add_site(other, "另一个站点", "town", region_code="370303")
        enroll(runtime, server, site=other)
        assert ParkedChange.select().count() == 0
        syncer.close()
    finally:
        runtime.shutdown()


def _parked_then_run_alone(server: Any, data_dir: Path, prefix: str) -> Runtime:
    """A workstation of the demo site pulls three changes (two of one entity) of the
    ``e2elater`` plugin while the server's policy has it off: they are parked. Then IT
    takes the server out of its site.toml (the site runs on its own for now) and it
    starts again: its local config decides which plugins are on."""
    runtime = _workstation(data_dir)
    try:
        enroll(runtime, server)
        _emit(f"{prefix}1", {"text": "第一版"})
        _emit(f"{prefix}2", {"text": "转来"})
        _emit(f"{prefix}1", {"text": "第二版"})
        syncer = Syncer(runtime)
        _pushed, pulled = syncer.sync_once()
        syncer.close()
        assert KIND in pulled.unhandled
        assert _mine(prefix)[2] == {(f"{prefix}1", "upsert"), (f"{prefix}2", "upsert")}
    finally:
        runtime.shutdown()
    paths = resolve_paths(data_dir)
    config = load_site_config(paths.site_config)
    config.server_url = ""
    config.enabled_plugins = ["about"]
    save_site_config(paths.site_config, config)
    runtime = Runtime.open(paths)
    assert not runtime.server_policy_in_force
    runtime.host.register_object(NAME, later_plugin)
    runtime.apply_policy()
    assert runtime.host.loaded() == ["about"]
    assert later_plugin.seen == [] and _mine(prefix)[2]
    return runtime


def _applied_once_in_order(prefix: str) -> None:
    pulled, seen, parked = _mine(prefix)
    assert pulled == {f"{prefix}1": {"text": "第二版"}, f"{prefix}2": {"text": "转来"}}
    assert seen == [("upsert", f"{prefix}2"), ("upsert", f"{prefix}1")]  # the server's order
    assert parked == set() and ParkedChange.select().count() == 0


async def test_a_plugin_it_enables_on_the_plugins_screen_gets_its_parked_changes_at_once(
    server: Any, tmp_path: Path
) -> None:
    runtime = _parked_then_run_alone(server, tmp_path / "ws", "s")
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_plugins_screen(pilot, NAME)
        await pilot.press("space")
        await pilot.pause()
        assert NAME in runtime.host.loaded()
        assert NAME in load_site_config(runtime.paths.site_config).enabled_plugins
        _applied_once_in_order("s")
        # Off and on again: nothing is left to apply a second time.
        await pilot.press("space")
        await pilot.pause()
        assert NAME not in runtime.host.loaded()
        await pilot.press("space")
        await pilot.pause()
        assert NAME in runtime.host.loaded()
        _applied_once_in_order("s")


async def test_a_plugin_enabled_by_editing_site_config_gets_its_parked_changes_at_once(
    server: Any, tmp_path: Path
) -> None:
    runtime = _parked_then_run_alone(server, tmp_path / "ws", "t")
    app = SihaoApp(runtime, watch=True)
    async with app.run_test(size=(140, 40)) as pilot:
        assert await wait_for(pilot, lambda: app._watcher is not None)
        path = runtime.paths.site_config
        text = path.read_text(encoding="utf-8")
        assert f'"{NAME}"' not in text
        path.write_text(text.replace('"about",', f'"about",\n    "{NAME}",'), encoding="utf-8")
        assert await wait_for(pilot, lambda: NAME in runtime.host.loaded())
        _applied_once_in_order("t")


async def test_a_plugin_retried_on_the_plugins_screen_gets_the_changes_it_failed_on_at_once(
    server: Any, tmp_path: Path
) -> None:
    runtime = _workstation(tmp_path / "ws")
    enroll(runtime, server)
    admin.set_policy(DEMO_SITE, enable=[NAME])
    _emit("f1", {"text": "第一版"})
    _emit("f2", {"text": "转来"})
    _emit("f1", {"text": "第二版"})
    later_plugin.broken = True
    syncer = Syncer(runtime, on_policy=lambda: service.apply_policy(runtime))
    syncer.sync_once()
    syncer.close()
    # The policy switched the plugin on, it raised on its first change and was switched
    # off again: its changes wait.
    assert NAME not in runtime.host.loaded() and runtime.host.plugins[NAME].error
    assert _mine("f")[2] == {("f1", "upsert"), ("f2", "upsert")}
    later_plugin.broken = False  # what made it fail is fixed
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_plugins_screen(pilot, NAME)
        await pilot.press("r")
        await pilot.pause()
        assert NAME in runtime.host.loaded()
        pulled, seen, parked = _mine("f")
        assert pulled == {"f1": {"text": "第二版"}, "f2": {"text": "转来"}}
        assert seen == [("upsert", "f2"), ("upsert", "f1")]
        assert parked == set()
