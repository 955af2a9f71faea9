"""The catalog in the local store: whole-catalog replacement, per-entity changes, queries.

Writers:
- ``replace_catalog(doc)`` swaps the whole catalog in one transaction (what
  ``sihao catalog import`` does at a standalone site, and a sync reset);
- ``upsert(kind, data)`` / ``delete(kind, code)`` apply one pulled change (kinds
  ``catalog.department``, ``catalog.item``, ``catalog.bundle``,
  ``catalog.service_point``); the sync client calls them inside the transaction
  that also moves its cursor.

Every write tells the listeners (``on_change``) so in-memory indexes (the lookup)
rebuild lazily. The catalog is the server's: it is not audited row by row here;
a local import records one audit entry.

Readers return entities as plain dicts in the catalog schema, the same shape a
file or a sync payload carries, so plugins never touch the peewee rows.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import peewee

from core import audit
from core.catalog import schema
from core.catalog.formats import SECTIONS, CatalogDocument, CatalogImportError
from core.catalog.models import Bundle, Department, Item, ItemUsage, ServicePoint
from core.catalog.schema import BUNDLE, DEPARTMENT, ITEM, SERVICE_POINT, Problem
from core.db import atomic, database
from core.models import utcnow

log = logging.getLogger(__name__)

MODEL_OF: dict[str, type[peewee.Model]] = {
    DEPARTMENT: Department,
    ITEM: Item,
    BUNDLE: Bundle,
    SERVICE_POINT: ServicePoint,
}

Listener = Callable[[str, str | None], None]  # (kind or "*", code or None)
_listeners: list[Listener] = []


def on_change(listener: Listener) -> None:
    """Call ``listener(kind, code)`` after every catalog write (``"*"`` for all)."""
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _changed(kind: str, code: str | None) -> None:
    for listener in list(_listeners):
        try:
            listener(kind, code)
        except Exception:  # an index must never break a write
            log.exception("catalog listener failed")


# -- pinyin ------------------------------------------------------------------------
@functools.cache
def _pinyin_engine() -> tuple[Callable[[str], Any], Callable[[str], tuple[str, ...]]]:
    """pypinyin's own segmenter and converter, as ``lazy_pinyin(s, errors="ignore")``
    sets them up (it builds both again on every call), the converter cached per word:
    names are made of the same few thousand words (营业执照, 变更, 登记…), and
    converting a word is most of the cost."""
    from itertools import chain

    from pypinyin import Style  # ≈ 55 MB and 0.3 s: only when items are written
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    engine = Pinyin(UltimateConverter(v_to_u=False, neutral_tone_with_five=False))

    @functools.lru_cache(maxsize=65536)
    def convert(words: str) -> tuple[str, ...]:
        return tuple(chain(*engine._converter.convert(words, Style.NORMAL, False, "ignore", True)))

    return engine.seg, convert


def lazy_pinyin(text: str) -> list[str]:
    """``pypinyin.lazy_pinyin(text, errors="ignore")``, word by word from a cache."""
    seg, convert = _pinyin_engine()
    return [syllable for words in seg(text) for syllable in convert(words)]


@functools.lru_cache(maxsize=65536)  # catalogs repeat a name in every district
def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name's hanzi, lower case; syllables space-separated.

    The spaces tell the search index where syllables start (``zhizhao`` finds
    营业执照, ``ezhi`` does not).
    """
    # Hanzi only: the lookup matches letters and digits in names through the name itself.
    # One conversion: a syllable's first letter is what Style.FIRST_LETTER returns
    # (identical on every name of the demo and synthetic catalogs), at half the cost.
    # Cached: names and everyday words repeat across districts (20,000 items carry
    # about 5,400 distinct strings).
    full = lazy_pinyin(name)
    return " ".join(full), "".join(p[:1] for p in full)


