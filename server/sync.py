"""Enrollment, authentication, push: the server half of docs/sync-protocol.md.

Push is the hot path (200 workstations at once must reach 5,000 records/s), so a
request costs a fixed handful of statements whatever its size: one token lookup,
one check that no entity in the batch belongs to another site, one
``INSERT … ON CONFLICT DO NOTHING RETURNING`` for the whole batch (the unique index
on (workstation, mutation_id) decides what is new, so concurrent retries of the
same batch cannot both apply), and one update of the workstation's cursor.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import peewee
from uuid6 import uuid7

from core.outbox import RecordKindRegistry
from core.plugins import PluginHost
from server import changes, db
from server.admin import hash_secret, normalise_code
from server.models import EnrollCode, Record, Rejection, Workstation, utcnow

log = logging.getLogger(__name__)

APPLIED = "applied"
DUPLICATE = "duplicate"
REJECTED = "rejected"
RETRYABLE = "retryable"

MAX_MUTATIONS = 500
LAST_SEEN_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Caller:
    """The workstation a request comes from (from its token)."""

    workstation_id: str
    site_code: str
    last_client_seq: int
    last_seen: dt.datetime | None


@dataclass(frozen=True)
class AppliedRecord:
    """What ``sihao_server_record_applied`` receives about a stored record."""

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
    """The code cannot be used; ``str()`` says why."""


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
                raise EnrollError("unknown enrollment code: check it, or ask IT for a new one")
            if row.used_at is not None:
                raise EnrollError("this enrollment code was already used: ask IT for a new one")
            raise EnrollError("this enrollment code has expired: ask IT for a new one")
        site = EnrollCode.get_by_id(code_hash).site
        Workstation.create(
            id=workstation_id,
            name=name[:200],
            site=site,
            token_hash=hash_secret(token),
            enrolled_at=now,
            last_seen=now,
        )
    log.info("workstation %s enrolled for site %s", workstation_id, site)
    return {
        "token": token,
        "workstation_id": workstation_id,
        "site_code": site,
        "server_time": now.isoformat(),
    }


def authenticate(token: str) -> Caller | None:
    """The caller of a live token, or None (unknown or revoked)."""
    if not token:
        return None
    row = (
        Workstation.select(
            Workstation.id, Workstation.site, Workstation.last_client_seq, Workstation.last_seen
        )
        .where((Workstation.token_hash == hash_secret(token)) & (Workstation.revoked == False))  # noqa: E712
        .tuples()
        .first()
    )
    if row is None:
        return None
    return Caller(row[0], row[1], int(row[2]), row[3])


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


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def push(
    caller: Caller,
    mutations: list[dict[str, Any]],
    kinds: RecordKindRegistry,
    host: PluginHost | None = None,
) -> dict[str, Any]:
    """Store a batch of mutations; answer each one (docs/sync-protocol.md, "Push")."""
    now = utcnow()
    results: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    row_index: dict[str, int] = {}  # mutation_id -> position in results
    rejections: list[dict[str, Any]] = []

    def reject(m: dict[str, Any], reason: str) -> None:
        results.append(
            {
                "mutation_id": m["mutation_id"],
                "client_seq": m["client_seq"],
                "status": REJECTED,
                "reason": reason,
            }
        )
        rejections.append(
            {
                "workstation": caller.workstation_id,
                "mutation_id": m["mutation_id"],
                "client_seq": m["client_seq"],
                "kind": m["kind"][:200],
                "reason": reason,
                "at": now,
            }
        )

    for m in mutations:
        mutation_id = m["mutation_id"]
        if mutation_id in row_index:  # the same mutation twice in one batch
            results.append(
                {"mutation_id": mutation_id, "client_seq": m["client_seq"], "status": DUPLICATE}
            )
            continue
        kind = kinds.get(m["kind"])
        if kind is None:
            reject(m, f"unknown record kind {m['kind']!r}: no server plugin registers it")
            continue
        version = m["payload_version"]
        if version not in (kind.payload_version, kind.payload_version - 1) or version < 1:
            reject(
                m,
                f"payload version {version} of {kind.kind!r} is not accepted: "
                f"the server takes {kind.payload_version} or {kind.payload_version - 1}",
            )
            continue
        row_index[mutation_id] = len(results)
        results.append({"mutation_id": mutation_id, "client_seq": m["client_seq"], "status": None})
        rows.append(
            {
                "workstation": caller.workstation_id,
                "site": caller.site_code,
                "kind": m["kind"],
                "entity_id": m["entity_id"],
                "mutation_id": mutation_id,
                "client_seq": m["client_seq"],
                "payload": _dumps(m["payload"]),
                "payload_version": version,
                "created_at": _naive_utc(m.get("created_at")),
                "received_at": now,
            }
        )

    hook_plugins = _hook_plugins(host)
    try:
        with db.transaction():
            if rows:
                foreign = _foreign_entities(caller.site_code, rows)
                if foreign:
                    kept = []
                    for row in rows:
                        if (row["kind"], row["entity_id"]) in foreign:
                            position = row_index.pop(row["mutation_id"])
                            results[position]["status"] = REJECTED
                            reason = f"entity {row['entity_id']} belongs to another site"
                            results[position]["reason"] = reason
                            rejections.append(
                                {
                                    "workstation": caller.workstation_id,
                                    "mutation_id": row["mutation_id"],
                                    "client_seq": row["client_seq"],
                                    "kind": row["kind"],
                                    "reason": reason,
                                    "at": now,
                                }
                            )
                        else:
                            kept.append(row)
                    rows = kept
            inserted: dict[str, int] = {}
            if rows:
                cursor = (
                    Record.insert_many(rows)
                    .on_conflict_ignore()
                    .returning(Record.mutation_id, Record.server_seq)
                    .tuples()
                    .execute()
                )
                inserted = {mutation_id: int(seq) for mutation_id, seq in cursor}
                duplicates = [r["mutation_id"] for r in rows if r["mutation_id"] not in inserted]
                existing: dict[str, int] = (
                    dict(
                        Record.select(Record.mutation_id, Record.server_seq)
                        .where(
                            (Record.workstation == caller.workstation_id)
                            & Record.mutation_id.in_(duplicates)
                        )
                        .tuples()  # type: ignore[arg-type]
                    )
                    if duplicates
                    else {}
                )
                for row in rows:
                    result = results[row_index[row["mutation_id"]]]
                    if row["mutation_id"] in inserted:
                        result["status"] = APPLIED
                        result["server_seq"] = inserted[row["mutation_id"]]
                    else:
                        result["status"] = DUPLICATE
                        if row["mutation_id"] in existing:
                            result["server_seq"] = int(existing[row["mutation_id"]])
                if hook_plugins and inserted:
                    _run_hooks(host, hook_plugins, caller, rows, inserted)
            if rejections:
                # One row per mutation (a batch may repeat a refused mutation).
                rejections = list({r["mutation_id"]: r for r in rejections}.values())
                Rejection.insert_many(rejections).on_conflict(
                    conflict_target=[Rejection.workstation, Rejection.mutation_id],
                    update={Rejection.reason: peewee.EXCLUDED.reason, Rejection.at: now},
                ).execute()
            acknowledged = [r["client_seq"] for r in results if r["status"] in (APPLIED, DUPLICATE)]
            last = max([caller.last_client_seq, *acknowledged])
            Workstation.update(
                last_seen=now,
                last_client_seq=peewee.Case(
                    None,
                    [(Workstation.last_client_seq < last, last)],
                    Workstation.last_client_seq,
                ),
            ).where(Workstation.id == caller.workstation_id).execute()
    except peewee.OperationalError as exc:
        # Serialisation failures, deadlocks, a busy SQLite: nothing was kept; try again.
        log.warning("push from %s rolled back: %s", caller.workstation_id, exc)
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
        }
    return {"results": results, "last_client_seq": last, "server_time": now.isoformat()}


def _foreign_entities(site: str, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(kind, entity id) pairs in the batch already stored by another site."""
    ids = list({row["entity_id"] for row in rows})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(ids), 500):
        query: Any = (
            Record.select(Record.kind, Record.entity_id)
            .where(Record.entity_id.in_(ids[start : start + 500]) & (Record.site != site))
            .distinct()
            .tuples()
        )
        found.update((kind, entity_id) for kind, entity_id in query)
    return found


