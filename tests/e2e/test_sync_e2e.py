"""Enroll, pull the catalog and the policy, push records: each on the server exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core import credentials
from core.catalog import store
from core.models import Site, Staff
from core.outbox import Outbox, OutboxState
from core.sync import engine
from core.sync.client import Unauthorized, UpgradeRequired
from core.sync.engine import Syncer
from core.sync.models import Blocked
from plugins.sync import service
from server import admin
from tests.sync_support.data import ROOT, demo_catalog
from tests.sync_support.world import (
    DEMO_SITE,
    NOTE,
    PLUGIN,
    enroll,
    pending,
    server_notes,
    workstation,
    write_notes,
)


def test_enroll_pull_and_push_exactly_once(server: Any, tmp_path: Path) -> None:
    runtime = workstation(tmp_path / "ws")
    try:
        assert service.status_text(runtime) == "未注册"
        enroll(runtime, server)
        state = engine.status()
        assert state.enrolled and state.site_code == DEMO_SITE
        assert runtime.config.site_code == DEMO_SITE and runtime.config.server_url == server.url
        assert credentials.get_token(runtime.paths.data_dir)

        syncer = Syncer(runtime)
        pushed, pulled = syncer.sync_once()
        # Catalog, site, staff and policy came down.
        assert store.count_items() == len(demo_catalog()["items"])
        # The catalog's words (synonyms, fillers) travel with it: the lookup reads by them.
        assert store.words() == sorted(demo_catalog()["words"], key=lambda w: w["code"])
        # The glossary travels with the catalog: printed guides read their words from it.
        assert store.glossary() == {g["code"]: g["plain"] for g in demo_catalog()["glossary"]}
        assert Site.get_by_id(DEMO_SITE).name
        assert Staff.select().where(Staff.site == DEMO_SITE).count() > 0
        assert pulled.policy_changed
        assert PLUGIN in runtime.enabled_plugins() and "sync" in runtime.enabled_plugins()

        ids = write_notes(1234)
        assert service.status_text(runtime).startswith("1234 条待上传")
        pushed, _pulled = syncer.sync_once()
        assert pushed.sent == 1234 and pushed.applied == 1234 and pushed.requests == 3
        stored = server_notes(state.workstation_id)
        assert sorted(e for e, _m, _n in stored) == sorted(ids)
        assert len({m for _e, m, _n in stored}) == 1234
        assert pending() == 0
        assert Outbox.select().where(Outbox.acked_at.is_null()).count() == 0
        # Nothing left to send: a second round sends nothing, stores nothing.
        again, _ = syncer.sync_once()
        assert again.sent == 0 and len(server_notes(state.workstation_id)) == 1234
        assert engine.status().last_push_at is not None and not engine.status().last_error
        syncer.close()
    finally:
        runtime.shutdown()


def test_rejected_mutations_stay_visible_and_can_be_sent_again(server: Any, tmp_path: Path) -> None:
    runtime = workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        write_notes(2)
        write_notes(1, kind="e2e.unknown")
        pushed, _ = syncer.sync_once()
        assert (pushed.applied, pushed.rejected) == (2, 1)
        [rejected] = engine.rejected_mutations()
        assert rejected.kind == "e2e.unknown" and "e2e.unknown" in rejected.last_error
        assert engine.status().rejected == 1
        assert "1 条被拒" in service.status_text(runtime)

        # IT installs the plugin that knows the kind on the server, then re-queues.
        class Later:
            from core.plugins import hookimpl

            @hookimpl
            def sihao_record_kinds(self, registry: Any) -> None:
                from core.records import SafeInt, StrictRecord, text

                note_text = text(200)

                class NotePayload(StrictRecord):  # what write_notes() writes
                    text: note_text  # type: ignore[valid-type]
                    n: SafeInt

                registry.add("e2e.unknown", payload_version=1, schema=NotePayload)

        server.host.register_object("later", Later())
        try:
            assert engine.requeue(rejected.client_seq)
            pushed, _ = syncer.sync_once()
            assert pushed.applied == 1 and engine.status().rejected == 0
        finally:
            server.host.apply([n for n in server.host.loaded() if n != "later"])
        syncer.close()
    finally:
        runtime.shutdown()


def test_revoked_token_is_refused_and_the_outbox_waits_for_re_enrollment(
    server: Any, tmp_path: Path
) -> None:
    runtime = workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        first = engine.status().workstation_id
        syncer = Syncer(runtime)
        syncer.sync_once()
        admin.revoke_workstation(first)
        ids = write_notes(30)
        with pytest.raises(Unauthorized):
            syncer.sync_once()
        assert pending() == 30
        assert engine.status().blocked == Blocked.REVOKED
        assert "吊销" in service.status_text(runtime)
        with pytest.raises(Unauthorized):  # stays stopped without asking the server again
            syncer.push()
        assert server_notes(first) == []

        enroll(runtime, server)  # IT issues a new code
        second = engine.status().workstation_id
        assert second != first and engine.status().blocked == Blocked.NONE
        pushed, _ = syncer.sync_once()
        assert pushed.applied == 30 and pending() == 0
        assert sorted(e for e, _m, _n in server_notes(second)) == sorted(ids)
        syncer.close()
    finally:
        runtime.shutdown()


def test_an_old_client_gets_426_and_keeps_its_outbox(
    server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        ids = write_notes(5)
        # The server was upgraded past this client's schema.
        monkeypatch.setattr("server.app.MIN_SCHEMA", 2)
        with pytest.raises(UpgradeRequired):
            syncer.sync_once()
        assert pending() == 5 and engine.status().blocked == Blocked.UPGRADE
        assert "升级" in service.status_text(runtime)
        monkeypatch.setattr("server.app.MIN_SCHEMA", 0)  # a server that takes it again
        pushed, _ = syncer.sync_once()
        assert pushed.applied == 5 and engine.status().blocked == Blocked.NONE
        assert sorted(e for e, _m, _n in server_notes(engine.status().workstation_id)) == sorted(
            ids
        )
        syncer.close()
    finally:
        runtime.shutdown()


def test_pulled_policy_and_plugin_changes_apply_live(server: Any, tmp_path: Path) -> None:
    runtime = workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        assert "about" in runtime.host.loaded()
        admin.set_policy(DEMO_SITE, disable=["about"], settings={"sync": {"interval_seconds": 7}})
        _pushed, pulled = syncer.sync_once()
        assert pulled.policy_changed
        assert "about" not in runtime.host.loaded() and "sync" in runtime.host.loaded()
        assert runtime.settings("sync")["interval_seconds"] == 7
        admin.set_policy(DEMO_SITE, enable=["about"])
        syncer.sync_once()
        assert "about" in runtime.host.loaded()
        # Records of a plugin kind routed to this site reach the plugin's hook.
        from server import changes

        with __import__("server.db", fromlist=["db"]).transaction():
            changes.emit(
                changes.site_scope(DEMO_SITE), NOTE, "routed-1", "upsert", {"text": "转来"}
            )
        syncer.sync_once()
        plugin = runtime.host.pm.get_plugin(PLUGIN)
        assert plugin.pulled["routed-1"] == {"text": "转来"}
        assert Outbox.select().where(Outbox.state == OutboxState.REJECTED.value).count() == 0
        syncer.close()
    finally:
        runtime.shutdown()


def test_compacted_history_resets_and_the_snapshot_replaces_what_is_gone(
    server: Any, tmp_path: Path
) -> None:
    import json

    from server import changes

    runtime = workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime, page_size=7)  # the snapshot spans many pages
        syncer.sync_once()
        catalog = demo_catalog()
        gone = catalog["items"][-1]["code"]
        assert store.get_item(gone) is not None
        # IT removes an item, and later compacts the history: the tombstone is dropped.
        smaller = dict(catalog, items=catalog["items"][:-1])
        path = tmp_path / "smaller.json"
        path.write_text(json.dumps(smaller, ensure_ascii=False), encoding="utf-8")
        admin.import_catalog(path, replace=True)
        changes.compact()
        _pushed, pulled = syncer.sync_once()
        assert pulled.pages > 1
        assert store.get_item(gone) is None
        assert store.count_items() == len(smaller["items"])
        assert not engine.sync_state().resetting
        # Put the server's catalog back for the other tests of this module.
        admin.import_catalog(ROOT / "data" / "demo" / "catalog.json")
        syncer.close()
    finally:
        runtime.shutdown()


def test_a_workstation_pulls_its_own_site_and_the_city_only(server: Any, tmp_path: Path) -> None:
    from core.models import Window

    admin.add_site("370303-B-TEST", "另一个站点", "town", region_code="370303")
    admin.add_window("370303-B-TEST", "B01", "别的窗口")
    admin.add_staff("7777", "别站人员", "370303-B-TEST", "clerk", pin="123456")
    runtime = workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        Syncer(runtime).sync_once()
        assert Window.select().where(Window.site == "370303-B-TEST").count() == 0
        assert Staff.get_or_none(Staff.staff_no == "7777") is None
        assert Site.get_or_none(Site.code == "370303-B-TEST") is None
        assert store.count_items() > 0  # city-wide data did arrive
    finally:
        runtime.shutdown()


def test_a_holiday_table_from_the_server_decides_deadlines(server: Any, tmp_path: Path) -> None:
    import datetime as dt
    import json

    from core.workdays import Basis

    table = {
        "year": 2027,
        "days": [
            {"date": "2027-01-01", "is_workday": False, "name": "元旦"},
            {"date": "2027-02-06", "is_workday": True, "name": "春节调休"},
        ],
    }
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    runtime = workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        assert runtime.calendar.basis(2027) is Basis.WEEKENDS_ONLY  # chinesecalendar stops at 2026
        admin.import_holidays(path)
        syncer.sync_once()
        assert runtime.calendar.basis(2027) is Basis.TABLE
        assert not runtime.calendar.is_workday(dt.date(2027, 1, 1))
        assert runtime.calendar.is_workday(dt.date(2027, 2, 6))  # a Saturday made a workday
        deadline = runtime.calendar.add_working_days(dt.date(2026, 12, 31), 1)
        assert deadline.due == dt.date(2027, 1, 4) and not deadline.is_estimate
        syncer.close()
    finally:
        runtime.shutdown()
