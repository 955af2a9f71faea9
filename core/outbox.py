"""The transactional outbox: how a record made at the workstation reaches the server.

A plugin writes its domain row and calls ``enqueue()`` in the same transaction, so
either both exist or neither does: a crash can never leave a record that will not
be pushed, nor push one that was rolled back. ``client_seq`` rises with every
mutation (SQLite's INTEGER PRIMARY KEY AUTOINCREMENT never reuses a number);
``mutation_id`` lets the server recognise a retry of something it already applied.

The push side (the sync worker) reads pending rows in ``client_seq`` order and
records each answer: applied and duplicate rows are marked done, rejected rows
stay visible with the server's reason until someone deals with them, retryable
rows wait for the next attempt.

Record kinds are registered by plugins (``sihao_record_kinds``) with a payload
version, so the server can accept the current and the previous version.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import peewee
from playhouse.sqlite_ext import AutoIncrementField

from core.db import BaseModel
from core.models import utcnow


class OutboxState(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"  # the server applied it (or had already: duplicate)
    REJECTED = "rejected"  # the server refused it for good; kept until handled


class Outbox(BaseModel):
    # AUTOINCREMENT: a client_seq is never reused, even after acknowledged rows are pruned.
    client_seq = AutoIncrementField()
    mutation_id = peewee.CharField(unique=True)
    kind = peewee.CharField(index=True)
    entity_id = peewee.CharField()
    payload = peewee.TextField()
    payload_version = peewee.IntegerField(default=1)
    created_at = peewee.DateTimeField(default=utcnow)
    state = peewee.CharField(default=OutboxState.PENDING.value, index=True)
    attempts = peewee.IntegerField(default=0)
    last_error = peewee.TextField(default="")
    acked_at = peewee.DateTimeField(null=True)


@dataclass(frozen=True)
class RecordKind:
    """A kind of record a plugin pushes; ``payload_version`` is the current version."""

    kind: str
    payload_version: int = 1
    description: str = ""
    plugin: str = ""


class RecordKindRegistry:
    """Filled by ``sihao_record_kinds``."""

    def __init__(self) -> None:
        self._kinds: dict[str, RecordKind] = {}
        self.current_plugin = ""

    def add(self, kind: str, *, payload_version: int = 1, description: str = "") -> None:
        if kind in self._kinds:
            raise ValueError(
                f"record kind {kind!r} is already registered by {self._kinds[kind].plugin}"
            )
        self._kinds[kind] = RecordKind(kind, payload_version, description, self.current_plugin)

    def get(self, kind: str) -> RecordKind | None:
        return self._kinds.get(kind)

    def all(self) -> list[RecordKind]:
        return sorted(self._kinds.values(), key=lambda k: k.kind)


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def enqueue(
    kind: str, entity_id: str, payload: dict[str, Any], *, payload_version: int = 1
) -> Outbox:
    """Queue a mutation; call inside the transaction that writes the domain row."""
    db = Outbox._meta.database
    if not db.in_transaction():
        raise RuntimeError("enqueue() must run inside the transaction that writes the record")
    return Outbox.create(
        mutation_id=str(uuid.uuid4()),
        kind=kind,
        entity_id=entity_id,
        payload=json.dumps(payload, ensure_ascii=False, default=_json_default, sort_keys=True),
        payload_version=payload_version,
    )


def pending(limit: int = 500) -> list[Outbox]:
    return list(
        Outbox.select()
        .where(Outbox.state == OutboxState.PENDING.value)
        .order_by(Outbox.client_seq)
        .limit(limit)
    )


def pending_count() -> int:
    count: int = Outbox.select().where(Outbox.state == OutboxState.PENDING.value).count()
    return count
