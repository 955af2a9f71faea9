"""Pulled items carry the ``pinyin`` and ``initials`` the server computed at import
(docs/sync-protocol.md, "Pull"): the workstation stores them instead of converting,
and they are what it would have computed itself. Items without them (an older
server, change rows written before) and anything that does not fit still get the
workstation's own pinyin."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee
import pytest

from core.catalog import pinyin, schema, store
from core.catalog.formats import CatalogImportError
from core.catalog.models import Item
from core.catalog.schema import ITEM
from tests.core.catalog.test_fast_path import ITEMS
from tests.sync_support.keyring_memory import memory_keyring

ROOT = Path(__file__).resolve().parents[3]


def _stored_pinyin() -> dict[str, tuple[str, str]]:
    return {
        code: (p, i) for code, p, i in Item.select(Item.code, Item.pinyin, Item.initials).tuples()
    }


def _as_sent(item: dict[str, Any]) -> dict[str, Any]:
    """What a current server's change row holds: the item and its pinyin, keys sorted."""
    sent: dict[str, Any] = json.loads(
        json.dumps(pinyin.with_pinyin(item), ensure_ascii=False, sort_keys=True)
    )
    return sent


def test_sent_pinyin_is_what_the_workstation_computes(catalog_db: peewee.SqliteDatabase) -> None:
    # Every item of the small, demo and generated catalogs, both ways: the rows match.
    assert store.upsert_many(ITEM, ITEMS) == len(ITEMS)
    computed = _stored_pinyin()
    sent = [_as_sent(e) for e in ITEMS]
    assert store.upsert_many(ITEM, sent) == len(sent)
    assert _stored_pinyin() == computed
    last = {item["code"]: item for item in sent}  # a code in two catalogs: the later one
    for code, item in last.items():
        assert (item["pinyin"], item["initials"]) == computed[code]
    # The entity itself is stored as the full path would store it, without the extras.
    for code, item in last.items():
        assert store.get_item(code) == schema.normalise(ITEM, item)[0]
    assert computed[ITEMS[0]["code"]][0]  # not trivially empty


def test_sent_pinyin_is_used_as_it_is(catalog_db: peewee.SqliteDatabase) -> None:
    item = _as_sent(ITEMS[0])
    marked = {**item, "pinyin": item["pinyin"] + "x", "initials": item["initials"] + "y"}
    store.upsert_many(ITEM, [marked])
    assert _stored_pinyin()[item["code"]] == (marked["pinyin"], marked["initials"])
    store.upsert(ITEM, item)  # one by one (the engine's careful path) takes it too
    assert _stored_pinyin()[item["code"]] == (item["pinyin"], item["initials"])


@pytest.mark.parametrize(
    "derived",
    [
        {"pinyin": None, "initials": None},
        {"pinyin": 1, "initials": "x"},
        {"pinyin": "nonsense", "initials": "n"},  # a part per keyword is missing
        {"pinyin": "a|b|c|d|e|f|g|h|i|j|k", "initials": "a|b|c|d|e|f|g|h|i|j|k"},
    ],
)
def test_sent_pinyin_that_does_not_fit_is_computed_here(
    catalog_db: peewee.SqliteDatabase, derived: dict[str, Any]
) -> None:
    item = ITEMS[0]
    assert item["keywords"] and len(item["keywords"]) < 10
    store.upsert_many(ITEM, [{**item, **derived}])
    assert _stored_pinyin()[item["code"]] == pinyin.derived_pinyin(item["name"], item["keywords"])
    assert store.get_item(item["code"]) == item


