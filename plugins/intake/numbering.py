"""Case numbers (办件编号), made at the workstation without asking the server.

    <site code>-<YYYYMMDD>-<tag>-<sequence>      370303-ZWFW-20261207-K7Q3-0012

- site code: the site's code, unique city-wide (the server's site table);
- the day the case was taken, at the counter's local date;
- tag: four characters naming this workstation within its site, made once from
  the workstation id the server gave at enrolment (a standalone workstation: from
  a random id made once) as Crockford base32 of its SHA-256 (no I, L, O or U, so
  it is read aloud without confusion);
- sequence: this workstation's count of cases that day, from 0001 (five digits
  past 9999), kept in the store and given in the transaction that writes the case.

Two workstations of one site share a tag with a chance of about n²/2 in 2²⁰ (20
counters: 1 in 5,000); a city-wide unique index on the server refuses a number
already taken by another case, and ``sihao intake retag`` (a new random tag)
is what IT does then. docs/intake.md gives the rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid

from plugins.intake.models import DaySequence, WorkstationTag

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
TAG_LENGTH = 4
PATTERN = re.compile(
    r"^(?P<site>.+)-(?P<day>\d{8})-(?P<tag>[0-9A-HJKMNP-TV-Z]{4})-(?P<seq>\d{4,6})$"
)


def tag_from(seed: str) -> str:
    digest = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:4], "big")
    chars = []
    for _n in range(TAG_LENGTH):
        chars.append(ALPHABET[digest & 31])
        digest >>= 5
    return "".join(chars)


def _enrolled_id() -> str:
    try:
        from core.sync.models import SyncState

        row = (
            SyncState.select(SyncState.workstation_id).where(SyncState.workstation_id != "").first()
        )
    except Exception:  # no sync tables (a bare test store): standalone
        return ""
    return str(row.workstation_id) if row is not None else ""


def workstation_tag() -> str:
    """This workstation's tag, made on first use and kept (call inside a transaction)."""
    row = WorkstationTag.get_or_none(WorkstationTag.id == 1)
    if row is not None:
        return str(row.tag)
    seed = _enrolled_id() or f"standalone:{uuid.uuid4()}"
    tag = tag_from(seed)
    WorkstationTag.create(
        id=1, tag=tag, made_from="enrolment" if not seed.startswith("standalone:") else "random"
    )
    return tag


def retag() -> str:
    """A new random tag (after the server refused a number as taken elsewhere)."""
    tag = tag_from(f"retag:{uuid.uuid4()}")
    WorkstationTag.insert(id=1, tag=tag, made_from="random").on_conflict_replace().execute()
    return tag


def next_number(site_code: str, day: dt.date) -> str:
    """The next case number of this workstation on ``day``; call inside the
    transaction that writes the case, so a rolled-back case gives its number back."""
    key = day.strftime("%Y%m%d")
    DaySequence.insert(day=key, last=1).on_conflict(
        conflict_target=[DaySequence.day], update={DaySequence.last: DaySequence.last + 1}
    ).execute()
    seq = int(DaySequence.get_by_id(key).last)
    return f"{site_code}-{key}-{workstation_tag()}-{seq:04d}"


def parse(number: str) -> dict[str, str] | None:
    """The parts of a case number, or None if it does not follow the rule."""
    match = PATTERN.match(number.strip() if number else "")
    return match.groupdict() if match else None
