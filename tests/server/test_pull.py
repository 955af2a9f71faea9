"""Pull: scoped to the city and the token's own site, paged, reset after compaction."""

from __future__ import annotations

import uuid

from server import admin, changes
from server.models import EntityOwner, Record
from server.testing import LiveServer
from tests.server.conftest import Workstation, enroll, new_site


def test_a_site_sees_city_data_and_its_own_never_another_sites(server: LiveServer) -> None:
    a, b = new_site("甲"), new_site("乙")
    admin.add_window(a, "A01", "综合窗口")
    admin.add_staff("SA1", "王丽", a, "clerk", pin="123456", window="A01")
    admin.add_staff("SB1", "李强", b, "clerk", pin="654321")
    admin.set_policy(b, enable=["about"])
    station_a, station_b = enroll(server, a), enroll(server, b)
    seen_a, _ = station_a.pull_all()
    seen_b, _ = station_b.pull_all()
    ids_a = {(c["kind"], c["id"]) for c in seen_a}
    ids_b = {(c["kind"], c["id"]) for c in seen_b}
    assert {("site", a), ("window", f"{a}/A01"), ("staff", "SA1"), ("site.policy", a)} <= ids_a
    assert not {k for k in ids_a if b in k[1] or k == ("staff", "SB1")}
    assert ("staff", "SB1") in ids_b and ("site.policy", b) in ids_b
    assert not {k for k in ids_b if a in k[1] or k == ("staff", "SA1")}
    staff = next(c for c in seen_a if c["kind"] == "staff" and c["id"] == "SA1")["data"]
    assert staff["site"] == a and staff["window"] == "A01" and staff["active"] is True
    assert staff["pin_hash"].startswith("scrypt$") and "123456" not in staff["pin_hash"]


def test_a_site_cannot_write_another_sites_entities(server: LiveServer) -> None:
    a, b = new_site("甲"), new_site("乙")
    station_a, station_b = enroll(server, a), enroll(server, b)
    mine = station_b.mutation()
    assert station_b.push([mine]).json()["results"][0]["status"] == "applied"
    forged = station_a.mutation(entity_id=mine["entity_id"], payload={"text": "改写"})
    fine = station_a.mutation()
    answer = station_a.push([forged, fine]).json()["results"]
    assert answer[0]["status"] == "rejected"
    assert "another site" in answer[0]["reason"]
    assert answer[1]["status"] == "applied"


def test_paging_returns_every_change_once_in_order(ws: Workstation) -> None:
    for number in range(1, 24):
        admin.add_window(ws.site, f"W{number:02d}", f"窗口{number}")
    first = ws.pull(0, 5).json()
    assert len(first["changes"]) == 5 and first["has_more"] is True
    assert first["next"] == first["changes"][-1]["seq"]
    pages, since = [], 0
    while True:
        page = ws.pull(since, 5).json()
        pages.append(page)
        since = page["next"]
        if not page["has_more"]:
            break
    seqs = [c["seq"] for p in pages for c in p["changes"]]
    assert seqs == sorted(set(seqs))
    windows = [c["id"] for p in pages for c in p["changes"] if c["kind"] == "window"]
    assert windows == [f"{ws.site}/W{n:02d}" for n in range(1, 24)]
    empty = ws.pull(since, 5).json()
    assert empty == {"changes": [], "next": since, "has_more": False, "reset": False}
    assert ws.pull(0, 1001).status_code == 422
    assert ws.pull(-1, 5).status_code == 422


def test_a_cursor_behind_compacted_history_gets_a_reset_snapshot(ws: Workstation) -> None:
    admin.add_window(ws.site, "A01", "旧名称")
    admin.add_staff("PX1", "赵敏", ws.site, "steward", pin="123456", window="A01")
    admin.add_staff("PX2", "孙伟", ws.site, "clerk", pin="123456")
    _, cursor = ws.pull_all()
    admin.add_window(ws.site, "A01", "新名称")
    admin.add_staff("PX2", "孙伟", ws.site, "clerk", pin="123456")  # changes again
    admin.add_staff("PX2", "孙伟", new_site("别处"), "clerk")  # moves away: a tombstone here
    result = changes.compact()
    assert result["copied"] > 0 and result["floor"] > cursor

    page = ws.pull(cursor, 1000).json()
    assert page["reset"] is True
    snapshot = {(c["kind"], c["id"]): c for c in page["changes"]}
    assert snapshot[("window", f"{ws.site}/A01")]["data"]["name"] == "新名称"
    assert ("staff", "PX1") in snapshot and ("site", ws.site) in snapshot
    assert ("staff", "PX2") not in snapshot  # gone from this site, tombstone compacted away
    assert all(c["op"] == "upsert" for c in page["changes"])
    # Paged the same way; a cursor inside the snapshot continues without another reset.
    small = ws.pull(cursor, 2).json()
    assert small["reset"] is True and small["has_more"] is True
    after = ws.pull(small["next"], 1000).json()
    assert after["reset"] is False
    assert [c["seq"] for c in small["changes"] + after["changes"]] == [
        c["seq"] for c in page["changes"]
    ]
    # A workstation that is up to date is not reset.
    _, latest = ws.pull_all(page["next"])
    assert ws.pull(latest).json()["reset"] is False


