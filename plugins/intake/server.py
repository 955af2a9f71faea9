"""The central server's side of intake: the case table, the checks of pushed cases
and steps, licences issued at 办结, cases per site, item and month, and the job that
gives a delivered case nobody rated its default rating.

``intake_case`` (server migration 0001) holds each case's current state, step and
chain hash, kept in the push transaction (``records_applied``), so a check reads
one row (``FOR UPDATE`` on PostgreSQL: two pushes of the same case are checked one
after the other) instead of the steps' JSON. Imported on the server only.

Default ratings (DOMAIN.md "Ratings"; DESIGN.md "Cases, licences, projects"): a case
delivered (已送达) and not rated within its site's rating period (setting
``intake.rating_period_days``, the site's policy on the server, default 7) counts
as 基本满意 with kind 默认. The worker's job makes that rating once for the whole
city: it claims the cases (``FOR UPDATE SKIP LOCKED``), writes the rating as a
``feedback.rating`` record of the pseudo-workstation ``server:intake`` whose id
(and so its record key) is derived from the case id (the records' unique key: a
second worker, or a pass repeated after a kill, makes nothing twice), marks the case, and hands
the record to the plugins that count ratings (``sihao_server_records_applied``), in
one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

import peewee
from fastapi import Request  # this module runs on the server only

from core.outbox import RecordContext, RecordRejected
from plugins.intake import numbering
from plugins.intake.service import (
    CASE_KIND,
    FIRST_STATE,
    STEP_KIND,
    TRANSITIONS,
    CaseState,
    Outcome,
    case_hash,
    step_hash,
)
from server.db import ServerModel

log = logging.getLogger(__name__)

RATING_KIND = "feedback.rating"  # the 好评 plugin's kind, named here without importing it
DEFAULT_WORKSTATION = "server:intake"
DEFAULT_RATING_NAMESPACE = uuid.UUID("6f1d6c55-4b0e-4d43-9a4e-7c1f0a1e2b3c")
DEFAULT_PERIOD_DAYS = 7


class ServerCase(ServerModel):
    case_id = peewee.CharField(primary_key=True)
    case_no = peewee.CharField(unique=True)
    site = peewee.CharField()
    workstation = peewee.CharField()
    item_code = peewee.CharField()
    item_name = peewee.CharField(default="")
    department = peewee.CharField(default="")
    window_no = peewee.CharField(default="")
    staff_no = peewee.CharField(default="")
    outcome = peewee.CharField()
    taken_on = peewee.DateField()
    month = peewee.CharField()
    state = peewee.CharField(default="")
    step = peewee.IntegerField(default=-1)
    last_hash = peewee.CharField(default="")
    last_on = peewee.DateField(null=True)
    delivered_on = peewee.DateField(null=True)
    rated = peewee.BooleanField(default=False)
    default_rating_id = peewee.CharField(null=True)
    holder_kind = peewee.CharField(default="")
    holder_name = peewee.CharField(default="")
    holder_id = peewee.CharField(default="")
    legal_rep = peewee.CharField(default="")
    mobile = peewee.CharField(default="")

    class Meta:
        table_name = "intake_case"


class RatedCase(ServerModel):
    """A case number an active rating named (whether or not its case is here yet)."""

    case_no = peewee.CharField(primary_key=True)
    rated_on = peewee.DateField(null=True)

    class Meta:
        table_name = "intake_rated_case"


# -- checks --------------------------------------------------------------------------
def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _staff(staff_no: str, site_code: str) -> None:
    from server.models import Staff

    staff = Staff.get_or_none(Staff.staff_no == staff_no) if staff_no else None
    if staff is None or not staff.active or staff.site != site_code:
        raise RecordRejected(f"staff {staff_no[:20] or '(none)'} is not staff of site {site_code}")


def _held(case_id: str) -> ServerCase | None:
    from server import db

    query = ServerCase.select().where(ServerCase.case_id == case_id)
    if db.is_postgres():
        query = query.for_update()
    row: ServerCase | None = query.first()
    return row


def check_case(payload: dict[str, Any], ctx: RecordContext) -> None:
    """A case pushed: its number follows the rule (this site, the day it was taken,
    the workstation's tag) and is not another case's; taken by this site's staff;
    the applicant's numbers pass the same checks as at the counter."""
    from core import identifiers

    if payload.get("id") != ctx.entity_id:
        raise RecordRejected("the id inside the case is not the record's entity id")
    held = _held(ctx.entity_id)
    if held is not None:
        if held.case_no != payload.get("case_no"):
            raise RecordRejected("the case is already recorded with another number")
        return  # a retry of a case stored already
    parts = numbering.parse(str(payload.get("case_no")))
    if parts is None:
        raise RecordRejected("case_no does not follow the numbering rule (docs/intake.md)")
    if parts["site"] != ctx.site_code:
        raise RecordRejected(
            f"case_no names site {parts['site'][:40]}; it was pushed by {ctx.site_code}"
        )
    if parts["day"] != str(payload["taken_on"]).replace("-", ""):
        raise RecordRejected("case_no names another day than the day the case was taken")
    if parts["tag"] != payload["workstation_tag"]:
        raise RecordRejected("case_no names another workstation tag than the case's")
    taken = ServerCase.select().where(ServerCase.case_no == payload["case_no"]).exists() or any(
        kind == CASE_KIND and data.get("case_no") == payload["case_no"]
        for kind, _e, data in ctx.earlier
    )
    if taken:
        raise RecordRejected(
            f"case number {payload['case_no'][:60]} is already another case's: give this "
            "workstation a new tag (sihao intake retag)"
        )
    _staff(str(payload["staff_no"]), ctx.site_code)
    if payload["applicant_kind"] == "person":
        checked = identifiers.check_resident_id(str(payload["applicant_id"]))
    else:
        # A real code with a wrong check digit may be accepted at the counter by a
        # logged override; its format must still hold.
        checked = identifiers.check_uscc(str(payload["applicant_id"]), allow_bad_check_digit=True)
    if not checked.ok or checked.value != payload["applicant_id"]:
        raise RecordRejected("applicant_id is not a valid identifier of the applicant's kind")
    mobile = identifiers.check_mobile(str(payload["mobile"]))
    if not mobile.ok or mobile.value != payload["mobile"]:
        raise RecordRejected("mobile is not an 11-digit mobile number")
    for material in payload["materials"]:
        if material["due_on"] is not None and _date(material["due_on"]) <= _date(
            payload["taken_on"]
        ):
            raise RecordRejected(
                "a material accepted pending is due after the day the case was taken"
            )


def _case_in_push(case_id: str, ctx: RecordContext) -> dict[str, Any] | None:
    for kind, entity_id, data in ctx.earlier:
        if kind == CASE_KIND and entity_id == case_id:
            return data
    return None


def check_step(payload: dict[str, Any], ctx: RecordContext) -> None:
    """A step pushed: of a case of this site, next in its chain (step, state and hash
    link to what the server holds, with the steps earlier in the push), a move the
    table allows, by this site's staff, dated neither before the step before it nor
    in the future."""
    if payload.get("id") != ctx.entity_id:
        raise RecordRejected("the id inside the step is not the record's entity id")
    case_id = str(payload["case_id"])
    held = _held(case_id)
    state, step, last_hash, last_on = "", -1, "", None
    outcome = ""
    if held is not None:
        if held.site != ctx.site_code:
            raise RecordRejected(
                f"case {held.case_no[:60]} is site {held.site}'s, not {ctx.site_code}'s"
            )
        if held.case_no != payload["case_no"]:
            raise RecordRejected("the step names another case number than its case's")
        state, step, last_hash = held.state, held.step, held.last_hash
        last_on = _date(held.last_on) if held.last_on else None
        outcome = held.outcome
        if step < 0:
            last_hash = held.last_hash
    else:
        case = _case_in_push(case_id, ctx)
        if case is None:
            raise RecordRejected(f"case {case_id[:40]} is not known to the server")
        if case["case_no"] != payload["case_no"]:
            raise RecordRejected("the step names another case number than its case's")
        last_hash, outcome = case_hash(case), str(case["outcome"])
    for kind, _entity_id, data in ctx.earlier:
        if kind == STEP_KIND and data.get("case_id") == case_id:
            state, step, last_hash = str(data["to_state"]), int(data["step"]), str(data["hash"])
            last_on = _date(data["happened_on"])
    if int(payload["step"]) != step + 1:
        raise RecordRejected(f"the step is number {payload['step']}; the case's next is {step + 1}")
    if payload["from_state"] != state:
        raise RecordRejected(
            f"the step assumes state {payload['from_state'] or 'none'}; on the server the "
            f"case is {state or 'not yet taken'}"
        )
    if payload["prev_hash"] != last_hash:
        raise RecordRejected("the step does not link to the step before it (prev_hash)")
    if step_hash(payload) != payload["hash"]:
        raise RecordRejected("the step's hash does not match its content")
    target = CaseState(payload["to_state"])
    if step < 0:
        if target is not FIRST_STATE[Outcome(outcome)]:
            raise RecordRejected(
                f"a case taken as {outcome} starts in state {FIRST_STATE[Outcome(outcome)].value}"
            )
    elif target not in TRANSITIONS.get(CaseState(state), ()):
        raise RecordRejected(f"a case in state {state} cannot go to {target.value}")
    _staff(str(payload["actor"]), ctx.site_code)
    happened = _date(payload["happened_on"])
    if last_on is not None and happened < last_on:
        raise RecordRejected("the step is dated before the step before it")


# -- keeping the table -----------------------------------------------------------------
def _licence_type(item_code: str, fallback: str) -> str:
    from server.models import CatalogEntity

    row = CatalogEntity.get_or_none(
        (CatalogEntity.kind == "catalog.item") & (CatalogEntity.code == item_code)
    )
    if row is not None:
        try:
            name = str(json.loads(row.data).get("result_name") or "")
        except ValueError:
            name = ""
        if name:
            return name
    return fallback


def records_applied(records: Iterable[Any], host: Any | None) -> None:
    """Keep ``intake_case`` for the cases and steps a push stored, mark cases rated
    by a pushed rating, and tell the licence register of licences issued at 办结."""
    from core.cases import IssuedLicence

    licences: list[IssuedLicence] = []
    for record in records:
        data = record.payload if isinstance(record.payload, dict) else {}
        if record.kind == CASE_KIND:
            taken = _date(data["taken_on"])
            ServerCase.insert(
                case_id=record.entity_id,
                case_no=data["case_no"],
                site=record.site_code,
                workstation=record.workstation_id,
                item_code=data["item_code"],
                item_name=data.get("item_name", ""),
                department=data.get("department", ""),
                window_no=data.get("window_no", ""),
                staff_no=data.get("staff_no", ""),
                outcome=data["outcome"],
                taken_on=taken,
                month=taken.strftime("%Y-%m"),
                last_hash=case_hash(data),
                rated=RatedCase.select().where(RatedCase.case_no == data["case_no"]).exists(),
                holder_kind=data.get("applicant_kind", ""),
                holder_name=data.get("applicant_name", ""),
                holder_id=data.get("applicant_id", ""),
                legal_rep=data.get("legal_rep", ""),
                mobile=data.get("mobile", ""),
            ).on_conflict_ignore().execute()
        elif record.kind == STEP_KIND:
            row = _held(str(data.get("case_id")))
            if row is None or int(data.get("step", -1)) != row.step + 1:
                continue  # a copy of a step already counted
            happened = _date(data["happened_on"])
            changes: dict[Any, Any] = {
                ServerCase.state: data["to_state"],
                ServerCase.step: row.step + 1,
                ServerCase.last_hash: data["hash"],
                ServerCase.last_on: happened,
            }
            if data["to_state"] == CaseState.DELIVERED.value:
                changes[ServerCase.delivered_on] = happened
            ServerCase.update(changes).where(ServerCase.case_id == row.case_id).execute()
            if (
                data["to_state"] == CaseState.DECIDED.value
                and data.get("licence_no")
                and data.get("valid_until")
            ):
                licences.append(
                    IssuedLicence(
                        licence_no=str(data["licence_no"]),
                        licence_type=_licence_type(row.item_code, row.item_name),
                        item_code=row.item_code,
                        holder_kind=row.holder_kind,
                        holder_name=row.holder_name,
                        holder_id=row.holder_id,
                        legal_rep=row.legal_rep,
                        mobile=row.mobile,
                        valid_until=_date(data["valid_until"]),
                        issued_on=happened,
                        site_code=row.site,
                        case_no=row.case_no,
                    )
                )
        elif record.kind == RATING_KIND and data.get("case_no") and data.get("kind") == "active":
            number = str(data["case_no"])
            try:
                rated_on: dt.date | None = _date(data.get("rated_on"))
            except ValueError:
                rated_on = None
            RatedCase.insert(case_no=number, rated_on=rated_on).on_conflict_ignore().execute()
            ServerCase.update(rated=True).where(ServerCase.case_no == number).execute()
    if licences and host is not None:
        # Inside the push transaction: a register that raises refuses the step's record.
        host.pm.hook.sihao_server_licences_issued(licences=licences)


# -- statistics ------------------------------------------------------------------------
def cases_per_item_month(
    sites: Iterable[str], month_from: str | None = None, month_to: str | None = None
) -> list[dict[str, Any]]:
    """Cases taken per site, item and month (all outcomes, and the accepted ones)."""
    wanted = list(sites)
    accepted = peewee.fn.SUM(peewee.Case(None, [(ServerCase.outcome == "accepted", 1)], 0))
    query = (
        ServerCase.select(
            ServerCase.site,
            ServerCase.item_code,
            peewee.fn.MAX(ServerCase.item_name),
            ServerCase.month,
            peewee.fn.COUNT(ServerCase.case_id),
            accepted,
        )
        .where(ServerCase.site.in_(wanted))
        .group_by(ServerCase.site, ServerCase.item_code, ServerCase.month)
        .order_by(ServerCase.site, ServerCase.month, ServerCase.item_code)
    )
    if month_from:
        query = query.where(ServerCase.month >= month_from)
    if month_to:
        query = query.where(ServerCase.month <= month_to)
    return [
        {"site": s, "item_code": code, "item_name": name or "", "month": month,
         "cases": int(n), "accepted": int(acc or 0)}
        for s, code, name, month, n, acc in query.tuples()
    ]  # fmt: skip


def add_routes(router: Any) -> None:
    from fastapi import HTTPException

    @router.get("/stats/cases")
    def cases_stats(
        request: Request, site: str | None = None, month_from: str | None = None,
        month_to: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """How many cases each site took per item and month: the calling workstation's
        site (the default) or a site below it, and every site below that."""
        from server import db
        from server.scope import sites_asked_about

        for name, value in (("month_from", month_from), ("month_to", month_to)):
            if value is not None and not _is_month(value):
                raise HTTPException(422, f"{name} must be a month written YYYY-MM")
        with db.request_connection():
            target, below = sites_asked_about(request, site)
            rows = cases_per_item_month(below, month_from, month_to)
        return {"site": target, "rows": rows, "total": sum(r["cases"] for r in rows)}


def _is_month(value: str) -> bool:
    try:
        dt.date.fromisoformat(value + "-01")
    except ValueError:
        return False
    return len(value) == 7


# -- the default rating job ---------------------------------------------------------
def rating_period(site: str, cache: dict[str, int]) -> int:
    """The site's rating period in days (its policy's ``intake.rating_period_days``)."""
    if site in cache:
        return cache[site]
    from server.models import SitePolicy

    days = DEFAULT_PERIOD_DAYS
    row = SitePolicy.get_or_none(SitePolicy.site == site)
    if row is not None:
        try:
            value = (json.loads(row.plugin_settings or "{}").get("intake") or {}).get(
                "rating_period_days", DEFAULT_PERIOD_DAYS
            )
        except (ValueError, AttributeError):
            value = DEFAULT_PERIOD_DAYS
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 365:
            days = value
        else:
            log.warning(
                "site %s: intake.rating_period_days=%r is not a number of days", site, value
            )
    cache[site] = days
    return days


def default_rating_id(case_id: str) -> str:
    return str(uuid.uuid5(DEFAULT_RATING_NAMESPACE, case_id))


def _default_rating(case: ServerCase, on: dt.date, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": default_rating_id(case.case_id),
        "site_code": case.site,
        "unit_site": case.site,
        "target": "case",
        "case_no": case.case_no,
        "item_code": case.item_code,
        "item_name": case.item_name,
        "department": case.department,
        "window_no": case.window_no,
        "staff_no": case.staff_no,
        "channel": "web",
        "mode": "online",
        "level": 3,  # 基本满意
        "tags": "[]",
        "tagset_version": "",
        "text": "",
        "real_name": False,
        "applicant_name": "",
        "applicant_id": "",
        "applicant_phone": "",
        "kind": "default",
        "follow_up_of": "",
        "self_rated": False,
        "rated_on": on.isoformat(),
        "rating_month": on.strftime("%Y-%m"),
        "actor": "",
        "created_at": now.isoformat(),
    }


def make_default_ratings(context: Any, host: Any | None = None, batch: int = 200) -> int:
    """One pass: default ratings for delivered cases whose rating period is over."""
    from server import db
    from server.models import EntityOwner, Record
    from server.sync import AppliedRecord

    now = context.now()
    today = now.date()
    periods: dict[str, int] = {}
    made = 0
    while not context.stopping.is_set():
        with db.transaction():
            claimed = context.claim(
                ServerCase.select()
                .where(
                    (ServerCase.state == CaseState.DELIVERED.value)
                    & (ServerCase.rated == False)  # noqa: E712 (SQL)
                    & ServerCase.default_rating_id.is_null()
                    & (ServerCase.delivered_on < today)
                    & ServerCase.case_no.not_in(RatedCase.select(RatedCase.case_no))
                )
                .order_by(ServerCase.delivered_on, ServerCase.case_id)
                .limit(batch)
            )
            due = [
                case for case in claimed
                if _date(case.delivered_on) + dt.timedelta(days=rating_period(case.site, periods)) < today
            ]  # fmt: skip
            stored = []
            if due:
                ratings = {}
                for case in due:
                    rating_on = _date(case.delivered_on) + dt.timedelta(
                        days=rating_period(case.site, periods)
                    )
                    ratings[case.case_id] = (case, _default_rating(case, rating_on, now))
                # One statement for the batch; the unique (site, kind, record_key)
                # makes a rating made before (a killed pass) a no-op, and RETURNING
                # names only those stored now.
                inserted = (
                    Record.insert_many(
                        [
                            {
                                "workstation": DEFAULT_WORKSTATION,
                                "site": case.site,
                                "kind": RATING_KIND,
                                "entity_id": payload["id"],
                                "mutation_id": payload["id"],
                                # feedback.rating is append-only: keyed by its id
                                "record_key": payload["id"],
                                "client_seq": 0,
                                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                                "payload_version": 1,
                                "created_at": now,
                                "received_at": now,
                            }
                            for case, payload in ratings.values()
                        ]
                    )
                    .on_conflict_ignore()
                    .returning(Record.mutation_id, Record.server_seq)
                    .tuples()
                    .execute()
                )
                seq_of = {str(mutation_id): int(seq) for mutation_id, seq in inserted}
                EntityOwner.insert_many(
                    [
                        {"kind": RATING_KIND, "entity_id": payload["id"], "site": case.site}
                        for case, payload in ratings.values()
                    ]
                ).on_conflict_ignore().execute()
                for case_id, (case, payload) in ratings.items():
                    ServerCase.update(default_rating_id=payload["id"]).where(
                        ServerCase.case_id == case_id
                    ).execute()
                    seq = seq_of.get(payload["id"])
                    if seq is None:
                        continue  # made by an earlier pass: counted then
                    stored.append(
                        AppliedRecord(
                            server_seq=seq, workstation_id=DEFAULT_WORKSTATION,
                            site_code=case.site, kind=RATING_KIND, entity_id=payload["id"],
                            mutation_id=payload["id"], client_seq=0, payload_version=1,
                            payload=payload, created_at=now, received_at=now,
                        )
                    )  # fmt: skip
                    made += 1
            if stored and host is not None:
                # The 好评 plugin counts the ratings into its tally, as for a push.
                host.pm.hook.sihao_server_records_applied(records=stored, emit=_no_emit)
            # Claimed but still in their period: not due, nothing to do this pass.
            if len(claimed) < batch or not due:
                return made
    return made


def _no_emit(scope: str, kind: str, entity_id: str, op: str, data: Any = None) -> None:
    """Default ratings are central: no workstation pulls them."""
