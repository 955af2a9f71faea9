"""What the server can tell about a workstation's honesty beyond its records.

Two things, each flagged for IT on the workstation's row (``sihao server
workstations`` shows them), in the server's log and in ``admin_log``:

- **A cloned token.** A workstation numbers its records with a rising
  ``client_seq`` that never repeats (core.outbox). The same token on two machines
  shows as a ``client_seq`` the server already stored under another mutation id
  (both machines numbering from the same point), or one that goes back below what
  the server acknowledged without being a record it stored or refused there (a
  retry or a requeued refusal). ``screen_sequence`` finds such a push; the push is
  refused whole (``409``, ``code: cloned_token``) and stays in the workstation's
  outbox: nothing is lost, and IT revokes the token and enrolls each machine anew.
  The check costs nothing on an ordinary push: it reads only when a push reaches
  back to or below the acknowledged sequence.

- **The audit chain's anchor.** Each push carries the head of the workstation's
  audit chain (``audit_head``: sequence and hash, core.audit); the server keeps the
  highest it was shown and answers it back. ``sihao audit verify`` at the
  workstation compares its chain with it: a chain truncated, or rewritten and
  rehashed, no longer holds that entry. A head that goes back (a shorter chain, or
  the same sequence with another hash) is flagged here at once, and the anchor is
  not moved back.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from server import db
from server.models import AdminLog, Workstation, utcnow

log = logging.getLogger(__name__)

CLONED_TOKEN = "cloned_token"
_HASH = re.compile(r"[0-9a-f]{64}")
_MAX_SEQ = 2**53


class CloneSuspected(Exception):
    """A push whose sequence numbers say the token is used on two machines;
    ``str()`` is the reason given to the workstation and to IT."""


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str


def parse_audit_head(value: Any) -> AuditHead | None:
    """The ``audit_head`` of a push body, or None when absent; ``ValueError`` when
    it is not ``{"seq": int >= 0, "hash": 64 hex digits}``."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"seq", "hash"}:
        raise ValueError("audit_head: must be an object with seq and hash")
    seq, digest = value["seq"], value["hash"]
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= _MAX_SEQ:
        raise ValueError("audit_head.seq: must be a whole number from 0")
    if not isinstance(digest, str) or not (_HASH.fullmatch(digest) or (seq == 0 and not digest)):
        raise ValueError("audit_head.hash: must be 64 hexadecimal digits")
    return AuditHead(seq, digest)


# -- cloned tokens ---------------------------------------------------------------------


def screen_sequence(workstation_id: str, last_client_seq: int, mutations: list[Any]) -> None:
    """Raise ``CloneSuspected`` when the push's ``client_seq``s repeat one stored
    under another mutation id, or go back where no record of this workstation was
    stored or refused."""
    numbered: dict[int, str] = {}
    for m in mutations:  # within the push: one number, one mutation
        seq, mutation_id = int(m["client_seq"]), str(m["mutation_id"])
        if numbered.setdefault(seq, mutation_id) != mutation_id:
            raise CloneSuspected(f"client_seq {seq} names two different records in one push")
    behind = {seq: mid for seq, mid in numbered.items() if seq <= last_client_seq}
    if not behind:
        return
    p = db.database.param
    marks = ", ".join([p] * len(behind))
    stored: dict[int, set[str]] = {}
    for seq, mutation_id in db.database.execute_sql(
        f"SELECT client_seq, mutation_id FROM records WHERE workstation = {p} "
        f"AND client_seq IN ({marks})",
        (workstation_id, *behind),
    ).fetchall():
        stored.setdefault(int(seq), set()).add(str(mutation_id))
    refused = {
        int(seq)
        for (seq,) in db.database.execute_sql(
            f"SELECT client_seq FROM rejection WHERE workstation = {p} AND client_seq IN ({marks})",
            (workstation_id, *behind),
        ).fetchall()
    }
    for seq, mutation_id in sorted(behind.items()):
        if seq in stored:
            if mutation_id not in stored[seq]:
                raise CloneSuspected(
                    f"client_seq {seq} was already used by another record from this token"
                )
        elif seq not in refused:
            raise CloneSuspected(
                f"client_seq {seq} goes back below {last_client_seq}, the last one acknowledged"
            )


def refusal(reason: str) -> str:
    """The sentence a cloned token's push is refused with."""
    return (
        f"{reason}: this workstation's token seems to be in use on two machines. "
        "Its records stay at the workstation; IT must revoke the token and enroll each "
        "machine again"
    )


def flag(workstation_id: str, site: str, reason: str) -> None:
    """Mark the workstation for IT (its row, the log and admin_log); the first
    reason is kept, later ones go to the log."""
    now = utcnow()
    log.warning("workstation %s flagged: %s", workstation_id, reason)
    with db.transaction():
        Workstation.update(suspect=reason[:500], suspect_at=now).where(
            (Workstation.id == workstation_id) & (Workstation.suspect == "")
        ).execute()
        AdminLog.create(
            at=now,
            actor="server",
            workstation=workstation_id,
            site=site,
            action="workstation.flagged",
            target=workstation_id,
            detail=json.dumps({"reason": reason[:500]}, ensure_ascii=False),
        )


# -- the audit anchor ------------------------------------------------------------------


def anchored(
    workstation_id: str, site: str, stored: AuditHead, shown: AuditHead | None
) -> AuditHead | None:
    """The head to keep after a push showed ``shown`` (None: keep what is stored).

    A head behind the stored one, or the stored sequence with another hash, is
    flagged and not kept: the anchor never moves back.
    """
    if shown is None or shown == stored:
        return None
    if shown.seq < stored.seq:
        flag(
            workstation_id,
            site,
            f"its audit chain went back from entry {stored.seq} to {shown.seq} "
            "(entries removed, or the store restored from a copy)",
        )
        return None
    if shown.seq == stored.seq:
        flag(
            workstation_id,
            site,
            f"its audit chain's entry {stored.seq} changed (the chain was rewritten)",
        )
        return None
    return shown


def anchor_of(workstation_id: str) -> dict[str, Any]:
    """The head the server acknowledged, as the anchor endpoint answers it."""
    row = Workstation.get_by_id(workstation_id)
    at: dt.datetime | None = row.audit_at
    return {
        "seq": int(row.audit_seq),
        "hash": str(row.audit_hash),
        "at": at.isoformat() if at else None,
    }