def test_the_spliced_pull_body_is_the_same_json(ws: Workstation) -> None:
    import json

    admin.add_window(ws.site, 'Q"1', '引号"与\\反斜杠\n换行', departments="税务")
    admin.add_staff("Q1", "张\u2028三", ws.site, "clerk", pin="123456", window='Q"1')
    body = json.loads(changes.pull_json(ws.site, 0, 1000))
    assert body == changes.pull(ws.site, 0, 1000)
    window = next(c for c in body["changes"] if c["kind"] == "window")
    assert window["id"] == f'{ws.site}/Q"1' and window["data"]["name"] == '引号"与\\反斜杠\n换行'


def test_two_sites_racing_for_new_entities_leave_each_with_one_site(server: LiveServer) -> None:
    """Two sites push the same brand-new entities at the same moment: for each entity
    one site's record is applied and the other's is rejected, never both stored."""
    import concurrent.futures
    import threading

    a, b = new_site("甲"), new_site("乙")
    station_a, station_b = enroll(server, a), enroll(server, b)
    entities: list[str] = []
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for _round in range(8):
            batch = [str(uuid.uuid4()) for _ in range(40)]
            entities.extend(batch)
            start = threading.Barrier(2)

            def push(
                station: Workstation, batch: list[str] = batch, start: threading.Barrier = start
            ) -> list[dict]:  # type: ignore[type-arg]
                mutations = [station.mutation(entity_id=e) for e in batch]
                start.wait()
                return station.push(mutations).json()["results"]

            answers = list(pool.map(push, (station_a, station_b)))
            for n, entity in enumerate(batch):
                statuses = sorted(answer[n]["status"] for answer in answers)
                assert statuses == ["applied", "rejected"], (entity, statuses)
    stored = Record.select(Record.entity_id, Record.site).where(Record.entity_id.in_(entities))
    assert sorted(r.entity_id for r in stored) == sorted(entities)
    owners = {
        o.entity_id: o.site for o in EntityOwner.select().where(EntityOwner.entity_id.in_(entities))
    }
    assert owners == {r.entity_id: r.site for r in stored}


def test_items_come_with_the_pinyin_computed_at_import(ws: Workstation) -> None:
    """A pulled item is the catalog entity plus the ``pinyin`` and ``initials`` a
    workstation would compute from it (docs/sync-protocol.md); other catalog kinds
    and the server's own copy of the catalog are the file format as it is."""
    import json
    from pathlib import Path

    from core.catalog import pinyin, schema
    from server.models import CatalogEntity

    demo = Path(__file__).parents[2] / "data" / "demo" / "catalog.json"
    admin.import_catalog(demo)
    seen, _ = ws.pull_all()
    catalog = [c for c in seen if c["kind"].startswith("catalog.")]
    items = [c["data"] for c in catalog if c["kind"] == schema.ITEM and c["op"] == "upsert"]
    assert len(items) >= 50
    for data in items:
        entity = {k: v for k, v in data.items() if k not in pinyin.DERIVED_KEYS}
        assert schema.is_canonical(schema.ITEM, entity), data["code"]
        derived = pinyin.derived_pinyin(entity["name"], entity["keywords"])
        assert (data["pinyin"], data["initials"]) == derived, data["code"]
        assert data["initials"].split("|")[0]  # the demo's names all have hanzi
    for change in catalog:
        if change["kind"] != schema.ITEM and change["op"] == "upsert":
            assert schema.is_canonical(change["kind"], change["data"]), change["id"]
    for (text,) in CatalogEntity.select(CatalogEntity.data).tuples():
        assert "initials" not in json.loads(text)


def test_the_workstation_decodes_a_pull_body_as_json_loads_does(ws: Workstation) -> None:
    import json

    import pytest

    from core.sync.client import decode_json

    admin.add_window(ws.site, 'Q"2', '引号"与\\反斜杠\n换行\u2028𠀀😀', departments="税务")
    admin.add_staff("Q2", "张\x1f三", ws.site, "clerk", pin="123456", window='Q"2')
    body = changes.pull_json(ws.site, 0, 1000)
    assert decode_json(body) == json.loads(body) == ws.pull(0, 1000).json()
    # What the fast parser refuses, json.loads decides, as it did alone.
    odd = [
        b'\xef\xbb\xbf{"a": 1}',
        b'["\\ud800", "\\udfff"]',
        '{"a": [1, 2.5, -0.0, 1e400, 123456789012345678901234567890]}'.encode("utf-16"),
        b'{"a": 1, "a": 2}',
    ]
    for text in odd:
        assert decode_json(text) == json.loads(text)
    for broken in (b"", b"{", b'{"a": 1} x', b"[1,]", b"\xff"):
        with pytest.raises(ValueError):
            decode_json(broken)
