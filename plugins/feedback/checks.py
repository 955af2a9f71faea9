"""What the central server checks of a pushed rating, case or inspection, beyond its schema.

The schema (``schemas``) has already refused a malformed payload and put the
writer's site in ``site_code``; these checks answer whether the writer may name
the sites it names (``RecordContext`` carries the token's site):

- a rating counts in its responsible unit's statistics (``unit_site``). That is
  the writer's own site, or the site of the member of staff it rates (谁办理谁负责,
  as ``ratings.responsible_unit`` decides at the counter): never a site of the
  writer's choosing, or any site could lower another's satisfaction rate;
- a case lands in its unit's queue: the writer's own site, the site of the staff
  member rated, or, for an inspection finding, the site the writer's inspection
  of a whole site named (the inspection travels before its cases in one push);
- an inspection of a whole site names a site the server knows.

Case state changes (``feedback.case_event``) are the case rules' to check.

Called by the server inside the push transaction (they read the server's tables);
never on the workstation.
"""

from __future__ import annotations

from typing import Any

from core.outbox import RecordContext, RecordRejected

INSPECTION_KIND = "feedback.inspection"


def _same_entity(payload: dict[str, Any], ctx: RecordContext) -> None:
    if payload.get("id") != ctx.entity_id:
        raise RecordRejected(f"the id inside the {ctx.kind} is not the record's entity id")


def _staff_site(staff_no: str) -> str | None:
    from server.models import Staff

    if not staff_no:
        return None
    row = Staff.select(Staff.site).where(Staff.staff_no == staff_no).tuples().first()
    return str(row[0]) if row else None


def check_rating(payload: dict[str, Any], ctx: RecordContext) -> None:
    _same_entity(payload, ctx)
    unit = payload["unit_site"]
    if unit != ctx.site_code and unit != _staff_site(payload["staff_no"]):
        raise RecordRejected(
            f"a rating from site {ctx.site_code} counts for its own site or for the site "
            f"of the staff member rated, not for {unit}"
        )


def _inspected_site(finding_id: str, ctx: RecordContext) -> str | None:
    """The site a whole-site inspection of this writer named, for one of its findings."""
    for kind, _entity_id, earlier in reversed(ctx.earlier):
        if kind == INSPECTION_KIND and any(
            f.get("id") == finding_id for f in earlier.get("findings", ())
        ):
            return _target_site(earlier)
    import json

    from server.models import Record

    # Pushed before (a batch boundary between the inspection and its cases): rare.
    query = Record.select(Record.payload).where(
        (Record.kind == INSPECTION_KIND)
        & (Record.site == ctx.site_code)
        & Record.payload.contains(finding_id)
    )
    for (text,) in query.tuples():
        stored = json.loads(text)
        if any(f.get("id") == finding_id for f in stored.get("findings", ())):
            return _target_site(stored)
    return None


def _target_site(inspection: dict[str, Any]) -> str | None:
    row = inspection.get("inspection", {})
    return str(row.get("target_ref")) if row.get("target_kind") == "site" else None


def check_case(payload: dict[str, Any], ctx: RecordContext) -> None:
    _same_entity(payload, ctx)
    unit = payload["unit_site"]
    if unit == ctx.site_code:
        return
    if payload["source"] == "rating" and unit == _staff_site(payload["staff_no"]):
        return
    if payload["source"] == "finding" and unit == _inspected_site(payload["source_id"], ctx):
        return
    raise RecordRejected(
        f"a case opened at site {ctx.site_code} goes to its own site, the site of the staff "
        f"member rated or the site inspected, not to {unit}"
    )


def check_inspection(payload: dict[str, Any], ctx: RecordContext) -> None:
    row = payload["inspection"]
    if row["id"] != ctx.entity_id:
        raise RecordRejected(f"the id inside the {ctx.kind} is not the record's entity id")
    if row["target_kind"] == "site" and row["target_ref"] != ctx.site_code:
        from server.models import Site

        if not Site.select().where(Site.code == row["target_ref"]).exists():
            raise RecordRejected("the inspection names a site the server does not know")
