"""Cases taken per site, item and month: this workstation's own (its store, offline)
or, at an enrolled workstation, the central server's count for this site and every
site below it (``GET /v1/plugins/intake/stats/cases``)."""

from __future__ import annotations

from typing import Any

import peewee

from plugins.intake.models import IntakeCase


def local_counts(site_code: str) -> list[dict[str, Any]]:
    """The same rows the server answers, from this workstation's cases."""
    month = peewee.fn.substr(IntakeCase.taken_on, 1, 7)
    accepted = peewee.fn.SUM(peewee.Case(None, [(IntakeCase.outcome == "accepted", 1)], 0))
    query = (
        IntakeCase.select(
            IntakeCase.site_code,
            IntakeCase.item_code,
            peewee.fn.MAX(IntakeCase.item_name),
            month,
            peewee.fn.COUNT(IntakeCase.id),
            accepted,
        )
        .where(IntakeCase.site_code == site_code)
        .group_by(IntakeCase.site_code, IntakeCase.item_code, month)
        .order_by(month, IntakeCase.item_code)
    )
    return [
        {"site": site, "item_code": code, "item_name": name or "", "month": m,
         "cases": int(n), "accepted": int(acc or 0)}
        for site, code, name, m, n, acc in query.tuples()
    ]  # fmt: skip


def server_counts(client: Any, month_from: str = "", month_to: str = "") -> list[dict[str, Any]]:
    """The server's rows for this site and those below it (``client``: a sync client)."""
    params = {k: v for k, v in (("month_from", month_from), ("month_to", month_to)) if v}
    body = client.plugin_get("intake", "stats/cases", params or None)
    rows = body.get("rows") if isinstance(body, dict) else None
    return [row for row in rows or [] if isinstance(row, dict)]