def derived_pinyin(name: str, keywords: list[str]) -> tuple[str, str]:
    """The ``pinyin`` and ``initials`` columns: the name's, then each keyword's, "|"-joined.

    ``yyzz`` then finds items whose everyday words include 营业执照, and ``dibao``
    those with 低保, without the search loading pypinyin.
    """
    parts = [name_pinyin(name), *(name_pinyin(k) for k in keywords)]
    return "|".join(p for p, _i in parts), "|".join(i for _p, i in parts)


# -- rows and dicts ----------------------------------------------------------------
def _columns(kind: str) -> list[str]:
    return [key for key, _check in schema.FIELDS[kind]]


def to_dict(kind: str, row: peewee.Model) -> dict[str, Any]:
    return {key: getattr(row, key) for key in _columns(kind)}


def _row_values(kind: str, entity: dict[str, Any]) -> dict[str, Any]:
    values = {key: entity[key] for key in _columns(kind)}
    values["updated_at"] = utcnow()
    if kind == ITEM:
        values["pinyin"], values["initials"] = derived_pinyin(entity["name"], entity["keywords"])
    return values


_PLAIN_TYPES: dict[type[peewee.Field], type] = {
    peewee.CharField: str,
    peewee.TextField: str,
    peewee.IntegerField: int,
    peewee.BooleanField: bool,
}


def _insert_many(
    model: type[peewee.Model], rows: list[dict[str, Any]], *, replace: bool = False
) -> None:
    """Plain ``executemany``: peewee's insert_many spends ≈ 1.5 ms per row building SQL
    (100,000 items took 120 s; this takes a few seconds)."""
    if not rows:
        return
    fields = [model._meta.fields[name] for name in rows[0]]
    sql = "INSERT {}INTO {} ({}) VALUES ({})".format(
        "OR REPLACE " if replace else "",
        model._meta.table_name,
        ", ".join(f'"{f.column_name}"' for f in fields),
        ", ".join("?" for _f in fields),
    )
    # Text, whole numbers and flags go to sqlite3 as they are when they already have
    # their column's type (what ``db_value`` would return); the rest is converted.
    plain = [_PLAIN_TYPES.get(type(f)) for f in fields]
    names = [f.name for f in fields]

    def values(row: dict[str, Any]) -> list[Any]:
        out = []
        for name, field, kind in zip(names, fields, plain, strict=True):
            value = row[name]
            out.append(value if type(value) is kind else field.db_value(value))
        return out

    cursor = database.cursor()
    cursor.executemany(sql, map(values, rows))


def _checked(kind: str, data: Any) -> dict[str, Any]:
    if schema.is_canonical(kind, data):  # what the server sends: a quick check
        return {key: data[key] for key in _columns(kind)}
    entity, problems = schema.normalise(kind, data)
    if problems:
        code = data.get("code", "") if isinstance(data, dict) else ""
        raise CatalogImportError([Problem(f"{kind} {code}".strip(), c, r) for c, r in problems])
    return entity


# -- writers -----------------------------------------------------------------------
def replace_catalog(doc: CatalogDocument, *, actor: str = "", source: str = "") -> dict[str, int]:
    """Replace the whole catalog with ``doc`` (already checked) in one transaction."""
    with atomic():
        for kind in reversed(list(SECTIONS)):
            MODEL_OF[kind].delete().execute()
        for kind in SECTIONS:
            _insert_many(MODEL_OF[kind], [_row_values(kind, e) for e in doc.entities(kind)])
        counts = doc.counts()
        audit.record("catalog.imported", actor=actor, detail={"source": source, **counts})
    _changed("*", None)
    return counts


def upsert(kind: str, data: Any) -> dict[str, Any]:
    """Insert or replace one entity (a pulled change); return its canonical dict."""
    entity = _checked(kind, data)
    MODEL_OF[kind].insert(_row_values(kind, entity)).on_conflict_replace().execute()
    _changed(kind, entity["code"])
    return entity


