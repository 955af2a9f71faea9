"""The catalog in the store: replaced whole, changed one entity at a time, queried."""

from __future__ import annotations

import peewee
import pytest

from core.catalog import store
from core.catalog.formats import CatalogImportError, load_catalog
from core.catalog.models import Item
from core.catalog.schema import BUNDLE, ITEM
from tests.core.catalog.conftest import SMALL_CATALOG


def test_replace_then_export_gives_the_same_catalog(catalog_db: peewee.SqliteDatabase) -> None:
    doc = load_catalog(SMALL_CATALOG)
    counts = store_replace(doc)
    assert counts == {
        "departments": 3,
        "items": 6,
        "bundles": 2,
        "service_points": 5,
        "glossary": 2,
        "words": 2,
    }
    assert store.export_catalog().to_json() == _sorted(doc.to_json())
    row = Item.get_by_id("370300-SCJG-DJ-002-01")
    assert row.initials.startswith("yyzz") and row.pinyin.startswith("ying ye zhi zhao")


def store_replace(doc):  # type: ignore[no-untyped-def]
    return store.replace_catalog(doc, source="test")


def _sorted(data: dict) -> dict:
    return {
        k: sorted(v, key=lambda e: e["code"]) if isinstance(v, list) else v for k, v in data.items()
    }


def test_upsert_delete_and_listeners(catalog_db: peewee.SqliteDatabase) -> None:
    store_replace(load_catalog(SMALL_CATALOG))
    seen: list[tuple[str, str | None]] = []
    store.on_change(lambda kind, code: seen.append((kind, code)))
    try:
        item = store.get_item("370300-SCJG-DJ-003-01")
        assert item is not None
        item["name"] = "公司设立登记（内资）"
        store.upsert(ITEM, item)
        assert store.get_item(item["code"])["name"] == "公司设立登记（内资）"  # type: ignore[index]
        assert store.delete(BUNDLE, "yjs-kbqy") is True
        assert store.delete(BUNDLE, "yjs-kbqy") is False
        assert [b["code"] for b in store.bundles()] == ["yjs-kft"]
        with pytest.raises(CatalogImportError):
            store.upsert(ITEM, {"code": "X", "name": "缺字段"})
        assert store.get_item("X") is None
        assert seen[:2] == [(ITEM, item["code"]), (BUNDLE, "yjs-kbqy")]
    finally:
        store._listeners.clear()


def test_usage_counts(catalog_db: peewee.SqliteDatabase) -> None:
    assert store.bump_usage("A") == 1
    assert store.bump_usage("A", 2) == 3
    assert store.usage_counts() == {"A": 3}


def test_get_items_keeps_order_and_drops_unknown(catalog_db: peewee.SqliteDatabase) -> None:
    store_replace(load_catalog(SMALL_CATALOG))
    codes = ["370300-WJW-QT-001-01", "NOPE", "370300-GA-QR-001-01"]
    assert [i["code"] for i in store.get_items(codes)] == [codes[0], codes[2]]


def test_upsert_many_checks_all_before_writing(catalog_db: peewee.SqliteDatabase) -> None:
    store_replace(load_catalog(SMALL_CATALOG))
    items = [store.get_item(c) for c in ("370300-SCJG-DJ-003-01", "370300-SCJG-DJ-003-02")]
    renamed = [{**i, "name": i["name"] + "（新）"} for i in items if i]  # type: ignore[union-attr]
    with pytest.raises(CatalogImportError):
        store.upsert_many(ITEM, [*renamed, {"code": "BAD"}])
    assert store.get_item(renamed[0]["code"])["name"] == items[0]["name"]  # type: ignore[index]
    assert store.upsert_many(ITEM, renamed) == 2
    assert store.get_item(renamed[1]["code"])["name"].endswith("（新）")  # type: ignore[index]
    assert store.count_items() == 6
