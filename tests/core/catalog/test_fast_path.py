"""Pulled entities take a fast path (``schema.is_canonical``, cached pinyin per word)
that must decide and store exactly what the full path (``schema.normalise``,
``pypinyin.lazy_pinyin``) would: canonical data is stored as it is, anything else is
normalised or refused."""

from __future__ import annotations

import copy
import json
from typing import Any

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.catalog import pinyin, schema, store
from core.catalog.formats import CatalogImportError, load_catalog
from core.catalog.schema import BUNDLE, DEPARTMENT, ITEM, KINDS, SERVICE_POINT, TERM, WORD
from data.generate_catalog import generate_catalog
from tests.core.catalog.conftest import SMALL_CATALOG
from tests.sync_support.data import demo_catalog

SECTION = {
    DEPARTMENT: "departments",
    ITEM: "items",
    BUNDLE: "bundles",
    SERVICE_POINT: "service_points",
    TERM: "glossary",
    WORD: "words",
}


def _as_pulled(entity: dict[str, Any]) -> dict[str, Any]:
    """What a page carries: the server's change data is JSON with sorted keys."""
    result: dict[str, Any] = json.loads(json.dumps(entity, ensure_ascii=False, sort_keys=True))
    return result


def _entities() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    docs = [load_catalog(SMALL_CATALOG), generate_catalog(300)]
    for doc in docs:
        for kind in KINDS:
            found.extend((kind, e) for e in doc.entities(kind))
    demo = demo_catalog()
    for kind in KINDS:
        found.extend((kind, e) for e in demo[SECTION[kind]])
    return [(kind, _as_pulled(schema.normalise(kind, e)[0])) for kind, e in found]


ENTITIES = _entities()
ITEMS = [e for kind, e in ENTITIES if kind == ITEM]


def test_what_the_server_sends_is_canonical_and_normalises_to_itself() -> None:
    assert len(ITEMS) > 300
    for kind, entity in ENTITIES:
        assert schema.is_canonical(kind, entity), (kind, entity["code"])
        assert schema.normalise(kind, entity) == (entity, [])


# Values a field may be given: right and wrong types, padded text, words for booleans.
ODD_VALUES = [
    None,
    "",
    " ",
    " 营业执照 ",
    "营业执照",
    "行政许可",
    "县",
    "是",
    "原件",
    "申请人",
    "自然人",
    0,
    1,
    -1,
    2.0,
    2.5,
    True,
    False,
    [],
    [""],
    [" a"],
    ["a"],
    ["自然人"],
    [1],
    ["a", "a"],
    {},
    {"a": 1},
    [{}],
    [{"code": "S1", "name": "情形"}],
    [{"code": "S1", "name": "情形", "conditions": []}],
]


