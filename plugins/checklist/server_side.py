"""The central server's side of the checklist plugin.

- Checks (``check_project``, ``check_event``): a project is opened by the site it
  names; an event belongs to a project the server holds (or one earlier in the same
  push) and is written by the project's own site or the site it is assigned to, and
  its routing fields agree with the project's.
- Routing (``record_applied``): a project and its events go to the site that opened
  it and the site it is assigned to, so a district steward's workstation pulls the
  projects assigned to that district.
- ``GET /v1/plugins/checklist/stages``: per stage, how long projects really took in
  working days against the promise of their type, for the calling site and every
  site below it. A stage's real duration runs from the end of the stage before it
  (the project's planned start for stage 1) to its ``stage_done`` day, counted with
  the official calendar (``core.workdays``, chinesecalendar on the server).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from starlette.requests import Request  # annotations are resolved in this module

from core.outbox import RecordRejected
from plugins.checklist.service import EVENT_KIND, PROJECT_KIND

log = logging.getLogger(__name__)


def scope(site_code: str) -> str:
    return f"site:{site_code}"


def _project(project_id: str, ctx: Any) -> dict[str, Any] | None:
    for kind, entity_id, earlier in ctx.earlier:
        if kind == PROJECT_KIND and entity_id == project_id:
            return dict(earlier)
    import orjson

    from server.models import Record

    row = (
        Record.select(Record.payload)
        .where((Record.kind == PROJECT_KIND) & (Record.entity_id == project_id))
        .first()
    )
    if row is None:
        return None
    data = orjson.loads(row.payload)
    return dict(data) if isinstance(data, dict) else None


def check_project(payload: dict[str, Any], ctx: Any) -> None:
    if payload.get("id") != ctx.entity_id:
        raise RecordRejected("the id inside the project is not the record's entity id")
    if payload.get("site_code") != ctx.site_code:
        raise RecordRejected(f"project {ctx.entity_id} names another site than the workstation's")


def check_event(payload: dict[str, Any], ctx: Any) -> None:
    if payload.get("id") != ctx.entity_id:
        raise RecordRejected("the id inside the event is not the record's entity id")
    project = _project(str(payload.get("project_id")), ctx)
    if project is None:
        raise RecordRejected(f"event {ctx.entity_id}: no project {payload.get('project_id')}")
    sites = {project.get("site_code"), project.get("assigned_site")}
    if ctx.site_code not in sites:
        raise RecordRejected(
            f"event {ctx.entity_id}: the project is neither this site's nor assigned to it"
        )
    if payload.get("project_site") != project.get("site_code") or payload.get(
        "assigned_site"
    ) != project.get("assigned_site"):
        raise RecordRejected(f"event {ctx.entity_id}: its sites are not the project's")
    kind = payload.get("kind")
    if kind in ("done", "late", "start", "stage_done") and not payload.get("day"):
        raise RecordRejected(f"event {ctx.entity_id}: a {kind} event needs its day")
    if kind in ("done", "late") and not payload.get("item_code"):
        raise RecordRejected(f"event {ctx.entity_id}: a {kind} event names its item")
    if kind == "stage_done" and not 1 <= int(payload.get("stage") or 0) <= 4:
        raise RecordRejected(f"event {ctx.entity_id}: stage_done names a stage 1 to 4")
    if kind == "attributes" and payload.get("attributes") is None:
        raise RecordRejected(f"event {ctx.entity_id}: an attributes event carries them")


def record_applied(record: Any, emit: Callable[..., Any]) -> None:
    payload = record.payload if isinstance(record.payload, dict) else {}
    if record.kind == PROJECT_KIND:
        sites = {payload.get("site_code"), payload.get("assigned_site"), record.site_code}
    else:
        sites = {payload.get("project_site"), payload.get("assigned_site"), record.site_code}
    for site in sorted(str(s) for s in sites if s):
        emit(scope(site), record.kind, record.entity_id, "upsert", payload)


# -- how long stages really took -------------------------------------------------------
def _payloads(kind: str) -> Iterable[dict[str, Any]]:
    from server.scope import stored_payloads

    return stored_payloads(kind)


def stage_durations(sites: set[str] | None, project_type: str | None = None) -> dict[str, Any]:
    from core.workdays import WorkingCalendar

    calendar = WorkingCalendar(use_table=False)  # the official calendar (chinesecalendar)
    projects = {
        p["id"]: p
        for p in _payloads(PROJECT_KIND)
        if (sites is None or p.get("assigned_site") in sites or p.get("site_code") in sites)
        and (project_type is None or p.get("project_type") == project_type)
    }
    done: dict[str, dict[int, dt.date]] = {}
    for event in _payloads(EVENT_KIND):
        if event.get("kind") != "stage_done" or event.get("project_id") not in projects:
            continue
        try:
            day = dt.date.fromisoformat(str(event.get("day")))
            stage = int(event.get("stage") or 0)
        except ValueError:
            continue
        stages = done.setdefault(str(event["project_id"]), {})
        stages[stage] = min(day, stages.get(stage, day))
    rows = {s: {"stage": s, "projects": 0, "actual_days": 0, "promised_days": 0, "over_promise": 0}
            for s in (1, 2, 3, 4)}  # fmt: skip
    for project_id, stages in done.items():
        project = projects[project_id]
        try:
            begin = dt.date.fromisoformat(str(project.get("planned_start")))
        except ValueError:
            continue
        while not calendar.is_workday(begin):
            begin += dt.timedelta(days=1)
        promised = project.get("promised") or {}
        previous = begin
        for stage in (1, 2, 3, 4):
            if stage not in stages:
                continue
            actual = max(0, calendar.working_days_between(previous, stages[stage]))
            promise = int(promised.get(str(stage), 0))
            row = rows[stage]
            row["projects"] += 1
            row["actual_days"] += actual
            row["promised_days"] += promise
            row["over_promise"] += 1 if actual > promise else 0
            previous = max(previous, stages[stage])
    out = []
    for row in rows.values():
        n = row["projects"]
        out.append({
            "stage": row["stage"],
            "projects": n,
            "average_actual_days": round(row["actual_days"] / n, 1) if n else None,
            "average_promised_days": round(row["promised_days"] / n, 1) if n else None,
            "over_promise": row["over_promise"],
        })  # fmt: skip
    return {"projects": len(projects), "stages": out}


def add_routes(router: Any) -> None:

    def stages(
        request: Request, site: str | None = None, type: str | None = None
    ) -> dict[str, Any]:
        """Per stage: projects measured, average real and promised working days, and how
        many took longer than promised; the calling site and every site below it."""
        from server import db
        from server.scope import sites_asked_about

        with db.request_connection():
            target, below = sites_asked_about(request, site)
            under = set(below)
            body = stage_durations(under, type)
        return {"site": target, "type": type, **body}

    router.add_api_route("/stages", stages, methods=["GET"])
