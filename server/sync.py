"""Enrollment, authentication, push: the server half of docs/sync-protocol.md.

Push is the hot path (200 workstations at once must reach 5,000 records/s), and
under load a request waits on round trips to the database, not on work. So a push
is the token lookup plus, on PostgreSQL, one statement for the whole batch: which
entities belong to another site, ``INSERT … SELECT FROM unnest(…) ON CONFLICT DO
NOTHING RETURNING`` (the unique index on (site, kind, record_key) decides what
is new, so concurrent retries of the same batch cannot both apply, nor a record
resent after a re-enrollment), and the
workstation's cursor. In autocommit when no plugin reacts to records; otherwise
BEGIN rides on that statement (server.db) and COMMIT follows the plugins' rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import operator
import secrets
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
import peewee
from uuid6 import uuid7

from core.outbox import RecordContext, RecordKindRegistry, RecordRejected
from core.plugins import PluginHost
from server import changes, counter_tags, db, integrity, validation
from server.admin import hash_secret, normalise_code
from server.models import EnrollCode, Record, Rejection, Workstation, utcnow

log = logging.getLogger(__name__)

APPLIED = "applied"
DUPLICATE = "duplicate"
REJECTED = "rejected"
RETRYABLE = "retryable"

MAX_MUTATIONS = validation.MAX_MUTATIONS
LAST_SEEN_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Caller:
    """The workstation a request comes from (from its token)."""

    workstation_id: str
    site_code: str
    last_client_seq: int
    last_seen: dt.datetime | None
    audit_head: integrity.AuditHead = integrity.AuditHead(0, "")  # as acknowledged


class AppliedRecord(NamedTuple):
    """What ``sihao_server_record_applied`` receives about a stored record (read-only;
    a named tuple: one is made per stored record, and a frozen dataclass cost 4 µs
    each)."""

    server_seq: int
    workstation_id: str
    site_code: str
    kind: str
    entity_id: str
    mutation_id: str
    client_seq: int
    payload_version: int
    payload: dict[str, Any]
    created_at: dt.datetime | None
    received_at: dt.datetime


class EnrollError(Exception):
    """The code cannot be used; ``str()`` says why, ``code`` says it for a program
    (``unknown_code``, ``used_code``, ``expired_code``) so the workstation can say
    it in its user's language."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def enroll(code: str, name: str) -> dict[str, Any]:
    code_hash = hash_secret(normalise_code(code))
    now = utcnow()
    token = secrets.token_urlsafe(32)
    workstation_id = str(uuid7())
    with db.transaction():
        claimed = (
            EnrollCode.update(used_at=now, workstation=workstation_id)
            .where(
                (EnrollCode.code_hash == code_hash)
                & EnrollCode.used_at.is_null()
                & (EnrollCode.expires_at > now)
            )
            .execute()
        )
        if claimed != 1:
            row = EnrollCode.get_or_none(EnrollCode.code_hash == code_hash)
            if row is None:
                raise EnrollError(
                    "unknown enrollment code: check it, or ask IT for a new one", "unknown_code"
                )
            if row.used_at is not None:
                raise EnrollError(
                    "this enrollment code was already used: ask IT for a new one", "used_code"
                )
            raise EnrollError(
                "this enrollment code has expired: ask IT for a new one", "expired_code"
            )
        site = EnrollCode.get_by_id(code_hash).site
        Workstation.create(
            id=workstation_id,
            name=name[:200],
            site=site,
            token_hash=hash_secret(token),
            enrolled_at=now,
            last_seen=now,
        )
        tag = counter_tags.allocate(workstation_id, site)
    log.info("workstation %s enrolled for site %s (counter tag %s)", workstation_id, site, tag)
    return {
        "token": token,
        "workstation_id": workstation_id,
        "site_code": site,
        "server_time": now.isoformat(),
        "counter_tag": tag,
    }


