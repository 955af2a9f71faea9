"""Case numbers (办件编号), made at the workstation without asking the server,
unique city-wide by construction.

    <site code>-<YYYYMMDD>-<tag>-<sequence>      370303-ZWFW-20261207-K7Q3-0012

- site code: the site's code, unique city-wide (the server's site table);
- the day the case was taken, at the counter's local date;
- tag: four Crockford base32 characters (no I, L, O or U, so it is read aloud
  without confusion) naming this workstation within its site. The server allocates
  it at enrollment (server.counter_tags): unique within the site and never given
  again there, a revoked workstation's included; the enrollment answer carries it
  and the sync state keeps it. A workstation enrolled before tags were allocated
  gets its tag on its next pull; until then (and with a server too old to allocate)
  it makes one from its workstation id, the same one the server reserved for it
  when it upgraded. A standalone workstation makes a random tag: a standalone site
  is one counter, so there is nothing for it to clash with;
- sequence: this workstation's count of cases that day, from 0001 (five digits
  past 9999), kept in the store and given in the transaction that writes the case.

Site codes are unique city-wide, tags unique within a site, sequences unique within
a workstation's day: numbers cannot clash. A tag once made and used keeps being used
(the numbers already given stay valid) until ``sihao intake retag``, which asks the
server for a fresh allocated tag when enrolled; a tag the server allocated is
followed by the newer one a re-enrollment brings (never used at the site either). The server's city-wide unique index
on case numbers stays as the backstop. docs/intake.md gives the rule.
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


def _enrolment() -> tuple[str, str]:
    """(workstation id, allocated tag) of the enrollment; ("", "") when standalone."""
    try:
        from core.sync.models import SyncState

        row = (
            SyncState.select(SyncState.workstation_id, SyncState.counter_tag)
            .where(SyncState.workstation_id != "")
            .first()
        )
    except Exception:  # no sync tables (a bare test store): standalone
        return "", ""
    if row is None:
        return "", ""
    tag = str(row.counter_tag or "")
    return str(row.workstation_id), tag if PATTERN_TAG.match(tag) else ""


PATTERN_TAG = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}$")


def workstation_tag() -> str:
    """This workstation's tag, taken on first use and kept (call inside a transaction):
    the server's allocated tag; enrolled but none pulled yet, the one made from the
    workstation id (what the server reserved for a workstation enrolled before
    allocation); standalone, a random one. A tag the server allocated follows the
    server's newest (a re-enrollment gives a new one); a tag made here is kept until
    ``retag``."""
    row = WorkstationTag.get_or_none(WorkstationTag.id == 1)
    if row is not None and row.made_from != "server":
        return str(row.tag)
    workstation_id, allocated = _enrolment()
    if row is not None:
        if allocated and allocated != row.tag:
            # Enrolled again: the server gave a new tag, never used at the site, and the
            # old one was the server's too; taking it cannot clash with any number.
            row.tag = allocated
            row.save()
        return str(row.tag)
    if allocated:
        tag, made_from = allocated, "server"
    elif workstation_id:
        tag, made_from = tag_from(workstation_id), "enrolment"
    else:
        tag, made_from = tag_from(f"standalone:{uuid.uuid4()}"), "random"
    WorkstationTag.create(id=1, tag=tag, made_from=made_from)
    return tag


def retag(allocated: str | None = None) -> str:
    """A new tag: ``allocated``, the server's fresh one (an enrolled workstation asks
    the server first: core.sync.engine.Syncer.renew_counter_tag), or a random one for
    a standalone workstation."""
    if allocated is not None:
        if not PATTERN_TAG.match(allocated):
            raise ValueError(f"not a counter tag: {allocated!r}")
        tag, made_from = allocated, "server"
    else:
        tag, made_from = tag_from(f"retag:{uuid.uuid4()}"), "random"
    WorkstationTag.insert(id=1, tag=tag, made_from=made_from).on_conflict_replace().execute()
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
