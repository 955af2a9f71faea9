"""Pulled changes land in the local store, kind by kind, with the cursor in the same transaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.catalog import store
from core.config import save_site_config
from core.models import Site, Staff, Window
from core.outbox import RecordRejected
from core.plugins import hookimpl
from core.runtime import Runtime
from core.sync import engine
from core.sync.engine import Syncer
from core.sync.models import ParkedChange, SyncState
from core.workdays import Basis
from plugins.feedback import reference
from tests.conftest import make_runtime
from tests.sync_support import later_plugin
from tests.sync_support.data import demo_catalog


def _page(
    changes: list[dict[str, Any]], *, nxt: int, more: bool = False, reset: bool = False
) -> dict[str, Any]:
    return {"changes": changes, "next": nxt, "has_more": more, "reset": reset}


def _change(seq: int, kind: str, id: str, data: Any, op: str = "upsert") -> dict[str, Any]:
    return {"seq": seq, "kind": kind, "id": id, "op": op, "data": data}


def test_site_window_staff_holidays_and_policy_apply(runtime: Runtime) -> None:
    syncer = Syncer(runtime)
    changes = [
        _change(
            1,
            "site",
            "370303-ZWFW",
            {
                "code": "370303-ZWFW",
                "name": "张店区政务服务中心（新址）",
                "level": "district",
                "region_code": "370303",
                "parent": "370300-ZWFW",
                "address": "新华路 1 号",
                "phone": "0533-1",
            },
        ),
        _change(
            2,
            "window",
            "370303-ZWFW/Z09",
            {
                "site": "370303-ZWFW",
                "number": "Z09",
                "name": "综合受理",
                "departments": ["市场监管", "税务"],
            },
        ),
        _change(
            3,
            "staff",
            "9001",
            {
                "staff_no": "9001",
                "name": "新同事",
                "site": "370303-ZWFW",
                "window": "Z09",
                "role": "clerk",
                "pin_hash": "scrypt$x",
                "active": True,
            },
        ),
        _change(4, "staff", "1001", None, op="delete"),
        _change(
            5,
            "holiday.year",
            "2027",
            {
                "year": 2027,
                "days": [
                    {"date": "2027-01-01", "is_workday": False, "name": "元旦"},
                    {"date": "2027-01-04", "is_workday": False, "name": "元旦"},
                ],
            },
        ),
        _change(
            6,
            "site.policy",
            "370303-ZWFW",
            {
                "enabled_plugins": ["about"],
                "plugin_settings": {"about": {"show_off_duty_staff": True}},
            },
        ),
    ]
    runtime.calendar.basis(2027)  # cached as weekends-only before the table arrives
    outcome = syncer._apply_page(_page(changes, nxt=6), "370303-ZWFW")
    runtime.calendar.invalidate()
    assert outcome.applied == 6 and not outcome.skipped
    assert Site.get_by_id("370303-ZWFW").name == "张店区政务服务中心（新址）"
    window = Window.get((Window.site == "370303-ZWFW") & (Window.number == "Z09"))
    assert window.departments == "市场监管,税务"
    newcomer = Staff.get_by_id("9001")
    assert newcomer.window_id == window.id and newcomer.active
    assert not Staff.get_by_id("1001").active  # tombstone: made inactive, not deleted
    assert runtime.calendar.basis(2027) is Basis.TABLE
    assert not runtime.calendar.is_workday(__import__("datetime").date(2027, 1, 4))
    assert SyncState.get_by_id(1).cursor == 6
    assert engine.install_cached_policy(runtime)
    assert runtime.enabled_plugins() == ["about", "sync"]  # sync always stays on
    assert runtime.settings("about")["show_off_duty_staff"] is True


def test_catalog_changes_and_a_bad_change_does_not_lose_the_page(runtime: Runtime) -> None:
    doc = demo_catalog()
    item = doc["items"][0]
    department = next(d for d in doc["departments"] if d["code"] == item["department"])
    changes = [
        _change(10, "catalog.department", department["code"], department),
        _change(11, "catalog.item", item["code"], item),
        _change(12, "catalog.item", "BROKEN", {"code": "BROKEN"}),  # no name: invalid
        _change(
            13,
            "site",
            "370303-ZWFW",
            {"code": "370303-ZWFW", "name": "改名后", "level": "district", "region_code": "370303"},
        ),
    ]
    outcome = Syncer(runtime)._apply_page(_page(changes, nxt=13), "370303-ZWFW")
    assert [s[1] for s in outcome.skipped] == ["BROKEN"]
    assert store.get_item(item["code"])["name"] == item["name"]
    assert Site.get_by_id("370303-ZWFW").name == "改名后"
    assert SyncState.get_by_id(1).cursor == 13
    Syncer(runtime)._apply_page(
        _page([_change(14, "catalog.item", item["code"], None, op="delete")], nxt=14), "370303-ZWFW"
    )
    assert store.get_item(item["code"]) is None


class _CasePlugin:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str, Any]] = []

    @hookimpl
    def sihao_apply_change(self, kind: str, id: str, op: str, data: Any) -> bool | None:
        if kind != "test.case":
            return None
        self.seen.append((kind, id, op, data))
        return True


def test_plugin_kinds_go_to_the_hook_and_unknown_kinds_are_parked(runtime: Runtime) -> None:
    plugin = _CasePlugin()
    runtime.host.register_object("testcases", plugin)
    changes = [
        _change(1, "test.case", "c1", {"title": "转办"}),
        _change(2, "nobody.knows", "x", {"a": 1}),
    ]
    outcome = Syncer(runtime)._apply_page(_page(changes, nxt=2), "370303-ZWFW")
    assert plugin.seen == [("test.case", "c1", "upsert", {"title": "转办"})]
    assert outcome.unhandled == {"nobody.knows"}
    assert SyncState.get_by_id(1).cursor == 2
    [parked] = ParkedChange.select()
    assert (parked.kind, parked.entity_id, parked.op) == ("nobody.knows", "x", "upsert")
    assert json.loads(parked.data) == {"a": 1}


def test_a_parked_change_a_plugin_raises_on_is_kept_and_the_others_apply(
    runtime: Runtime,
) -> None:
    changes = [
        _change(1, "test.case", "bad", {"title": "坏的"}),
        _change(2, "test.case", "c1", {"title": "转办"}),
    ]
    Syncer(runtime)._apply_page(_page(changes, nxt=2), "370303-ZWFW")
    assert ParkedChange.select().count() == 2

    class Picky:
        def __init__(self) -> None:
            self.seen: list[str] = []
            self.broken = True

        @hookimpl
        def sihao_apply_change(self, kind: str, id: str, op: str, data: Any) -> bool | None:
            if self.broken:
                raise ValueError("cannot")
            self.seen.append(id)
            return True

    picky = Picky()
    runtime.host.register_object("picky", picky)
    outcome = engine.apply_parked(runtime)
    # The host switches off a plugin whose hook raises: both changes wait for it.
    assert "picky" not in runtime.host.loaded() and picky.seen == []
    assert (outcome.applied, outcome.waiting) == (0, 2)
    assert [p.entity_id for p in ParkedChange.select().order_by(ParkedChange.seq)] == ["bad", "c1"]
    picky.broken = False  # fixed and loaded again: everything comes, in order
    runtime.host.register_object("picky", picky)
    assert engine.apply_parked(runtime).applied == 2
    assert picky.seen == ["bad", "c1"] and ParkedChange.select().count() == 0


def test_plugins_switched_on_together_each_get_their_parked_changes_once_migrated(
    data_dir: Path,
) -> None:
    runtime = make_runtime(data_dir, plugins=["about"])
    runtime.host.register_object(later_plugin.NAME, later_plugin)
    runtime.apply_policy()
    later_plugin.reset()
    tags = json.loads(json.dumps(reference.shipped(reference.TAGS)))
    tags["version"] = "2027.1"
    changes = [
        _change(1, "feedback.reference", "tags:2027.1", {"kind": "tags", "data": tags}),
        _change(2, later_plugin.KIND, "x1", {"text": "转来"}),
    ]
    try:
        Syncer(runtime)._apply_page(_page(changes, nxt=2), "370303-ZWFW")
        assert ParkedChange.select().count() == 2
        # site.toml edited by hand, live: both on in one go. Each plugin gets its changes
        # once its own tables are there (feedback's reference sets need its migrations).
        runtime.config.enabled_plugins = ["about", later_plugin.NAME, "feedback"]
        save_site_config(runtime.paths.site_config, runtime.config)
        events = runtime.reload_config()
        assert sorted((e.plugin, e.kind) for e in events) == [
            ("e2elater", "loaded"),
            ("feedback", "loaded"),
        ]
        assert runtime.host.loaded() == ["about", "e2elater", "feedback"]
        assert reference.current(reference.TAGS)["version"] == "2027.1"
        assert later_plugin.seen == [("upsert", "x1")]
        assert ParkedChange.select().count() == 0
    finally:
        later_plugin.reset()
        runtime.shutdown()


def test_reset_snapshot_replaces_what_it_does_not_mention(runtime: Runtime) -> None:
    doc = demo_catalog()
    departments = {d["code"]: d for d in doc["departments"]}
    items = doc["items"][:3]
    syncer = Syncer(runtime)
    first = [
        _change(i + 1, "catalog.department", d["code"], d)
        for i, d in enumerate(departments.values())
    ]
    first += [_change(100 + i, "catalog.item", it["code"], it) for i, it in enumerate(items)]
    syncer._apply_page(_page(first, nxt=200), "370303-ZWFW")
    assert store.count_items() == 3
    # History was compacted: the snapshot mentions items 0 and 1 only, over two pages.
    snap1 = [_change(500, "catalog.item", items[0]["code"], items[0])]
    snap2 = [_change(501, "catalog.item", items[1]["code"], items[1])]
    snap2 += [
        _change(502 + i, "catalog.department", d["code"], d)
        for i, d in enumerate(departments.values())
    ]
    syncer._apply_page(_page(snap1, nxt=500, more=True, reset=True), "370303-ZWFW")
    assert store.count_items() == 3  # never emptied between pages
    assert SyncState.get_by_id(1).resetting
    syncer._apply_page(_page(snap2, nxt=600), "370303-ZWFW")
    assert store.get_item(items[2]["code"]) is None
    assert store.count_items() == 2
    assert not SyncState.get_by_id(1).resetting
    # Windows of this site the snapshot did not mention go; staff become inactive.
    assert Window.select().where(Window.site == "370303-ZWFW").count() == 0
    assert Staff.select().where(Staff.active).count() == 0


def test_a_plugin_raising_on_a_change_is_switched_off_and_the_page_still_applies(
    tmp_path: Path,
) -> None:
    runtime = make_runtime(tmp_path / "ws")
    syncer = Syncer(runtime)

    class Boom(Exception):
        pass

    class Exploding:
        @hookimpl
        def sihao_apply_change(self, kind: str, id: str, op: str, data: Any) -> bool | None:
            if kind == "test.boom":
                raise Boom("x")
            return None

    runtime.host.register_object("exploding", Exploding())
    changes = [
        _change(
            1,
            "site",
            "370303-ZWFW",
            {"code": "370303-ZWFW", "name": "甲", "level": "district", "region_code": "370303"},
        ),
        _change(2, "test.boom", "b", {}),
    ]
    outcome = syncer._apply_page(_page(changes, nxt=2), "370303-ZWFW")
    assert outcome.applied == 1 and outcome.unhandled == {"test.boom"}
    assert Site.get_by_id("370303-ZWFW").name == "甲"
    assert json.loads(json.dumps(SyncState.get_by_id(1).cursor)) == 2
    runtime.shutdown()


def test_acknowledged_rows_are_pruned_after_a_while_and_numbers_never_reused(
    runtime: Runtime,
) -> None:
    import datetime as dt

    from core import outbox
    from core.db import atomic, new_id
    from core.outbox import Outbox, OutboxState

    with atomic():
        rows = [outbox.enqueue("test.note", new_id(), {"n": n}) for n in range(4)]
    old = dt.datetime(2026, 1, 1)
    Outbox.update(state=OutboxState.APPLIED.value, acked_at=old).where(
        Outbox.client_seq.in_([rows[0].client_seq, rows[1].client_seq])
    ).execute()
    Outbox.update(state=OutboxState.REJECTED.value, acked_at=old).where(
        Outbox.client_seq == rows[2].client_seq
    ).execute()
    assert engine.prune_applied(dt.timedelta(days=30)) == 2
    left = {row.client_seq: row.state for row in Outbox.select()}
    assert left == {rows[2].client_seq: "rejected", rows[3].client_seq: "pending"}
    with atomic():
        newest = outbox.enqueue("test.note", new_id(), {"n": 9})
    assert newest.client_seq > rows[3].client_seq


class _Checking:
    """A plugin that refuses a pulled case closed before it was opened (its own check)."""

    def __init__(self) -> None:
        self.kept: dict[str, Any] = {}

    @hookimpl
    def sihao_apply_change(self, kind: str, id: str, op: str, data: Any) -> bool | None:
        if kind != "test.case":
            return None
        if data.get("closed_on", "") and data["closed_on"] < data["opened_on"]:
            raise RecordRejected("the case is closed before it was opened")
        self.kept[id] = data
        return True


def test_a_change_a_plugin_refuses_is_parked_with_its_reason_and_the_page_applies(
    runtime: Runtime,
) -> None:
    checking = _Checking()
    runtime.host.register_object("checking", checking)
    changes = [
        _change(1, "test.case", "good", {"opened_on": "2026-11-02"}),
        _change(2, "test.case", "forged", {"opened_on": "2026-11-02", "closed_on": "2026-01-01"}),
        _change(3, "test.case", "after", {"opened_on": "2026-11-03"}),
    ]
    outcome = Syncer(runtime)._apply_page(_page(changes, nxt=3), "370303-ZWFW")
    assert set(checking.kept) == {"good", "after"}
    assert outcome.refused == [("test.case", "forged", "the case is closed before it was opened")]
    assert "checking" in runtime.host.loaded()  # refusing is an answer, not a fault
    [parked] = engine.refused_changes()
    assert (parked.entity_id, parked.reason) == (
        "forged",
        "the case is closed before it was opened",
    )
    assert SyncState.get_by_id(1).cursor == 3
    # Offered again when the plugins change: still refused, still kept with the reason.
    again = engine.apply_parked(runtime)
    assert again.refused == 1 and again.applied == 0
    assert [p.entity_id for p in engine.refused_changes()] == ["forged"]