def authenticate(token: str) -> Caller | None:
    """The caller of a live token, or None (unknown or revoked).

    Every request asks this, so the statement is written once, not built by the ORM
    each time (building the select cost more than running it).
    """
    if not token:
        return None
    p = db.database.param
    row = db.database.execute_sql(
        "SELECT id, site, last_client_seq, last_seen, audit_seq, audit_hash FROM workstation "
        f"WHERE token_hash = {p} AND revoked = {p} LIMIT 1",
        (hash_secret(token), False),
    ).fetchone()
    if row is None:
        return None
    return Caller(
        row[0],
        row[1],
        int(row[2]),
        Workstation.last_seen.python_value(row[3]),
        integrity.AuditHead(int(row[4]), str(row[5])),
    )


def touch(caller: Caller) -> None:
    """Note that the workstation was seen (at most once a minute, so pulls stay reads)."""
    now = utcnow()
    if caller.last_seen is None or now - caller.last_seen > LAST_SEEN_EVERY:
        with db.transaction():
            Workstation.update(last_seen=now).where(
                Workstation.id == caller.workstation_id
            ).execute()


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


_json_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _dumps(payload: Any) -> str:
    """A payload as stored: compact JSON, keys sorted, text as itself (not \\u escapes).

    orjson writes exactly that, eight times faster than the standard encoder (1.2 ms
    of a 150-record push, measured); numbers it cannot hold (integers past 64 bits)
    go through the standard encoder, which gives the same text for everything else.
    """
    try:
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        return _json_dumps(payload)


class _Batch:
    """The answers of one push as they are decided, in the order of the mutations."""

    def __init__(self, caller: Caller, now: dt.datetime) -> None:
        self.caller = caller
        self.now = now
        self.results: list[dict[str, Any]] = []
        self.rejections: dict[str, dict[str, Any]] = {}  # mutation id -> its Rejection row

    def answer(self, m: dict[str, Any], status: str | None, **extra: Any) -> dict[str, Any]:
        result = {"mutation_id": m["mutation_id"], "client_seq": m["client_seq"], "status": status}
        result.update(extra)
        self.results.append(result)
        return result

    def reject(self, result: dict[str, Any], kind: str, reason: str) -> None:
        result.update(status=REJECTED, reason=reason)
        result.pop("server_seq", None)
        self.rejections[result["mutation_id"]] = {
            "workstation": self.caller.workstation_id,
            "mutation_id": result["mutation_id"],
            "client_seq": result["client_seq"],
            "kind": kind[:200],
            "reason": reason,
            "at": self.now,
        }


class _HookFailed(Exception):
    """A plugin's record hook (or a check, on the database) raised on these records:
    the push is rolled back and tried again without them."""

    def __init__(self, culprits: dict[str, str]) -> None:
        super().__init__(f"{len(culprits)} records refused by a plugin hook")
        self.culprits = culprits  # mutation id -> reason


