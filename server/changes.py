"""The change feed workstations pull (docs/sync-protocol.md, "Pull").

Every admin change writes its change row in its own transaction through
``emit``; plugins reach it through the ``emit`` they are handed in
``sihao_server_record_applied``. A workstation sees scope ``city`` and scope
``site:<its code>``.

Retained history: ``compact()`` copies the latest upsert of every entity to the
end of the feed and deletes everything before the copies, tombstones included.
The lowest retained sequence is the *floor*. A cursor below ``floor - 1`` may have
missed a deletion that no longer exists, so its pull answers ``reset: true`` and
restarts at the floor: the first rows there are the copies, a snapshot of the
current state, paged like any other pull. Nothing about a reset is kept per
client, so any server process answers any page.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

import peewee

from server import db
from server.models import Change, ServerState, utcnow

log = logging.getLogger(__name__)

CITY = "city"
UPSERT = "upsert"
DELETE = "delete"
FLOOR_KEY = "history_floor"
MAX_PULL = 1000


def site_scope(code: str) -> str:
    return f"site:{code}"


def _dumps(data: Any) -> str | None:
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def emit(scope: str, kind: str, entity_id: str, op: str, data: Any = None) -> int:
    """Write one change row (call inside the transaction making the change)."""
    if op not in (UPSERT, DELETE):
        raise ValueError(f"op must be {UPSERT!r} or {DELETE!r}, not {op!r}")
    if not scope or not kind or not entity_id:
        raise ValueError("scope, kind and id are required")
    db.lock_changes()
    seq: int = Change.insert(
        scope=scope,
        kind=kind,
        entity_id=str(entity_id),
        op=op,
        data=None if op == DELETE else _dumps(data),
        at=utcnow(),
    ).execute()
    return seq


def emit_many(
    rows: Iterable[tuple[str, str, str, str, Any]], *, chunk: int = 500, encoded: bool = False
) -> int:
    """Write many change rows (scope, kind, id, op, data) in order; returns how many.

    ``encoded``: ``data`` is already JSON text (copied from another change row).
    """
    db.lock_changes()
    now = utcnow()
    batch: list[dict[str, Any]] = []
    count = 0
    for scope, kind, entity_id, op, data in rows:
        batch.append(
            {
                "scope": scope,
                "kind": kind,
                "entity_id": str(entity_id),
                "op": op,
                "data": None if op == DELETE else (data if encoded else _dumps(data)),
                "at": now,
            }
        )
        if len(batch) >= chunk:
            Change.insert_many(batch).execute()
            count += len(batch)
            batch = []
    if batch:
        Change.insert_many(batch).execute()
        count += len(batch)
    return count


def history_floor() -> int:
    p = db.database.param
    row = db.database.execute_sql(
        f"SELECT value FROM server_state WHERE key = {p}", (FLOOR_KEY,)
    ).fetchone()
    return int(row[0]) if row is not None else 0


# Kinds the server itself writes: a first pull always has them (plugin kinds may be
# left out when settled, ``FirstPull``).
CORE_KINDS = ("site", "window", "staff", "site.policy", "holiday.year")

# ``leave_out(kind, [(id, data), ...], before)``: the ids among those changes of a
# plugin kind that are settled before ``before`` (the plugins' sihao_server_settled).
LeaveOut = Callable[[str, list[tuple[str, Any]], dt.datetime], set[str]]


class FirstPull:
    """How a new workstation's first pull is bounded (docs/sync-protocol.md, "First
    pull"): changes of plugin kinds older than ``days`` whose entity the owning
    plugin says is settled are left out; everything else comes (the catalog, the
    site, staff, policy, holidays, open work and the recent window)."""

    def __init__(self, days: int, leave_out: LeaveOut) -> None:
        self.days = days
        self.leave_out = leave_out

    def filter(self, rows: list[Any], now: dt.datetime) -> list[Any]:
        """``rows`` (seq, kind, entity_id, op, data, at) without the settled ones."""
        before = now - dt.timedelta(days=self.days)
        old: dict[str, list[tuple[str, Any]]] = {}
        for _seq, kind, entity_id, op, data, at in rows:
            if kind in CORE_KINDS or kind.startswith("catalog.") or op != UPSERT:
                continue
            when = Change.at.python_value(at)
            if when is not None and when < before:
                old.setdefault(kind, []).append((entity_id, json.loads(data)))
        if not old:
            return rows
        dropped = {
            (kind, entity_id)
            for kind, found in old.items()
            for entity_id in self.leave_out(kind, found, before)
        }
        if not dropped:
            return rows
        return [row for row in rows if (row[1], row[2]) not in dropped]


def _page(
    site_code: str, since: int, limit: int, first: FirstPull | None = None
) -> tuple[list[Any], int, bool, bool]:
    """(rows, next, has_more, reset) of one page after ``since``.

    Every pull runs these two statements, so they are written once rather than built
    by the ORM per request (building them cost more than running them). ``first``:
    the page of a first pull, without what is settled (``next`` and ``has_more``
    are those of the whole page, so paging goes on where it stopped).
    """
    limit = max(1, min(limit, MAX_PULL))
    floor = history_floor()
    reset = since + 1 < floor
    start = floor - 1 if reset else since
    p = db.database.param
    rows: list[Any] = db.database.execute_sql(
        f"SELECT seq, kind, entity_id, op, data{', at' if first else ''} FROM changes "
        f"WHERE scope IN ({p}, {p}) AND seq > {p} ORDER BY seq LIMIT {p}",
        (CITY, site_scope(site_code), start, limit + 1),
    ).fetchall()
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1][0] if rows else start
    if first is not None:
        rows = [row[:5] for row in first.filter(rows, utcnow())]
    return rows, next_cursor, has_more, reset


def pull(site_code: str, since: int, limit: int, first: FirstPull | None = None) -> dict[str, Any]:
    """One page of changes in the site's scope after ``since``."""
    rows, next_cursor, has_more, reset = _page(site_code, since, limit, first)
    changes = [
        {
            "seq": seq,
            "kind": kind,
            "id": entity_id,
            "op": op,
            "data": json.loads(data) if data is not None else None,
        }
        for seq, kind, entity_id, op, data in rows
    ]
    return {"changes": changes, "next": next_cursor, "has_more": has_more, "reset": reset}


