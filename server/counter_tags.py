"""Counter tags: the four characters naming a workstation in its case numbers.

A tag is unique within its site by construction: the server gives each workstation
one at enrollment (and a fresh one on ``sihao intake retag``), and ``counter_tag``
(server.models.CounterTag, primary key (site, tag)) keeps every tag a site ever
gave out, so a tag of a revoked workstation, or one given up by a retag, is never
given again. ``UNIQUE(site, counter_tag)`` on the workstation table is the second
backstop.

A tag is a random free code of the Crockford base32 alphabet, not the site's next
sequence number: workstations enrolled before tags were allocated keep the tags
they made themselves from their ids (scattered over the whole space; migration
0006 reserved them), a sequence would run into them; and many enrollments at once
on PostgreSQL would all want the same next number and queue on its retry, where a
random free code of 32⁴ ≈ 1 million clashes about once in 20,000 enrollments of a
20-counter site. A clash (two transactions picked the same free code at once)
is a unique violation on ``counter_tag``: that savepoint is rolled back and
another code is drawn.
"""

from __future__ import annotations

import logging
import secrets

import peewee

from server import db
from server.models import CounterTag, Workstation, utcnow

log = logging.getLogger(__name__)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O or U
TAG_LENGTH = 4
SPACE = len(ALPHABET) ** TAG_LENGTH
ATTEMPTS = 50


class SiteFull(Exception):
    """Every tag of the site was given out (a million workstations): IT must look."""


def encode(n: int) -> str:
    chars = []
    for _n in range(TAG_LENGTH):
        chars.append(ALPHABET[n & 31])
        n >>= 5
    return "".join(chars)


def _draw(site: str) -> str:
    taken = {
        str(row.tag)
        for row in CounterTag.select(CounterTag.tag).where(CounterTag.site == site).iterator()
    }
    if len(taken) >= SPACE:
        raise SiteFull(f"site {site} has given out every counter tag")
    while True:
        tag = encode(secrets.randbelow(SPACE))
        if tag not in taken:
            return tag


def allocate(workstation_id: str, site: str) -> str:
    """Give ``workstation_id`` a tag never given before at ``site``, and make it its
    current one. Call inside a transaction (the workstation row exists)."""
    for attempt in range(ATTEMPTS):
        tag = _draw(site)
        try:
            with db.database.atomic():  # a savepoint: a clash rolls back this try only
                CounterTag.insert(
                    site=site, tag=tag, workstation=workstation_id, allocated_at=utcnow()
                ).execute()
                Workstation.update(counter_tag=tag).where(
                    Workstation.id == workstation_id
                ).execute()
        except peewee.IntegrityError:
            log.info("counter tag %s of site %s was taken meanwhile (try %d)", tag, site, attempt)
            continue
        return tag
    raise SiteFull(f"no free counter tag for site {site} after {ATTEMPTS} tries")


def tag_of(workstation_id: str) -> str:
    """The workstation's current tag; one is allocated if it has none yet (enrolled
    before tags were allocated, and its own tag clashed with another's)."""
    with db.transaction():
        row = Workstation.get_by_id(workstation_id)
        if row.counter_tag:
            return str(row.counter_tag)
        return allocate(workstation_id, str(row.site))


def renew(workstation_id: str) -> str:
    """A fresh tag for the workstation (``sihao intake retag``); its old one stays
    reserved."""
    with db.transaction():
        row = Workstation.get_by_id(workstation_id)
        tag = allocate(workstation_id, str(row.site))
    log.info("workstation %s of site %s now tags its cases %s", workstation_id, row.site, tag)
    return tag
