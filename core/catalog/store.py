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

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import peewee

from core import audit
from core.catalog import schema
from core.catalog.formats import SECTIONS, CatalogDocument, CatalogImportError
from core.catalog.models import (
    Bundle,
    Department,
    Item,
    ItemUsage,
    JSONTextField,
    ServicePoint,
    Term,
    Word,
)
from core.catalog.pinyin import DERIVED_KEYS, derived_pinyin, fits
from core.catalog.schema import BUNDLE, DEPARTMENT, ITEM, SERVICE_POINT, TERM, WORD, Problem
from core.db import atomic, database
from core.models import utcnow

log = logging.getLogger(__name__)

MODEL_OF: dict[str, type[peewee.Model]] = {
    DEPARTMENT: Department,
    ITEM: Item,
    BUNDLE: Bundle,
    SERVICE_POINT: ServicePoint,
    TERM: Term,
    WORD: Word,
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


# -- rows and dicts ----------------------------------------------------------------
@functools.cache
def _columns(kind: str) -> tuple[str, ...]:
    return tuple(key for key, _check in schema.FIELDS[kind])


def to_dict(kind: str, row: peewee.Model) -> dict[str, Any]:
    return {key: getattr(row, key) for key in _columns(kind)}


def _row_values(
    kind: str,
    entity: dict[str, Any],
    derived: tuple[str, str] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The row of a canonical entity; an item's ``pinyin`` and ``initials`` are
    ``derived`` (sent by the server) or computed here."""
    values = {key: entity[key] for key in _columns(kind)}
    values["updated_at"] = now or utcnow()
    if kind == ITEM:
        values["pinyin"], values["initials"] = derived or derived_pinyin(
            entity["name"], entity["keywords"]
        )
    return values


# A pulled item: its fields and the pinyin the server derived from its name and
# keywords when IT imported the catalog (docs/sync-protocol.md, "Pull").
_PULLED_ITEM_KEYS = frozenset((*_columns(ITEM), *DERIVED_KEYS))


def _pulled_row(kind: str, data: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The row of a pulled entity.

    What the server sends is canonical (it normalised every entity at import), so it
    is stored as it is after the quick check (``schema.is_canonical``). An item comes
    with its ``pinyin`` and ``initials``, stored as they are when they fit its
    keywords, else (not sent: an older server or an older change row; not fitting)
    computed here. Anything untidy or malformed goes the full way: ``normalise`` (or
    ``CatalogImportError``), pinyin computed here.
    """
    if type(data) is dict:
        if kind == ITEM and data.keys() == _PULLED_ITEM_KEYS:
            pinyin, initials = data["pinyin"], data["initials"]
            if schema.canonical_values(ITEM, data) and fits(pinyin, initials, data["keywords"]):
                return _row_values(ITEM, data, (pinyin, initials), now)
        elif schema.is_canonical(kind, data):
            return _row_values(kind, data, None, now)
    return _row_values(kind, _checked(kind, data), None, now)


_PLAIN_TYPES: dict[type[peewee.Field], type] = {
    peewee.CharField: str,
    peewee.TextField: str,
    peewee.IntegerField: int,
    peewee.BooleanField: bool,
}


@functools.cache
def _orjson_dumps() -> Callable[[Any], bytes]:
    import orjson  # ≈ 25 ms: when the first row is written, not at start-up

    return orjson.dumps


def _json_text(value: Any) -> str | None:
    """What ``JSONTextField.db_value`` stores, for the list fields of a checked entity.

    They hold only text, whole numbers, flags, lists and objects (``schema``), where
    ``orjson.dumps`` writes exactly the text of ``json.dumps(value,
    ensure_ascii=False, separators=(",", ":"))`` at a third of its cost per call
    (120,000 calls for 20,000 items); what it refuses (a number past 64 bits, a lone
    surrogate) goes the usual way.
    """
    if value is None:
        return None
    try:
        return _orjson_dumps()(value).decode("utf-8")
    except (TypeError, ValueError):
        return JSON_TEXT.db_value(value)


JSON_TEXT = JSONTextField()


def _insert_many(
    model: type[peewee.Model], rows: list[dict[str, Any]], *, replace: bool = False
) -> None:
    """Plain ``executemany``: peewee's insert_many spends ≈ 1.5 ms per row building SQL
    (100,000 items took 120 s; this takes a few seconds). Rows are checked entities."""
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
    # their column's type (what ``db_value`` would return); lists as JSON text; the
    # rest through ``db_value``.
    plain: list[tuple[int, type, Callable[[Any], Any]]] = []
    other: list[tuple[int, Callable[[Any], Any]]] = []
    for n, field in enumerate(fields):
        kind = _PLAIN_TYPES.get(type(field))
        if kind is not None:
            plain.append((n, kind, field.db_value))
        else:
            other.append((n, _json_text if isinstance(field, JSONTextField) else field.db_value))
    names = [f.name for f in fields]

    def values(row: dict[str, Any]) -> list[Any]:
        out = [row[name] for name in names]
        for n, kind, db_value in plain:
            if type(out[n]) is not kind:
                out[n] = db_value(out[n])
        for n, convert in other:
            out[n] = convert(out[n])
        return out

    cursor = database.cursor()
    cursor.executemany(sql, map(values, rows))


def _checked(kind: str, data: Any) -> dict[str, Any]:
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
    row = _pulled_row(kind, data)
    MODEL_OF[kind].insert(row).on_conflict_replace().execute()
    _changed(kind, row["code"])
    return {key: row[key] for key in _columns(kind)}


def upsert_many(kind: str, entities: list[Any]) -> int:
    """Insert or replace many entities of one kind (a page of pulled changes).

    All are checked first: one bad entity raises ``CatalogImportError`` and nothing
    is written. One ``executemany`` and one catalog-wide change for the listeners.
    """
    now = utcnow()
    rows = [_pulled_row(kind, data, now) for data in entities]
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


def words() -> list[dict[str, Any]]:
    """The catalog's synonyms and fillers (``catalog.word``), as the lookup reads them."""
    return [to_dict(WORD, r) for r in Word.select().order_by(Word.code)]


def glossary() -> dict[str, str]:
    """The catalog's glossary (``catalog.term``): term -> the plain words printed for it."""
    return {str(row.code): str(row.plain) for row in Term.select().order_by(Term.code)}


def catalog_version() -> str:
    """What the footer of a printout names the catalog by: when the local catalog last
    changed (an import or a pulled change), so a stale printout can be recognised.
    Empty while the catalog is empty."""
    latest = [
        model.select(peewee.fn.MAX(model.updated_at)).scalar()
        for model in (Item, Bundle, Department, ServicePoint, Term, Word)
    ]
    stamps = [_as_datetime(v) for v in latest if v]
    if not stamps:
        return ""
    return max(stamps).strftime("%Y.%m.%d-%H%M")


def _as_datetime(value: Any) -> dt.datetime:
    # MAX() over a DateTimeField comes back as SQLite's text.
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))
