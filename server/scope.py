"""What a plugin's server route may read for the workstation asking: the sites it
may ask about, and the stored payloads of a record kind.

A workstation asks about its own site or a site below it (a district's counter sees
its towns), never a sibling or a parent: one rule for every statistics route.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException, Request


def sites_asked_about(request: Request, site: str | None) -> tuple[str, list[str]]:
    """The site asked about (the workstation's own when ``site`` is empty) and that
    site with every site below it; 403 for a site outside the workstation's reach.
    Call inside ``db.request_connection()``."""
    from server import admin

    own = str(request.state.workstation.site_code)
    target = site or own
    try:
        allowed = admin.sites_under(own)
    except admin.AdminError:
        allowed = [own]
    if target not in allowed:
        raise HTTPException(
            403, f"site {target} is not this workstation's site {own} or a site below it"
        )
    try:
        return target, admin.sites_under(target)
    except admin.AdminError:
        return target, [target]


def stored_payloads(kind: str) -> Iterable[dict[str, Any]]:
    """Every stored payload of ``kind``, parsed strictly: a payload stored with NaN or
    Infinity (refused at the parser since) is skipped, never read as a number."""
    import orjson

    from server.models import Record

    query = Record.select(Record.payload).where(Record.kind == kind).tuples()
    for (payload,) in query.iterator():
        try:
            data = orjson.loads(payload)
        except ValueError:
            continue
        if isinstance(data, dict):
            yield data
