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
version, so the server can accept the current and the previous version. Each kind
declares a strict pydantic ``schema`` for its current payload version (and
``schemas`` for older ones still accepted) and optionally a ``check`` that sees the
record with the pusher's identity (``RecordContext``): the server trusts no
workstation, so a payload is validated against its schema and checked before it is
stored. A check refuses a record by raising ``RecordRejected``; the same exception,
raised by a ``sihao_apply_change`` implementation at the workstation, parks a
pulled change with its reason instead of applying it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import peewee
from playhouse.sqlite_ext import AutoIncrementField

from core.db import BaseModel
from core.models import utcnow

if TYPE_CHECKING:  # pydantic is imported only where a schema is built or used
    import pydantic


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


class RecordRejected(ValueError):
    """A pushed or pulled record refused; str() is the reason: one sentence, no personal data."""


@dataclass(frozen=True)
class RecordContext:
    """Who pushed a record, and what the same push carried before it.

    ``site_code`` and ``workstation_id`` come from the bearer token on the server
    (from this workstation's enrolment when a pulled change is applied), never from
    the payload: a payload field naming the writer must agree with them.
    """

    kind: str
    entity_id: str
    payload_version: int
    site_code: str
    workstation_id: str
    # (kind, entity_id, payload) of records of the same push accepted before this
    # one, so a check can see e.g. a case created earlier in the same batch.
    earlier: tuple[tuple[str, str, dict[str, Any]], ...] = ()


RecordCheck = Callable[[dict[str, Any], RecordContext], None]


@dataclass(frozen=True)
class RecordKind:
    """A kind of record a plugin pushes; ``payload_version`` is the current version.

    ``schemas`` maps every accepted payload version to its strict pydantic model
    (the current one included when the plugin gave ``schema``). ``append_only``:
    every record of the kind is a new entity whose ``entity_id`` is the record's own
    id (a UUIDv7 made with the row), so the server stores one record per id and
    site, whichever workstation id or mutation id it comes under again.
    """

    kind: str
    payload_version: int = 1
    description: str = ""
    plugin: str = ""
    schemas: dict[int, type[pydantic.BaseModel]] = field(default_factory=dict)
    check: RecordCheck | None = None
    append_only: bool = False

    @property
    def schema(self) -> type[pydantic.BaseModel] | None:
        """The model of the current payload version, if the plugin declared one."""
        return self.schemas.get(self.payload_version)


class RecordKindRegistry:
    """Filled by ``sihao_record_kinds``."""

    def __init__(self) -> None:
        self._kinds: dict[str, RecordKind] = {}
        self.current_plugin = ""

    def add(
        self,
        kind: str,
        *,
        payload_version: int = 1,
        description: str = "",
        schema: type[pydantic.BaseModel] | None = None,
        schemas: dict[int, type[pydantic.BaseModel]] | None = None,
        check: RecordCheck | None = None,
        append_only: bool = False,
    ) -> None:
        """Register ``kind``.

        ``schema`` is the strict model (``extra="forbid"``) of ``payload_version``;
        ``schemas`` the models of older versions the server still accepts; ``check``
        is called with the validated payload and the pusher's ``RecordContext`` and
        raises ``RecordRejected`` to refuse one record. ``append_only``: each record
        is a new entity, its ``entity_id`` the record's own id (``RecordKind``).
        """
        if kind in self._kinds:
            raise ValueError(
                f"record kind {kind!r} is already registered by {self._kinds[kind].plugin}"
            )
        versions = dict(schemas or {})
        if schema is not None:
            versions[payload_version] = schema
        if any(version > payload_version for version in versions):
            raise ValueError(f"record kind {kind!r} has a schema newer than its payload version")
        self._kinds[kind] = RecordKind(
            kind, payload_version, description, self.current_plugin, versions, check, append_only
        )

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