def push(
    caller: Caller,
    mutations: list[dict[str, Any]],
    kinds: RecordKindRegistry,
    host: PluginHost | None = None,
    audit_head: integrity.AuditHead | None = None,
) -> dict[str, Any]:
    """Store a batch of mutations; answer each one (docs/sync-protocol.md, "Push").

    Each record is judged alone: its kind's schema and the token's site
    (server.validation), the sites it names, then its kind's ``check`` inside the
    push transaction. A refused record is answered ``rejected`` with its reason and
    the others go on; so does a record a plugin's hook raises on (the push is run
    again without it), and the plugin stays loaded for every other record.

    Raises ``integrity.CloneSuspected`` (nothing stored; the workstation flagged)
    when the numbers say the token is in use on two machines. ``audit_head``, the
    workstation's audit chain head, is kept (``integrity.anchored``) and answered.
    """
    now = utcnow()
    try:
        integrity.screen_sequence(caller.workstation_id, caller.last_client_seq, mutations)
    except integrity.CloneSuspected as exc:
        integrity.flag(caller.workstation_id, caller.site_code, f"cloned token? {exc}")
        raise
    anchor = integrity.anchored(
        caller.workstation_id, caller.site_code, caller.audit_head, audit_head
    )
    acknowledged_head = anchor or caller.audit_head
    batch = _Batch(caller, now)
    writer = validation.Writer(caller.site_code, caller.workstation_id)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    named_sites: set[str] = set()
    for m in mutations:
        mutation_id = m["mutation_id"]
        if mutation_id in seen:  # the same mutation twice in one batch
            batch.answer(m, DUPLICATE)
            continue
        kind = kinds.get(m["kind"])
        result = batch.answer(m, None)
        if kind is None:
            batch.reject(
                result,
                m["kind"],
                f"unknown record kind {m['kind']!r}: no server plugin registers it",
            )
            continue
        version = m["payload_version"]
        if version not in (kind.payload_version, kind.payload_version - 1) or version < 1:
            batch.reject(
                result,
                kind.kind,
                f"payload version {version} of {kind.kind!r} is not accepted: "
                f"the server takes {kind.payload_version} or {kind.payload_version - 1}",
            )
            continue
        rules = validation.rules(kinds, kind)
        sites: set[str] = set()
        reason = validation.judge(rules, version, m["payload"], writer, sites)
        if reason is not None:
            batch.reject(result, kind.kind, reason)
            continue
        seen.add(mutation_id)
        sites.discard(caller.site_code)
        # The same record whatever workstation id or mutation id it comes under again.
        record_key = m["entity_id"] if kind.append_only else mutation_id
        named_sites |= sites
        rows.append(
            {
                "workstation": caller.workstation_id,
                "site": caller.site_code,
                "kind": m["kind"],
                "entity_id": m["entity_id"],
                "mutation_id": mutation_id,
                "client_seq": m["client_seq"],
                "payload": None,  # written once the checks have filled what they may
                "_payload": m["payload"],
                "_result": result,
                "_sites": sites,
                "_check": kind.check,
                "payload_version": version,
                "created_at": _naive_utc(m.get("created_at")),
                "record_key": record_key,
                "received_at": now,
            }
        )

    hook_plugins = _hook_plugins(host)
    try:
        if named_sites:
            rows = _refuse_unknown_sites(batch, rows, named_sites)
        for row in rows:
            row["payload"] = _dumps(row["_payload"])
        checked = any(row["_check"] is not None for row in rows)
        culprits: dict[str, str] = {}
        for _attempt in range(4):
            try:
                _apply(batch, rows, culprits, host, hook_plugins, checked, anchor)
                break
            except _HookFailed as failed:
                culprits.update(failed.culprits)  # rolled back; again without them
        else:
            raise peewee.OperationalError("plugin hooks kept failing on this push")
        for row in rows:
            if row["mutation_id"] in culprits:
                batch.reject(row["_result"], row["kind"], culprits[row["mutation_id"]])
        if batch.rejections:
            _store_rejections(batch)
        acknowledged = [
            r["client_seq"] for r in batch.results if r["status"] in (APPLIED, DUPLICATE)
        ]
        last = max([caller.last_client_seq, *acknowledged])
    except peewee.OperationalError as exc:
        # Serialisation failures, deadlocks, a busy SQLite: nothing was kept; try again.
        log.warning("push from %s rolled back: %s", caller.workstation_id, exc)
        db.discard_connection()  # it may be the connection that failed
        return {
            "results": [
                {
                    "mutation_id": m["mutation_id"],
                    "client_seq": m["client_seq"],
                    "status": RETRYABLE,
                    "reason": "the server was busy: send again later",
                }
                for m in mutations
            ],
            "last_client_seq": caller.last_client_seq,
            "server_time": utcnow().isoformat(),
            "audit_head": _head_json(caller.audit_head),
        }
    return {
        "results": batch.results,
        "last_client_seq": last,
        "server_time": now.isoformat(),
        "audit_head": _head_json(acknowledged_head),
    }