def test_untidy_or_malformed_items_with_pinyin_take_the_full_path(
    catalog_db: peewee.SqliteDatabase,
) -> None:
    item = ITEMS[0]
    fake = {"pinyin": "|".join("x" * (1 + len(item["keywords"]))), "initials": ""}
    fake["initials"] = fake["pinyin"]
    untidy = {**item, **fake, "name": f" {item['name']}  ", "online": "是"}
    store.upsert_many(ITEM, [untidy])
    assert store.get_item(item["code"]) == schema.normalise(ITEM, untidy)[0]
    # Normalised, so not what the server sent: the pinyin is the workstation's own.
    assert _stored_pinyin()[item["code"]] == pinyin.derived_pinyin(item["name"], item["keywords"])

    for bad in ({"name": ""}, {"legal_days": -1}, {"item_type": "不存在的类型"}):
        with pytest.raises(CatalogImportError):
            store.upsert_many(ITEM, [_as_sent(ITEMS[1]), {**_as_sent(ITEMS[2]), **bad}])
    with pytest.raises(CatalogImportError):  # a field missing, the extras there
        store.upsert_many(ITEM, [{k: v for k, v in _as_sent(item).items() if k != "department"}])
    assert set(_stored_pinyin()) == {item["code"]}


PULL_WITHOUT_PYPINYIN = """
import json, sys
from core import migrate
from core.catalog import store
from core.db import open_database
db = open_database(sys.argv[1])
migrate.run(db, "core", migrate.CORE_MIGRATIONS)
items = json.loads(sys.stdin.read())
store.upsert_many("catalog.item", items["sent"])
before = "pypinyin" in sys.modules
store.upsert_many("catalog.item", items["plain"])
print(json.dumps([before, "pypinyin" in sys.modules]))
"""


def test_applying_sent_pinyin_does_not_load_pypinyin(tmp_path: Path) -> None:
    items = {"sent": [_as_sent(e) for e in ITEMS[:200]], "plain": ITEMS[200:210]}
    done = subprocess.run(
        [sys.executable, "-c", PULL_WITHOUT_PYPINYIN, str(tmp_path / "store.db")],
        input=json.dumps(items, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    # Items as the server sends them: no conversion. Items without it: converted here.
    assert json.loads(done.stdout) == [False, True]


# -- through the real server ----------------------------------------------------------
@pytest.fixture
def keyring_backend() -> Iterator[None]:
    with memory_keyring():
        yield


def test_a_pull_mixing_sent_pinyin_and_older_rows_stores_the_right_pinyin(
    tmp_path: Path, keyring_backend: None
) -> None:
    from core.sync.engine import Syncer
    from server import changes
    from server.models import Change
    from tests.sync_support.data import demo_catalog
    from tests.sync_support.world import central_server, enroll, workstation

    with central_server("sqlite", tmp_path / "server") as server:
        sent_rows = [
            json.loads(data)
            for (data,) in Change.select(Change.data).where(Change.kind == ITEM).tuples()
        ]
        assert sent_rows and all(
            (row["pinyin"], row["initials"]) == pinyin.derived_pinyin(row["name"], row["keywords"])
            for row in sent_rows
        )
        # Rows as an older server wrote them: the catalog fields only. One renames an
        # item the workstation gets with pinyin first, one is new.
        items = demo_catalog()["items"]
        renamed, new = dict(items[0]), dict(items[1])
        renamed.update(name="城乡居民最低生活保障金给付", keywords=["低保", "困难救助"])
        new.update(code=f"{new['code']}-OLD", name="重庆市长江大桥通行证", keywords=["银行行长"])
        for entity in (renamed, new):
            entity = schema.normalise(ITEM, entity)[0]
            changes.emit(changes.CITY, ITEM, entity["code"], changes.UPSERT, entity)

        runtime = workstation(tmp_path / "ws")
        try:
            enroll(runtime, server)
            Syncer(runtime).pull()
            stored = _stored_pinyin()
            assert len(stored) == len(items) + 1
            for entity in store.iter_items():
                expected = pinyin.derived_pinyin(entity["name"], entity["keywords"])
                assert stored[entity["code"]] == expected, entity["code"]
            assert stored[renamed["code"]][1].startswith("cxjmzdshbzjjf|db|")
            assert stored[new["code"]][0].split("|")[1] == "yin hang hang zhang"
            assert store.get_item(new["code"]) == schema.normalise(ITEM, new)[0]
        finally:
            runtime.shutdown()
