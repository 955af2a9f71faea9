"""The ranked lookup on a small catalog: every way a clerk types, ranking, filters, junk."""

from __future__ import annotations

from collections.abc import Iterator

import peewee
import pytest

from core.catalog import store
from core.catalog.formats import load_catalog
from core.catalog.schema import ITEM
from core.catalog.search import CatalogIndex, Filters, SearchService
from data.generate_catalog import generate_catalog
from tests.core.catalog.conftest import SMALL_CATALOG

FOOD = "370300-SCJG-XK-001-01"
LICENCE = "370300-SCJG-DJ-002-01"
COMPANY = "370300-SCJG-DJ-003-01"
COMPANY_CHANGE = "370300-SCJG-DJ-003-02"
BIRTH_CERT = "370300-WJW-QT-001-01"
HUKOU = "370300-GA-QR-001-01"


@pytest.fixture
def search(catalog_db: peewee.SqliteDatabase) -> Iterator[SearchService]:
    store.replace_catalog(load_catalog(SMALL_CATALOG))
    service = SearchService()
    yield service
    service.close()


def codes(service: SearchService, query: str, **filters: object) -> list[str]:
    return [h.code for h in service.search(query, filters=Filters(**filters))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("营", LICENCE),  # one hanzi
        ("营业执照", LICENCE),
        ("yyzz", LICENCE),  # initials
        ("YYZZ", LICENCE),
        ("yingyezhizhao", LICENCE),  # full pinyin
        ("zhizhao", LICENCE),  # full pinyin from a later syllable
        ("spjyxk", FOOD),
        ("370300-SCJG-DJ-003-01", COMPANY),  # code, as printed
        ("370300scjgdj00301", COMPANY),  # code without separators
        ("开饭店", FOOD),  # colloquial
        ("生孩子", BIRTH_CERT),
        ("上户口", HUKOU),
        ("开公司", COMPANY),  # a bundle's keyword
        ("食品经营许可", FOOD),  # main item name
        ("ＹＹＺＺ", LICENCE),  # full-width letters
    ],
)
def test_finds_the_item(search: SearchService, query: str, expected: str) -> None:
    assert codes(search, query)[0] == expected


def test_colloquial_word_finds_every_item_it_means(search: SearchService) -> None:
    assert set(codes(search, "开饭店")) == {FOOD, LICENCE}
    assert set(codes(search, "生孩子")) == {BIRTH_CERT, HUKOU}


def test_exact_before_prefix_before_keyword_before_substring(
    catalog_db: peewee.SqliteDatabase,
) -> None:
    doc = load_catalog(SMALL_CATALOG)
    store.replace_catalog(doc)
    base = dict(store.get_item(COMPANY) or {})
    for code, name, keywords in [
        ("T-SUB", "变更营业登记", []),
        ("T-KEY", "某某事项", ["营业登记指南"]),
        ("T-PRE", "营业登记（补发）", []),
        ("T-EXACT", "营业登记", []),
    ]:
        store.upsert(ITEM, {**base, "code": code, "name": name, "keywords": keywords})
    service = SearchService()
    try:
        assert codes(service, "营业登记") == ["T-EXACT", "T-PRE", "T-KEY", "T-SUB"]
        # Usage ranks an item up within its tier, never above a better tier.
        store.bump_usage("T-SUB", 5)
        store.bump_usage(COMPANY_CHANGE, 9)
        assert codes(service, "营业登记") == ["T-EXACT", "T-PRE", "T-KEY", "T-SUB"]
        assert codes(service, "登记")[0] == COMPANY_CHANGE
    finally:
        service.close()


def test_filters(search: SearchService) -> None:
    assert codes(search, "登记", department="ga") == [HUKOU]
    assert codes(search, "出生", online=False) == [BIRTH_CERT]
    assert codes(search, "登记", level="县") == [HUKOU]
    assert set(codes(search, "", service_object="自然人")) == {LICENCE, BIRTH_CERT, HUKOU}
    assert codes(search, "", region="9999") == []
    assert codes(search, "") == []  # nothing typed and no filter: nothing listed


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "-",
        "()",
        '"食品" NEAR',
        "NEAR(食品 许可)",
        "AND",
        "OR",
        "^",
        "！？。",
        " ",
        "''",
        "%",
        "_",
    ],
)
def test_fts_syntax_and_punctuation_never_raise_or_match_everything(
    search: SearchService, query: str
) -> None:
    assert len(search.search(query)) < 6


def test_words_separated_by_spaces_must_all_match(search: SearchService) -> None:
    assert codes(search, "公司 变更") == [COMPANY_CHANGE]
    assert codes(search, "登记 gs") == [COMPANY_CHANGE, COMPANY, LICENCE]  # 个体工商户: gs too
    assert set(codes(search, "生孩子 户口")) == {HUKOU}
    # No item has both: the exact tiers find nothing, and the phrase reading offers
    # what has either, saying the results are approximate and which words matched.
    assert search.index().exact("公司 结婚") == []
    found = search.lookup("公司 结婚")
    assert found.hits and found.approximate and "公司" in found.matched