def _head_json(head: integrity.AuditHead) -> dict[str, Any]:
    return {"seq": head.seq, "hash": head.hash}


def _refuse_unknown_sites(
    batch: _Batch, rows: list[dict[str, Any]], named: set[str]
) -> list[dict[str, Any]]:
    """Records naming a site the server does not know are refused (one query a push,
    and only when a record names a site other than its writer's)."""
    from server.models import Site

    query = Site.select(Site.code).where(Site.code.in_(sorted(named)))
    known = {str(code) for (code,) in query.tuples()}  # type: ignore[misc,has-type]
    unknown = named - known
    if not unknown:
        return rows
    kept = []
    for row in rows:
        if row["_sites"] & unknown:
            batch.reject(
                row["_result"], row["kind"], "the record names a site the server does not know"
            )
        else:
            kept.append(row)
    return kept


def _apply(
    batch: _Batch,
    rows: list[dict[str, Any]],
    culprits: dict[str, str],
    host: PluginHost | None,
    hook_plugins: list[str],
    checked: bool,
    anchor: integrity.AuditHead | None = None,
) -> None:
    """One try at the batch: checks, store, hooks in one transaction (the rows in
    ``culprits`` left out). Raises ``_HookFailed`` (rolled back) when a hook raised."""
    caller, now = batch.caller, batch.now
    for row in rows:  # a try after a rolled-back one decides every record again
        row["_result"]["status"] = None
        row["_result"].pop("server_seq", None)
        row["_result"].pop("reason", None)
        batch.rejections.pop(row["mutation_id"], None)
    # On PostgreSQL a batch nobody checks or reacts to is one statement in autocommit
    # (each round trip to the database is what a loaded server waits on); otherwise
    # one transaction holds the checks' reads, the records and the plugins' rows.
    atomic = bool(hook_plugins or checked) or not db.is_postgres()
    with db.transaction() if atomic else contextlib.nullcontext():
        todo = [row for row in rows if row["mutation_id"] not in culprits]
        if checked:
            todo = _run_checks(batch, todo)
        inserted: dict[str, int] = {}
        foreign: set[tuple[str, str]] = set()
        if todo:
            inserted, foreign = _store(caller, todo, now, anchor)
        else:
            _touch_cursor(caller, now, caller.last_client_seq, anchor)
        kept = []
        for row in todo:
            if (row["kind"], row["entity_id"]) in foreign:
                batch.reject(
                    row["_result"],
                    row["kind"],
                    f"entity {row['entity_id']} belongs to another site",
                )
            else:
                kept.append(row)
        duplicates = [r for r in kept if r["mutation_id"] not in inserted]
        existing: dict[tuple[str, str], int] = {}
        if duplicates:
            # Every column of the unique index constrained: an index lookup per key.
            query = Record.select(Record.kind, Record.record_key, Record.server_seq).where(
                (Record.site == caller.site_code)
                & Record.kind.in_(sorted({r["kind"] for r in duplicates}))
                & Record.record_key.in_([r["record_key"] for r in duplicates])
            )
            existing = {(k, key): int(seq) for k, key, seq in query.tuples()}  # type: ignore[misc,has-type]
        for row in kept:
            result = row["_result"]
            if row["mutation_id"] in inserted:
                result["status"] = APPLIED
                result["server_seq"] = inserted[row["mutation_id"]]
            else:
                # Stored before: a retry, or resent after a re-enrollment.
                result["status"] = DUPLICATE
                first = existing.get((row["kind"], row["record_key"]))
                if first is not None:
                    result["server_seq"] = first
        if hook_plugins and inserted:
            _run_hooks(host, hook_plugins, caller, kept, inserted)


