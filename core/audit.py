"""The audit chain: a hash-linked log that makes altered or deleted records visible.

Every entry stores the hash of the entry before it, so removing or editing an entry
breaks the chain at that point. An entry may also vouch for a domain row (a rating,
an inspection, a case event): it stores a digest of the row's contents, and
``verify()`` recomputes the digest from the row as it is now. A row edited behind
the application's back, or deleted, shows up as the first broken link.

Plugins call ``record()`` inside the same transaction as the row they write.
Entries hold no personal data: rows are referenced by table and id, and the digest
reveals nothing.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from core.db import BaseModel, new_id
from core.models import utcnow

GENESIS = "0" * 64


class AuditEntry(BaseModel):
    id = peewee.CharField(primary_key=True, default=new_id)
    seq = peewee.IntegerField(unique=True)
    at = peewee.DateTimeField(default=utcnow)
    actor = peewee.CharField(default="")
    kind = peewee.CharField(index=True)
    table = peewee.CharField(default="")
    entity_id = peewee.CharField(default="", index=True)
    digest = peewee.CharField(default="")
    detail = peewee.TextField(default="{}")
    prev_hash = peewee.CharField()
    hash = peewee.CharField()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def row_digest(row: peewee.Model) -> str:
    """SHA-256 over the row's columns, in a canonical JSON form."""
    # __data__ holds column values (a foreign key as its raw id), the same whether
    # the row was just saved or read back.
    data = {name: _plain(row.__data__.get(name)) for name in sorted(type(row)._meta.fields)}
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _entry_hash(entry: AuditEntry) -> str:
    parts = [
        str(entry.seq),
        entry.id,
        _plain(entry.at),
        entry.actor,
        entry.kind,
        entry.table,
        entry.entity_id,
        entry.digest,
        entry.detail,
        entry.prev_hash,
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def record(
    kind: str,
    *,
    actor: str = "",
    row: peewee.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry; call inside the transaction that writes ``row``."""
    with AuditEntry._meta.database.atomic():
        last = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
        entry = AuditEntry(
            seq=(last.seq + 1) if last else 1,
            at=utcnow(),
            actor=actor,
            kind=kind,
            table=type(row)._meta.table_name if row is not None else "",
            entity_id=str(row.get_id()) if row is not None else "",
            digest=row_digest(row) if row is not None else "",
            detail=json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = _entry_hash(entry)
        entry.save(force_insert=True)
        return entry


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify(models: Iterable[type[peewee.Model]] = ()) -> VerifyResult:
    """Walk the chain in order; report the first broken link.

    ``models`` are the models whose rows entries may vouch for (core's and every
    enabled plugin's); an entry for a table not among them is checked for its chain
    link only.
    """
    by_table = {model._meta.table_name: model for model in models}
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.select().order_by(AuditEntry.seq).iterator():
        if entry.seq != expected_seq:
            return VerifyResult(checked, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return VerifyResult(checked, entry.seq, "the link to the previous entry is broken")
        if _entry_hash(entry) != entry.hash:
            return VerifyResult(checked, entry.seq, "the entry was altered")
        model = by_table.get(entry.table)
        if model is not None and entry.entity_id:
            row = model.get_or_none(model._meta.primary_key == entry.entity_id)
            if row is None:
                return VerifyResult(
                    checked, entry.seq, f"{entry.table} {entry.entity_id} was deleted"
                )
            if row_digest(row) != entry.digest and not _superseded(entry):
                return VerifyResult(
                    checked, entry.seq, f"{entry.table} {entry.entity_id} was altered"
                )
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    return VerifyResult(checked)


def _superseded(entry: AuditEntry) -> bool:
    """A row legitimately changed later (e.g. staff lockout counters) has a newer entry."""
    return (
        AuditEntry.select()
        .where(
            (AuditEntry.table == entry.table)
            & (AuditEntry.entity_id == entry.entity_id)
            & (AuditEntry.seq > entry.seq)
        )
        .exists()
    )


# -- tamper evidence beyond the links ----------------------------------------------------
#
# The links alone prove only that the chain is consistent with itself: an unkeyed
# SHA-256 chain can be cut short or recomputed from end to end by anyone who can
# write the file. So the chain's head travels with each push and the server keeps
# it (server.integrity): a chain that no longer holds the entry the server
# acknowledged was truncated or rewritten. The rows a plugin audits are checked
# the other way too (every row has its entry), and the tallies derived from rows
# are counted again from them (``sihao_audit_scope``). docs/audit.md says what
# this proves and what it cannot.


def head() -> tuple[int, str]:
    """(sequence, hash) of the chain's last entry; (0, "") for an empty chain."""
    last = (
        AuditEntry.select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).first()
    )
    return (int(last.seq), str(last.hash)) if last is not None else (0, "")


@dataclass(frozen=True)
class Anchor:
    """The chain's head as the server acknowledged it. ``source``: ``server`` (asked
    now) or ``local`` (this store's copy of the server's last answer, which whoever
    can rewrite the store can rewrite too)."""

    seq: int
    hash: str
    source: str = "server"
    at: str = ""


@dataclass(frozen=True)
class AuditScope:
    """What a plugin's audited rows promise (``sihao_audit_scope``).

    ``complete``: models every row of which was written with an audit entry
    vouching for it, so a row without one was written behind the application's
    back. ``tallies``: functions that count a derived table again from its rows
    and return a sentence for each disagreement (none: it agrees).
    """

    complete: Sequence[type[peewee.Model]] = ()
    tallies: Sequence[Callable[[], list[str]]] = ()


@dataclass(frozen=True)
class Finding:
    """A problem ``check`` found beyond the chain's links; ``text`` is for people."""

    kind: str  # anchor | unaudited | tally
    text: str


@dataclass(frozen=True)
class Report:
    chain: VerifyResult
    findings: tuple[Finding, ...] = ()
    anchor: Anchor | None = None
    unchecked_tables: tuple[str, ...] = ()  # entries name them; no installed model does

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.findings


def check(
    models: Iterable[type[peewee.Model]] = (),
    *,
    anchor: Anchor | None = None,
    scopes: Iterable[AuditScope] = (),
) -> Report:
    """Everything ``sihao audit verify`` checks: the links and the rows they vouch
    for (``verify``), the chain against the server's anchor, every row of the
    scopes' tables against the chain, and the scopes' tallies against their rows."""
    from core.i18n import _

    models = list(models)
    chain = verify(models)
    findings: list[Finding] = []
    if anchor is not None:
        finding = _anchor_finding(anchor)
        if finding is not None:
            findings.append(finding)
    database = AuditEntry._meta.database
    for scope in scopes:
        for model in scope.complete:
            if not database.table_exists(model._meta.table_name):
                continue
            missing = _rows_without_entries(model)
            if missing:
                findings.append(
                    Finding(
                        "unaudited",
                        _(
                            "{n} rows of {table} have no audit entry (written behind "
                            "the application's back), e.g. {ids}."
                        ).format(
                            n=len(missing), table=model._meta.table_name, ids=", ".join(missing[:3])
                        ),
                    )
                )
        for tally in scope.tallies:
            findings.extend(Finding("tally", text) for text in tally())
    known = {model._meta.table_name for model in models}
    named = {
        str(row[0])
        for row in database.execute_sql(
            'SELECT DISTINCT "table" FROM audit_entry WHERE "table" <> \'\''
        ).fetchall()
    }
    return Report(chain, tuple(findings), anchor, tuple(sorted(named - known)))


def _anchor_finding(anchor: Anchor) -> Finding | None:
    from core.i18n import _

    if anchor.seq <= 0:
        return None
    entry = AuditEntry.get_or_none(AuditEntry.seq == anchor.seq)
    if entry is None:
        last, _hash = head()
        return Finding(
            "anchor",
            _(
                "The chain ends at entry {last}, but the server acknowledged entry {seq}: "
                "entries were removed from its end."
            ).format(last=last, seq=anchor.seq),
        )
    if entry.hash != anchor.hash:
        return Finding(
            "anchor",
            _(
                "Entry {seq} is not the one the server acknowledged: the chain was "
                "rewritten up to there."
            ).format(seq=anchor.seq),
        )
    return None


def _rows_without_entries(model: type[peewee.Model]) -> list[str]:
    """The keys of ``model``'s rows that no entry vouches for."""
    table = model._meta.table_name
    key = model._meta.primary_key.column_name  # type: ignore[union-attr]
    cursor = AuditEntry._meta.database.execute_sql(
        f'SELECT "{key}" FROM "{table}" WHERE "{key}" NOT IN '
        '(SELECT entity_id FROM audit_entry WHERE "table" = ?) ORDER BY 1',
        (table,),
    )
    return [str(row[0]) for row in cursor.fetchall()]