def test_index_follows_store_changes(search: SearchService) -> None:
    assert codes(search, "出生医学") == [BIRTH_CERT]
    item = store.get_item(BIRTH_CERT) or {}
    store.upsert(ITEM, {**item, "name": "新生儿出生医学证明"})
    assert [h.name for h in search.search("新生儿出生")] == ["新生儿出生医学证明"]
    store.delete(ITEM, BIRTH_CERT)
    assert BIRTH_CERT not in codes(search, "出生医学")
    assert search.index().exact("出生医学") == []


def test_large_synthetic_catalog_ranks_and_stops_early() -> None:
    doc = generate_catalog(3000)
    rows = [
        (
            i["code"],
            i["name"],
            i["main_name"],
            i["keywords"],
            "",
            "",
            i["department"],
            i["exercise_level"],
            i["online"],
            i["service_object"],
            i["region_code"],
        )
        for i in doc.items
    ]
    index = CatalogIndex(rows, doc.bundles)
    hits = index.search("许可", limit=20)
    assert len(hits) == 20
    names = [h.name for h in hits]
    assert all("许可" in n for n in names)
    assert [len(n) for n in names] == sorted(len(n) for n in names)  # shorter names first
    meant = {i["code"] for i in doc.items if "开饭店" in i["keywords"]}
    meant |= {c for b in doc.bundles if b["name"] == "开饭店" for c in b["items"]}
    assert {h.code for h in index.search("开饭店", limit=len(doc.items))} == meant


def test_large_catalog_is_rebuilt_in_the_background(catalog_db: peewee.SqliteDatabase) -> None:
    import time

    store.replace_catalog(load_catalog(SMALL_CATALOG))
    service = SearchService(background_from=1)  # treat the small catalog as large
    try:
        assert codes(service, "出生医学") == [BIRTH_CERT]
        item = store.get_item(BIRTH_CERT) or {}
        store.upsert(ITEM, {**item, "name": "新生儿出生医学证明"})
        # The previous index answers while the new one is built on a thread.
        service.search("出生")
        for _ in range(200):
            if not service.rebuilding and not service._stale:
                break
            time.sleep(0.02)
        assert [h.name for h in service.search("新生儿出生")] == ["新生儿出生医学证明"]
    finally:
        service.close()


def test_a_bundles_name_is_found_by_its_pinyin_too(search: SearchService) -> None:
    # 开办企业 is only a bundle's name: no item lists it as an everyday word.
    assert codes(search, "开办企业") == [COMPANY]
    assert codes(search, "kaibanqiye") == [COMPANY]
    assert codes(search, "kbqy") == [COMPANY]
    assert set(codes(search, "kaifandian")) == set(codes(search, "开饭店")) == {FOOD, LICENCE}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("我想开个饭店", FOOD),  # fillers around a known word, split by 个
        ("开个饭店", FOOD),
        ("想开饭店", FOOD),
        ("孩子出生了要办什么", BIRTH_CERT),  # a sentence
        ("營業執照", LICENCE),  # traditional characters
        ("营业职照", LICENCE),  # a homophone slip
        ("kai饭店", FOOD),  # pinyin and hanzi mixed
        ("俺想开个饭馆", FOOD),  # the catalog's own filler (俺) and synonym (饭馆 → 饭店)
    ],
)
def test_phrases_find_the_item_meant(search: SearchService, query: str, expected: str) -> None:
    assert search.index().exact(query) == []  # the exact tiers alone find nothing
    assert expected in codes(search, query)[:2]


def test_a_phrase_says_what_it_matched_and_what_it_left_out(search: SearchService) -> None:
    found = search.lookup("我想开个饭店")
    assert found.approximate
    assert found.matched == ("开", "饭店")
    assert found.dropped == ("我想", "个")
    assert found.bundles == ("yjs-kft",)  # the 开饭店 bundle is offered
    # Items of that bundle first: both explain the whole phrase.
    assert {h.code for h in found.hits[:2]} == {FOOD, LICENCE}

    # Enough items explain the whole phrase: the same answer, the rest not searched.
    first = search.lookup("我想开个饭店", limit=1)
    assert first.approximate and first.matched == ("开", "饭店")
    assert first.hits[0].code in {FOOD, LICENCE} and first.bundles == ("yjs-kft",)

    slip = search.lookup("营业职照")
    assert slip.by_sound == ("营业职照",) and slip.hits[0].why == "sound"

    synonym = search.lookup("俺想开个饭馆")
    assert ("饭馆", "饭店") in synonym.read_as and "俺" in synonym.dropped

    # An exact match is not approximate and says nothing more.
    plain = search.lookup("开饭店")
    assert not plain.approximate and plain.matched == () and plain.hits


def test_nothing_related_finds_nothing(search: SearchService) -> None:
    for query in ("今天天气真好", "我想问一下", "qwzx"):
        found = search.lookup(query)
        assert found.hits == [], query


def test_a_pasted_paragraph_still_finds_the_item(search: SearchService) -> None:
    # Hundreds of characters: the first MAX_PHRASE are read.
    found = search.lookup("请问我想开个饭店需要办理什么手续" * 40)
    assert FOOD in [h.code for h in found.hits]