def _run_checks(batch: _Batch, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each record's kind ``check``, in batch order, seeing the records accepted before it.

    A check that fails on the database (PostgreSQL then refuses every statement of
    the transaction) refuses its record like a failing hook: the push is rolled back
    and run again without it. (No savepoint around the checks: two round trips a
    push, for a failure that should never happen.)
    """
    caller = batch.caller
    earlier: list[tuple[str, str, dict[str, Any]]] = []
    kept: list[dict[str, Any]] = []
    for row in rows:
        check = row["_check"]
        if check is not None:
            context = RecordContext(
                kind=row["kind"],
                entity_id=row["entity_id"],
                payload_version=row["payload_version"],
                site_code=caller.site_code,
                workstation_id=caller.workstation_id,
                earlier=tuple(earlier),
            )
            try:
                reason = _checked(check, row, context)
            except peewee.DatabaseError as exc:
                if _transient(exc):
                    raise  # a deadlock, a lost connection: the whole push is retryable
                _log_failure("check", row, exc)
                raise _HookFailed({row["mutation_id"]: _COULD_NOT_CHECK}) from None
            if reason is not None:
                batch.reject(row["_result"], row["kind"], reason)
                continue
        earlier.append((row["kind"], row["entity_id"], row["_payload"]))
        kept.append(row)
    return kept


def _transient(exc: BaseException) -> bool:
    """A failure that trying again later may cure (the push is answered retryable),
    not one of the statement itself. SQLite calls both OperationalError."""
    if not isinstance(exc, peewee.OperationalError):
        return False
    if db.is_postgres():
        return True
    text = str(exc).lower()
    return "locked" in text or "busy" in text or "i/o" in text


_COULD_NOT_CHECK = "the server could not check this record: its log has the detail"


def _checked(check: Any, row: dict[str, Any], context: RecordContext) -> str | None:
    try:
        check(row["_payload"], context)
    except RecordRejected as exc:
        return str(exc) or "the record was refused"
    except peewee.DatabaseError:
        raise  # _run_checks deals with it
    except Exception as exc:
        _log_failure("check", row, exc)
        return _COULD_NOT_CHECK
    return None


def _log_failure(what: str, row: dict[str, Any], exc: BaseException) -> None:
    """The detail for the server's log: the kind, ids and the error, scrubbed of ID
    and mobile numbers (an exception may quote the payload)."""
    from core.masking import scrub

    log.error(
        "%s of %s %s (mutation %s) failed: %s",
        what,
        row["kind"],
        row["entity_id"],
        row["mutation_id"],
        scrub("".join(traceback.format_exception(exc))),
    )


def _store_rejections(batch: _Batch) -> None:
    # One row per mutation (a batch may repeat a refused mutation).
    with db.transaction():
        Rejection.insert_many(list(batch.rejections.values())).on_conflict(
            conflict_target=[Rejection.workstation, Rejection.mutation_id],
            update={Rejection.reason: peewee.EXCLUDED.reason, Rejection.at: batch.now},
        ).execute()


_RECORD_COLUMNS = (
    "kind",
    "entity_id",
    "mutation_id",
    "client_seq",
    "payload",
    "payload_version",
    "record_key",
    "created_at",
)
_PG_TYPES = ("text", "text", "text", "bigint", "text", "integer", "text", "timestamp")

# One statement for a whole batch on PostgreSQL: the batch's entities claimed for
# this site in entity_owner (an entity already there answers with its owner: the
# no-op update is what makes RETURNING name it, under a row lock, so two sites'
# first pushes of one entity cannot both win), the insert of the records whose
# entity is this site's (the unique index skips mutations stored before: they come
# back missing from RETURNING, i.e. duplicates), and the workstation's cursor.
# Every lookup goes through a unique index as the arbiter of ON CONFLICT, so no
# plan depends on the table statistics. Columns travel as arrays through unnest:
# 7 parameters instead of 3,500 (half the time of a VALUES list, measured).
_PG_STORE = f"""
WITH batch AS (
    SELECT * FROM unnest({", ".join(f"%(c{i})s::{t}[]" for i, t in enumerate(_PG_TYPES))})
        AS b({", ".join(_RECORD_COLUMNS)})
), owners AS (
    INSERT INTO entity_owner AS o (kind, entity_id, site)
    SELECT DISTINCT b.kind, b.entity_id, %(site)s FROM batch b
    ORDER BY b.kind, b.entity_id  -- one lock order for every batch: no deadlocks
    ON CONFLICT (kind, entity_id) DO UPDATE SET site = o.site
    RETURNING o.kind, o.entity_id, o.site
), foreign_entities AS (
    SELECT kind, entity_id FROM owners WHERE site <> %(site)s
), stored AS (
    INSERT INTO records (workstation, site, received_at, {", ".join(_RECORD_COLUMNS)})
    SELECT %(workstation)s, %(site)s, %(now)s, {", ".join("b." + c for c in _RECORD_COLUMNS)}
    FROM batch b
    WHERE NOT EXISTS (
        SELECT 1 FROM foreign_entities f WHERE f.kind = b.kind AND f.entity_id = b.entity_id
    )
    ON CONFLICT DO NOTHING  -- (site, kind, record_key): stored before
    RETURNING mutation_id, server_seq
), cursor_moved AS (
    UPDATE workstation SET last_seen = %(now)s, last_client_seq = GREATEST(
        last_client_seq,
        (SELECT max(b.client_seq) FROM batch b WHERE NOT EXISTS (
            SELECT 1 FROM foreign_entities f WHERE f.kind = b.kind AND f.entity_id = b.entity_id
        ))
    ),
    audit_seq = COALESCE(%(audit_seq)s::bigint, audit_seq),
    audit_hash = COALESCE(%(audit_hash)s::text, audit_hash),
    audit_at = CASE WHEN %(audit_seq)s::bigint IS NULL THEN audit_at ELSE %(now)s END
    WHERE id = %(workstation)s
)
SELECT 's', mutation_id, server_seq::text FROM stored
UNION ALL
SELECT 'f', kind, entity_id FROM foreign_entities
"""


def _store(
    caller: Caller,
    rows: list[dict[str, Any]],
    now: dt.datetime,
    anchor: integrity.AuditHead | None = None,
) -> tuple[dict[str, int], set[tuple[str, str]]]:
    """Store the batch; return (mutation id -> server seq stored now, foreign entities).

    Written as SQL rather than ``Record.insert_many``: peewee builds a 500-row insert
    in about 100 ms of Python, this in under 2 ms.
    """
    # The values already have their columns' types (the request body was validated).
    inserted: dict[str, int] = {}
    foreign: set[tuple[str, str]] = set()
    if db.is_postgres():
        values = [[row[c] for row in rows] for c in _RECORD_COLUMNS]
        named: dict[str, Any] = {f"c{i}": column for i, column in enumerate(values)}
        named.update(
            site=caller.site_code,
            workstation=caller.workstation_id,
            now=now,
            audit_seq=anchor.seq if anchor else None,
            audit_hash=anchor.hash if anchor else None,
        )
        cursor = db.database.execute_sql(_PG_STORE, named)
        for tag, first, second in cursor.fetchall():
            if tag == "s":
                inserted[first] = int(second)
            else:
                foreign.add((first, second))
        return inserted, foreign
    # SQLite: in-process, so several statements cost no more than one. Claim the
    # batch's new entities for this site, then read which of them another site owns.
    claims = sorted({(row["kind"], row["entity_id"]) for row in rows})
    db.database.execute_sql(
        "INSERT OR IGNORE INTO entity_owner (kind, entity_id, site) VALUES "
        + ", ".join(["(?, ?, ?)"] * len(claims)),
        [value for kind, entity_id in claims for value in (kind, entity_id, caller.site_code)],
    )
    by_kind: dict[str, list[str]] = {}
    for kind, entity_id in claims:
        by_kind.setdefault(kind, []).append(entity_id)
    for kind, ids in by_kind.items():
        cursor = db.database.execute_sql(
            f"SELECT kind, entity_id FROM entity_owner WHERE kind = ? "
            f"AND entity_id IN ({', '.join('?' * len(ids))}) AND site <> ?",
            [kind, *ids, caller.site_code],
        )
        foreign.update((k, e) for k, e in cursor.fetchall())
    kept = [r for r in rows if (r["kind"], r["entity_id"]) not in foreign]
    if kept:
        columns = ("workstation", "site", "received_at", *_RECORD_COLUMNS)
        placeholders = "(" + ", ".join("?" * len(columns)) + ")"
        # Dates as the text sqlite3's adapter (and so peewee) stores: written here,
        # the received time once for the batch.
        received_at = now.isoformat(" ")
        row_values = operator.itemgetter(*_RECORD_COLUMNS[:-1])
        params: list[Any] = []
        for row in kept:
            created = row["created_at"]
            params.extend((caller.workstation_id, caller.site_code, received_at))
            params.extend(row_values(row))
            params.append(None if created is None else created.isoformat(" "))
        cursor = db.database.execute_sql(
            f"INSERT INTO records ({', '.join(columns)}) VALUES "
            + ", ".join([placeholders] * len(kept))
            + " ON CONFLICT DO NOTHING"  # (site, kind, record_key): stored before
            " RETURNING mutation_id, server_seq",
            params,
        )
        inserted = {mutation_id: int(seq) for mutation_id, seq in cursor.fetchall()}
    _touch_cursor(caller, now, max([0, *(r["client_seq"] for r in kept)]), anchor)
    return inserted, foreign


def _touch_cursor(
    caller: Caller, now: dt.datetime, last: int, anchor: integrity.AuditHead | None = None
) -> None:
    """last_seen, last_client_seq raised to ``last`` (never lowered), and the audit
    anchor when it moves."""
    values: dict[Any, Any] = {
        Workstation.last_seen: now,
        Workstation.last_client_seq: peewee.Case(
            None, [(Workstation.last_client_seq < last, last)], Workstation.last_client_seq
        ),
    }
    if anchor is not None:
        values.update(
            {
                Workstation.audit_seq: anchor.seq,
                Workstation.audit_hash: anchor.hash,
                Workstation.audit_at: now,
            }
        )
    Workstation.update(values).where(Workstation.id == caller.workstation_id).execute()


def _hook_plugins(host: PluginHost | None) -> list[str]:
    """Plugins reacting to stored records, one by one or a push at a time."""
    if host is None:
        return []
    names: dict[str, None] = {}
    for hook in (
        host.pm.hook.sihao_server_record_applied,
        host.pm.hook.sihao_server_records_applied,
    ):
        for impl in reversed(hook.get_hookimpls()):
            names[impl.plugin_name] = None
    return list(names)


def _buffer(rows: list[tuple[str, str, str, str, Any]]) -> Callable[..., None]:
    """The ``emit`` a plugin gets: checks the change and keeps it until the plugin is done."""

    def emit(scope: str, kind: str, entity_id: str, op: str, data: Any = None) -> None:
        if op not in (changes.UPSERT, changes.DELETE):
            raise ValueError(f"op must be {changes.UPSERT!r} or {changes.DELETE!r}, not {op!r}")
        if not scope or not kind or not entity_id:
            raise ValueError("scope, kind and id are required")
        rows.append((scope, kind, str(entity_id), op, data))

    return emit


def _run_hooks(
    host: PluginHost | None,
    plugins: list[str],
    caller: Caller,
    rows: list[dict[str, Any]],
    inserted: dict[str, int],
) -> None:
    """Tell plugins about each stored record, inside the push transaction.

    What a plugin emits is kept aside until it has seen the whole batch, then all
    plugins' change rows are written in one insert. A plugin that raises on a record
    is never switched off (it would then refuse every site's records until a
    restart): the records it raised on are found, logged and refused alone
    (``_HookFailed``: the push runs again without them). A per-record hook names
    its record by raising; a batch hook that raises is called again record by
    record, each in a savepoint rolled back afterwards, to find which.
    """
    assert host is not None
    records = [
        AppliedRecord(
            server_seq=inserted[row["mutation_id"]],
            workstation_id=caller.workstation_id,
            site_code=caller.site_code,
            kind=row["kind"],
            entity_id=row["entity_id"],
            mutation_id=row["mutation_id"],
            client_seq=row["client_seq"],
            payload_version=row["payload_version"],
            payload=row["_payload"],
            created_at=row["created_at"],
            received_at=row["received_at"],
        )
        for row in rows
        if row["mutation_id"] in inserted
    ]
    emitted: list[tuple[str, str, str, str, Any]] = []
    each = {
        impl.plugin_name: impl for impl in host.pm.hook.sihao_server_record_applied.get_hookimpls()
    }
    batch = {
        impl.plugin_name: impl for impl in host.pm.hook.sihao_server_records_applied.get_hookimpls()
    }
    culprits: dict[str, str] = {}
    for name in plugins:
        info = host.plugins.get(name)
        if info is None or not info.loaded or (name not in each and name not in batch):
            continue
        buffered: list[tuple[str, str, str, str, Any]] = []
        emit = _buffer(buffered)
        # The impls are called directly (the host's ``call`` per record was a third
        # of this loop).
        if name in each:
            function, argnames = each[name].function, each[name].argnames
            for record in records:
                given = {"record": record, "emit": emit}
                try:
                    function(**{arg: given[arg] for arg in argnames})
                except Exception as exc:
                    if _transient(exc):
                        raise  # a deadlock, a lost connection: the whole push is retryable
                    culprits[record.mutation_id] = _hook_reason(name, record, exc)
            if culprits:  # the push is rolled back and tried again without them
                raise _HookFailed(culprits)
        if name in batch:
            function, argnames = batch[name].function, batch[name].argnames
            try:
                # Its own writes in a savepoint: if they fail, only they are undone.
                with db.database.atomic():
                    function(**{arg: {"records": records, "emit": emit}[arg] for arg in argnames})
            except Exception as exc:
                if _transient(exc):
                    raise
                raise _HookFailed(_batch_culprits(name, function, argnames, records)) from None
        emitted.extend(buffered)
    if emitted:
        changes.emit_many(emitted)


def _hook_reason(plugin: str, record: AppliedRecord, exc: BaseException) -> str:
    _log_failure(
        f"plugin {plugin}'s record hook",
        {"kind": record.kind, "entity_id": record.entity_id, "mutation_id": record.mutation_id},
        exc,
    )
    return f"the server's {plugin} plugin could not take this record: its log has the detail"


def _batch_culprits(
    plugin: str, function: Any, argnames: tuple[str, ...], records: list[AppliedRecord]
) -> dict[str, str]:
    """Which records a batch hook raises on, called with each alone (rolled back)."""

    class _Undo(Exception):
        pass

    found: dict[str, str] = {}
    for record in records:
        given = {"records": [record], "emit": _buffer([])}
        try:
            with db.database.atomic():
                function(**{arg: given[arg] for arg in argnames})
                raise _Undo
        except _Undo:
            continue
        except Exception as exc:
            if _transient(exc):
                raise
            found[record.mutation_id] = _hook_reason(plugin, record, exc)
    if not found:  # it fails only on the records together: none of them can be taken
        log.error("plugin %s's batch hook fails on a push, not on any record alone", plugin)
        reason = f"the server's {plugin} plugin could not take this push: its log has the detail"
        found = {record.mutation_id: reason for record in records}
    return found