def _hook_plugins(host: PluginHost | None) -> list[str]:
    if host is None:
        return []
    impls = host.pm.hook.sihao_server_record_applied.get_hookimpls()
    return [impl.plugin_name for impl in reversed(impls)]


def _run_hooks(
    host: PluginHost | None,
    plugins: list[str],
    caller: Caller,
    rows: list[dict[str, Any]],
    inserted: dict[str, int],
) -> None:
    """Tell plugins about each stored record, inside the push transaction.

    Each plugin runs in a savepoint: one that raises is switched off by the host and
    whatever it wrote is rolled back, while the records and other plugins' rows stay.
    """
    assert host is not None
    emit: Callable[..., int] = changes.emit
    for row in rows:
        seq = inserted.get(row["mutation_id"])
        if seq is None:
            continue
        record = AppliedRecord(
            server_seq=seq,
            workstation_id=caller.workstation_id,
            site_code=caller.site_code,
            kind=row["kind"],
            entity_id=row["entity_id"],
            mutation_id=row["mutation_id"],
            client_seq=row["client_seq"],
            payload_version=row["payload_version"],
            payload=json.loads(row["payload"]),
            created_at=row["created_at"],
            received_at=row["received_at"],
        )
        for name in plugins:
            info = host.plugins.get(name)
            if info is None or not info.loaded:
                continue
            with db.database.savepoint() as savepoint:
                host.call("sihao_server_record_applied", only=name, record=record, emit=emit)
                if not info.loaded:  # it raised: the host switched it off
                    savepoint.rollback()