def upsert_many(kind: str, entities: list[Any]) -> int:
    """Insert or replace many entities of one kind (a page of pulled changes).

    All are checked first: one bad entity raises ``CatalogImportError`` and nothing
    is written. One ``executemany`` and one catalog-wide change for the listeners.
    """
    # Pulled entities are canonical (the server normalised them): stored as they are.
    rows = [
        _row_values(kind, data if schema.is_canonical(kind, data) else _checked(kind, data))
        for data in entities
    ]
    _insert_many(MODEL_OF[kind], rows, replace=True)
    if rows:
        _changed("*", None)
    return len(rows)


def delete(kind: str, code: str) -> bool:
    """Remove one entity (a pulled tombstone); False if it was not there."""
    model = MODEL_OF[kind]
    removed = model.delete().where(model._meta.primary_key == code).execute()
    _changed(kind, code)
    return bool(removed)


def export_catalog() -> CatalogDocument:
    doc = CatalogDocument()
    for kind in SECTIONS:
        model = MODEL_OF[kind]
        doc.entities(kind).extend(
            to_dict(kind, row) for row in model.select().order_by(model._meta.primary_key)
        )
    return doc


# -- usage -------------------------------------------------------------------------
def bump_usage(code: str, n: int = 1) -> int:
    """Count that this site handled ``code`` (intake, ratings…); ranks the lookup."""
    with atomic():
        ItemUsage.insert(item_code=code, count=n, last_at=utcnow()).on_conflict(
            conflict_target=[ItemUsage.item_code],
            update={ItemUsage.count: ItemUsage.count + n, ItemUsage.last_at: utcnow()},
        ).execute()
        count = int(ItemUsage.get_by_id(code).count)
    _changed("usage", code)
    return count


def usage_counts() -> dict[str, int]:
    return {row.item_code: row.count for row in ItemUsage.select()}


# -- readers -----------------------------------------------------------------------
def is_empty() -> bool:
    return not Item.select().exists()


def get_item(code: str) -> dict[str, Any] | None:
    row = Item.get_or_none(Item.code == code)
    return to_dict(ITEM, row) if row is not None else None


def get_items(codes: Iterable[str]) -> list[dict[str, Any]]:
    """Items by code, in the order asked; unknown codes are left out."""
    wanted = list(codes)
    found = {row.code: to_dict(ITEM, row) for row in Item.select().where(Item.code.in_(wanted))}
    return [found[c] for c in wanted if c in found]


def iter_items() -> Iterator[dict[str, Any]]:
    for row in Item.select().order_by(Item.code).iterator():
        yield to_dict(ITEM, row)


def search_rows() -> Iterator[tuple[Any, ...]]:
    """What the search index needs per item, read without building dicts.

    (code, name, main_name, keywords JSON, pinyin, initials, department,
    exercise_level, online, service_object JSON, region_code) in code order.
    """
    cursor = database.execute_sql(
        "SELECT code, name, main_name, keywords, pinyin, initials, department,"
        " exercise_level, online, service_object, region_code FROM item ORDER BY code"
    )
    yield from cursor


def count_items() -> int:
    return int(Item.select().count())


def departments() -> list[dict[str, Any]]:
    return [to_dict(DEPARTMENT, r) for r in Department.select().order_by(Department.code)]


def get_department(code: str) -> dict[str, Any] | None:
    row = Department.get_or_none(Department.code == code)
    return to_dict(DEPARTMENT, row) if row is not None else None


def bundles() -> list[dict[str, Any]]:
    return [to_dict(BUNDLE, r) for r in Bundle.select().order_by(Bundle.code)]


def get_bundle(code: str) -> dict[str, Any] | None:
    row = Bundle.get_or_none(Bundle.code == code)
    return to_dict(BUNDLE, row) if row is not None else None


def bundles_with_item(code: str) -> list[dict[str, Any]]:
    return [b for b in bundles() if code in b["items"]]


def service_points() -> list[dict[str, Any]]:
    return [to_dict(SERVICE_POINT, r) for r in ServicePoint.select().order_by(ServicePoint.code)]


def get_point(code: str) -> dict[str, Any] | None:
    row = ServicePoint.get_or_none(ServicePoint.code == code)
    return to_dict(SERVICE_POINT, row) if row is not None else None