def _mutations(draw: Any, item: dict[str, Any]) -> dict[str, Any]:
    mutated = copy.deepcopy(item)
    for _n in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["top", "nested", "drop", "extra"]))
        value = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        if where == "top":
            mutated[draw(st.sampled_from(sorted(mutated)))] = value
        elif where == "drop":
            mutated.pop(draw(st.sampled_from(sorted(mutated))), None)
        elif where == "extra":
            mutated["unexpected"] = value
        else:
            lists = [k for k in ("situations", "materials", "steps", "faq") if mutated.get(k)]
            if not lists or not isinstance(mutated[lists[0]], list):
                continue
            records = mutated[draw(st.sampled_from(lists))]
            if not isinstance(records, list) or not records:
                continue
            record = records[draw(st.integers(0, len(records) - 1))]
            if isinstance(record, dict) and record:
                key = draw(st.sampled_from([*sorted(record), "extra"]))
                if draw(st.booleans()):
                    record[key] = value
                else:
                    record.pop(key, None)
    return mutated


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_fast_check_never_accepts_what_normalise_would_change_or_refuse(data: Any) -> None:
    item = data.draw(st.sampled_from(ITEMS))
    mutated = _mutations(data.draw, item)
    if schema.is_canonical(ITEM, mutated):
        assert schema.normalise(ITEM, mutated) == (mutated, [])


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"name": ["列表"]},
        {"item_type": "不存在的类型"},
        {"legal_days": -1},
        {"online": "也许"},
        {"keywords": {"a": 1}},
        {"service_object": ["外星人"]},
        {
            "materials": [
                {
                    "key": "M1",
                    "name": "材料",
                    "form": "原件",
                    "copies": 1,
                    "source": "申请人",
                    "basis": "",
                    "sample": "",
                    "required": True,
                    "situations": ["没有这个情形"],
                }
            ]
        },
        {
            "situations": [
                {"code": "S", "name": "甲", "conditions": []},
                {"code": "S", "name": "乙", "conditions": []},
            ]
        },
        {"steps": [{"name": "受理", "days": "三天", "counts": True}]},
    ],
)
def test_malformed_pulled_items_are_refused(
    catalog_db: peewee.SqliteDatabase, change: dict[str, Any]
) -> None:
    bad = {**ITEMS[0], **change}
    assert not schema.is_canonical(ITEM, bad)
    with pytest.raises(CatalogImportError):
        store.upsert_many(ITEM, [ITEMS[1], bad])
    assert store.count_items() == 0


def test_a_missing_field_is_refused_and_valid_but_untidy_data_is_normalised(
    catalog_db: peewee.SqliteDatabase,
) -> None:
    missing = {k: v for k, v in ITEMS[0].items() if k != "item_type"}
    with pytest.raises(CatalogImportError):
        store.upsert_many(ITEM, [missing])
    untidy = {**ITEMS[0], "name": f"  {ITEMS[0]['name']} ", "online": "是", "legal_days": "20"}
    untidy["keywords"] = "、".join(["营业执照", "开办"])
    assert not schema.is_canonical(ITEM, untidy)
    assert store.upsert_many(ITEM, [untidy]) == 1
    assert store.get_item(untidy["code"]) == schema.normalise(ITEM, untidy)[0]


def test_pulled_items_are_stored_as_the_full_path_would(
    catalog_db: peewee.SqliteDatabase,
) -> None:
    assert store.upsert_many(ITEM, ITEMS[:50]) == 50
    for pulled in ITEMS[:50]:
        assert store.get_item(pulled["code"]) == schema.normalise(ITEM, pulled)[0]


def test_cached_pinyin_is_pypinyin_lazy_pinyin() -> None:
    from pypinyin import lazy_pinyin

    texts = {e["name"] for e in ITEMS} | {k for e in ITEMS for k in e["keywords"]}
    texts |= {"银行行长", "重庆市长江大桥", "长大了", "abc营业执照123", "", "  ", "𠀀字", "乐乐"}
    for text in sorted(texts):
        assert pinyin.lazy_pinyin(text) == lazy_pinyin(text, errors="ignore"), text


def test_list_fields_are_stored_as_json_dumps_writes_them() -> None:
    lists = [e[key] for _kind, e in ENTITIES for key, v in e.items() if isinstance(v, list)]
    odd = ['引号"与\\反斜杠', "换行\n制表\t回车\r", "\x00\x1f\x7f", "\u2028\u2029", "𠀀字😀", "/"]
    lists += [odd, [{"q": text, "a": text} for text in odd], [], [{}], [True, False, 0, 7]]
    assert len(lists) > 2000
    for value in lists:
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        assert store._json_text(value) == expected
    assert store._json_text(None) is None
    # What the fast serialiser refuses is written as before (a lone surrogate is then
    # refused by SQLite).
    assert store._json_text([2**70, {"n": -(2**64)}]) == f'[{2**70},{{"n":{-(2**64)}}}]'
    assert store._json_text(["\ud800"]) == '["\ud800"]'