def pull_json(site_code: str, since: int, limit: int, first: FirstPull | None = None) -> bytes:
    """The same page as ``pull``, as the response body, built around the stored JSON.

    The change data is stored as JSON text already: decoding it to re-encode it cost
    the server most of a 20,000-item pull (31 MB of catalog JSON), so it is spliced
    in as it is.
    """
    rows, next_cursor, has_more, reset = _page(site_code, since, limit, first)
    dumps = json.dumps
    parts = [
        f'{{"seq":{seq},"kind":{dumps(kind, ensure_ascii=False)},'
        f'"id":{dumps(entity_id, ensure_ascii=False)},"op":{dumps(op)},'
        f'"data":{data if data is not None else "null"}}}'
        for seq, kind, entity_id, op, data in rows
    ]
    body = (
        '{"changes":['
        + ",".join(parts)
        + f'],"next":{next_cursor},"has_more":{dumps(has_more)},"reset":{dumps(reset)}}}'
    )
    return body.encode("utf-8")


def compact() -> dict[str, int]:
    """Keep only the latest state of every entity; return the new floor and counts."""
    with db.transaction():
        db.lock_changes()
        max_seq = Change.select(peewee.fn.MAX(Change.seq)).scalar()
        if max_seq is None:
            return {"floor": history_floor(), "copied": 0, "deleted": 0}
        latest = (
            Change.select(
                Change.scope,
                Change.kind,
                Change.entity_id,
                peewee.fn.MAX(Change.seq).alias("last"),
            )
            .where(Change.seq <= max_seq)
            .group_by(Change.scope, Change.kind, Change.entity_id)
        )
        live: Any = (
            Change.select(Change.scope, Change.kind, Change.entity_id, Change.op, Change.data)
            .join(latest, on=(Change.seq == latest.c.last))
            .where(Change.op == UPSERT)
            .order_by(Change.seq)
            .tuples()
        )
        copied = emit_many(list(live), encoded=True)  # read fully before writing to the same table
        if copied:
            first = Change.select(peewee.fn.MIN(Change.seq)).where(Change.seq > max_seq).scalar()
            floor = int(first)
        else:
            floor = int(max_seq)  # keep the last row: a sequence must never restart
        deleted = Change.delete().where(Change.seq < floor).execute()
        ServerState.insert(key=FLOOR_KEY, value=str(floor)).on_conflict(
            conflict_target=[ServerState.key], update={ServerState.value: str(floor)}
        ).execute()
    log.info("compacted changes: floor %d, %d copied, %d deleted", floor, copied, deleted)
    return {"floor": floor, "copied": copied, "deleted": deleted}
