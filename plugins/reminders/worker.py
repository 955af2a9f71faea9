"""The reminder worker: a due pass, a send pass and a delivery-report pass.

Server side only. Each pass is a job of the server's worker (``server.jobs``,
``sihao server worker run``; ``sihao server reminders run`` runs these three).

**Due pass** (``due_pass``): today's date in China; licences whose expiry is
within the longest lead time are read with their rule (one range scan on
``valid_until``), and each licence due for a lead time (``rules.due_lead``) gets
an outbox row under ``due:{licence}:{valid_until}:{lead}``, inserted with ``ON
CONFLICT DO NOTHING``: a pass run twice, by two workers or after a kill, writes
nothing twice. Opted-out holders get nothing; a licence without a mobile gets a
failed row saying so, which its site's clerks see.

**Send pass** (``send_pass``): nothing in the quiet hours, nothing while the
gateway is paused. Rows are claimed in id order (``JobContext.claim``: ``FOR
UPDATE SKIP LOCKED`` on PostgreSQL) and marked ``sending`` in a short
transaction; then each is sent *outside* any transaction (a provider call must
not hold locks) with its key, and the batch's outcomes (``sent`` with the
provider's message id, a retry time, a failure) are written in one commit: a
commit a row was most of each send's cost (bench/reminders.py).
A worker killed between the provider accepting and the mark leaves the row
``sending``: after ``LEASE`` it is claimed again and sent again *with the same
key*, which the provider answers with the same message id without sending (the
HTTP adapter's contract, ``gateways``). So a reminder reaches a phone once.

Failures: a permanent one (the provider refuses the message) fails the row. A
transient one (down, 5xx, timeout) puts the row back with exponential backoff;
``DOWN_AFTER`` transient failures in a row mean the provider is down: the pass
stops, the gateway is paused (doubling up to ``PAUSE_CAP``), and the rows that
failed wait for the pause to end rather than for their own backoff. When the
provider is back, every waiting row is ready at once and goes in id order: an
hour's outage delays the queue, it does not reorder it. A reminder still unsent
when its licence expires is failed ("expired"): late is useless.

**Report pass** (``report_pass``): asks the provider about messages sent in the
last three days without a delivery report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import peewee

from plugins.reminders import gateways, rules
from plugins.reminders.register import load_rules
from plugins.reminders.server_models import (
    DELIVERED,
    DUE,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    UNDELIVERED,
    Licence,
    OptOut,
    Setting,
    Sms,
)

log = logging.getLogger(__name__)

BATCH = 50  # rows claimed per transaction of the send pass
LEASE = dt.timedelta(minutes=5)  # a "sending" row older than this is claimed again
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(minutes=30)
DOWN_AFTER = 3  # transient failures in a row: the provider is down
PAUSE_BASE = dt.timedelta(seconds=30)
PAUSE_CAP = dt.timedelta(minutes=5)
REPORT_WINDOW = dt.timedelta(days=3)
PAUSE_KEY = "gateway_paused_until"
PAUSES_KEY = "gateway_pauses"  # consecutive pauses, for the doubling

# Error codes stored on failed rows (the workstation says them in a sentence).
NO_MOBILE = "no_mobile"
EXPIRED = "expired"
REFUSED = "refused"


@dataclass
class Timing:
    """The backoff figures (the bench and the tests shorten them)."""

    backoff_base: dt.timedelta = BACKOFF_BASE
    backoff_cap: dt.timedelta = BACKOFF_CAP
    pause_base: dt.timedelta = PAUSE_BASE
    pause_cap: dt.timedelta = PAUSE_CAP
    lease: dt.timedelta = LEASE


def due_key(licence_id: int, valid_until: dt.date, lead: int) -> str:
    return f"due:{licence_id}:{valid_until.isoformat()}:{lead}"


# -- due pass ------------------------------------------------------------------------
def _site_names() -> dict[str, str]:
    from server.models import Site

    return {str(code): str(name) for code, name in Site.select(Site.code, Site.name).tuples()}


def _item_names(codes: set[str]) -> dict[str, str]:
    """Item names from the server's catalog (code when it is not there)."""
    import json

    from server.models import CatalogEntity

    names: dict[str, str] = {}
    if not codes:
        return names
    query = CatalogEntity.select(CatalogEntity.code, CatalogEntity.data).where(
        (CatalogEntity.kind == "catalog.item") & CatalogEntity.code.in_(sorted(codes))
    )
    for code, data in query.tuples():
        try:
            names[str(code)] = str(json.loads(data).get("name") or code)
        except (ValueError, AttributeError):
            continue
    return names


def due_pass(now: dt.datetime, *, stopping: Any = None) -> int:
    """Write every reminder due today to the outbox; how many rows were written."""
    from server import db

    ruleset = load_rules()
    today = rules.china_today(now)
    horizon = today + dt.timedelta(days=ruleset.max_lead())
    columns = (
        Licence.id,
        Licence.licence_type,
        Licence.licence_no,
        Licence.item_code,
        Licence.holder_name,
        Licence.legal_rep,
        Licence.mobile,
        Licence.valid_until,
        Licence.site_code,
    )
    opted_out = OptOut.select(OptOut.holder_id)
    candidates = (
        Licence.select(*columns)
        .where(
            (Licence.valid_until >= today)
            & (Licence.valid_until <= horizon)
            & Licence.holder_id.not_in(opted_out)
        )
        .tuples()
    )
    done = {
        (licence_id, _as_date(until), lead)
        for licence_id, until, lead in Sms.select(Sms.licence_id, Sms.valid_until, Sms.lead_days)
        .where((Sms.kind == DUE) & (Sms.valid_until >= today))
        .tuples()
        .iterator()
    }
    due: list[tuple[Any, ...]] = []
    for row in candidates.iterator():
        licence_id, licence_type, valid_until = row[0], row[1], row[7]
        if isinstance(valid_until, str):  # SQLite hands dates back as text
            valid_until = dt.date.fromisoformat(valid_until)
        lead = rules.due_lead(valid_until, today, ruleset.for_type(licence_type).lead_days)
        if lead is not None and (licence_id, valid_until, lead) not in done:
            due.append((*row[:7], valid_until, row[8], lead))
    if not due:
        return 0
    sites = _site_names()
    items = _item_names({ruleset.for_type(r[1]).renewal_item or r[3] for r in due} - {""})
    rows = []
    for licence_id, licence_type, number, item, holder, rep, mobile, until, site, lead in due:
        rule = ruleset.for_type(licence_type)
        renewal = rule.renewal_item or item
        facts = rules.LicenceFacts(
            holder, rep, licence_type, number, until, sites.get(site, site),
            items.get(renewal, renewal) or licence_type + "延续",
        )  # fmt: skip
        rows.append(
            {
                "key": due_key(licence_id, until, lead),
                "kind": DUE,
                "licence_id": licence_id,
                "site_code": site,
                "mobile": mobile,
                "text": rules.render(rule, facts, today),
                "lead_days": lead,
                "valid_until": until,
                "state": QUEUED if mobile else FAILED,
                "error": "" if mobile else NO_MOBILE,
                "next_at": now,
                "created_at": now,
            }
        )
    written = 0
    for start in range(0, len(rows), 1000):
        if stopping is not None and stopping.is_set():
            break
        with db.transaction():
            cursor = (
                Sms.insert_many(rows[start : start + 1000])
                .on_conflict_ignore()
                .as_rowcount()
                .execute()
            )
            written += int(cursor or 0)
    return written


# -- send pass -----------------------------------------------------------------------
def _setting(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return None if row is None else str(row.value)


def _put_setting(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], preserve=[Setting.value]
    ).execute()


def paused_until() -> dt.datetime | None:
    value = _setting(PAUSE_KEY)
    return dt.datetime.fromisoformat(value) if value else None


def backoff(attempts: int, timing: Timing) -> dt.timedelta:
    """30 s, 1 min, 2 min … up to the cap: no jitter, so waiting rows keep their order."""
    delay = timing.backoff_base * (2 ** max(0, min(attempts - 1, 20)))
    return min(delay, timing.backoff_cap)


def _claim(context: Any, now: dt.datetime, timing: Timing, batch: int) -> list[Sms]:
    """Rows to send, marked ``sending`` in one short transaction."""
    from server import db

    with db.transaction():
        stale = now - timing.lease
        claimed = context.claim(
            Sms.select()
            .where(
                ((Sms.state == QUEUED) & (Sms.next_at <= now))
                | ((Sms.state == SENDING) & (Sms.claimed_at < stale))
            )
            .order_by(Sms.id)
            .limit(batch)
        )
        if claimed:
            Sms.update(state=SENDING, claimed_at=now, attempts=Sms.attempts + 1).where(
                Sms.id.in_([row.id for row in claimed])
            ).execute()
    return claimed


def _mark(marks: list[tuple[int, dict[str, Any]]]) -> None:
    """What became of a batch's rows, in one transaction (one commit, not one a row).

    A row is marked only while it is still ``sending``. A worker killed before this
    leaves its batch ``sending``: claimed again after the lease and sent again with
    the same keys, which the provider answers without sending (module docstring).
    """
    from server import db

    if not marks:
        return
    with db.transaction():
        for row_id, values in marks:
            Sms.update(**values).where((Sms.id == row_id) & (Sms.state == SENDING)).execute()
    marks.clear()


def send_pass(
    context: Any,
    gateway: gateways.Gateway | None,
    *,
    timing: Timing | None = None,
    batch: int = BATCH,
    clock: Callable[[], dt.datetime] | None = None,
) -> int:
    """Send what is queued; how many messages the provider accepted."""
    from server import db

    if gateway is None:
        log.warning("reminders: no SMS gateway configured (SIHAO_SMS_GATEWAY): nothing sent")
        return 0
    timing = timing or Timing()
    now_of = clock or context.now
    now = now_of()
    quiet = load_rules().quiet
    if quiet.quiet(now):
        return 0
    paused = paused_until()
    if paused is not None and paused > now:
        return 0
    pauses_before = _setting(PAUSES_KEY) not in (None, "0")
    sent = 0
    failed_in_a_row: list[int] = []
    marks: list[tuple[int, dict[str, Any]]] = []
    stopping = getattr(context, "stopping", None)
    while stopping is None or not stopping.is_set():
        now = now_of()
        if quiet.quiet(now):
            break
        claimed = _claim(context, now, timing, batch)
        if not claimed:
            break
        for index, row in enumerate(claimed):
            now = now_of()
            if row.kind == DUE and _as_date(row.valid_until) < rules.china_today(now):
                marks.append((row.id, {"state": FAILED, "error": EXPIRED}))
                continue
            try:
                message_id = gateway.send(row.mobile, row.text, row.key)
            except gateways.Permanent as exc:
                log.warning("SMS %s refused by the provider: %s", row.id, exc)
                marks.append((row.id, {"state": FAILED, "error": f"{REFUSED}: {str(exc)[:300]}"}))
                failed_in_a_row.clear()
                continue
            except gateways.Transient as exc:
                failed_in_a_row.append(row.id)
                retry_at = now + backoff(row.attempts + 1, timing)  # attempts as claimed
                marks.append(
                    (row.id, {"state": QUEUED, "next_at": retry_at, "error": str(exc)[:300]})
                )
                if len(failed_in_a_row) >= DOWN_AFTER:
                    _mark(marks)
                    _pause(now, timing, failed_in_a_row, [r.id for r in claimed[index + 1 :]])
                    return sent
                continue
            failed_in_a_row.clear()
            sent += 1
            marks.append(
                (row.id, {"state": SENT, "gateway_id": message_id, "sent_at": now, "error": ""})
            )
        _mark(marks)
        if pauses_before and not failed_in_a_row:
            with db.transaction():
                _put_setting(PAUSES_KEY, "0")  # the provider answers again: pauses start short
            pauses_before = False
    return sent


def _pause(now: dt.datetime, timing: Timing, failed: list[int], unsent: list[int]) -> None:
    """The provider is down: leave it alone for a while; the rows wait for it."""
    from server import db

    with db.transaction():
        pauses = int(_setting(PAUSES_KEY) or 0) + 1
        until = now + min(timing.pause_base * (2 ** min(pauses - 1, 20)), timing.pause_cap)
        _put_setting(PAUSES_KEY, str(pauses))
        _put_setting(PAUSE_KEY, until.isoformat())
        # The rows that failed wait for the provider, not for their own backoff, and
        # those claimed but not tried go back as they were: all ready together, in order.
        Sms.update(next_at=until).where(Sms.id.in_(failed) & (Sms.state == QUEUED)).execute()
        if unsent:
            Sms.update(state=QUEUED, attempts=Sms.attempts - 1, claimed_at=None).where(
                Sms.id.in_(unsent) & (Sms.state == SENDING)
            ).execute()
    log.warning("SMS provider down (%d failures in a row): paused until %s UTC", len(failed), until)


def _as_date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# -- delivery reports ------------------------------------------------------------------
def report_pass(context: Any, gateway: gateways.Gateway | None, *, limit: int = 500) -> int:
    """Delivery reports of messages sent lately; how many rows got one."""
    from server import db

    if gateway is None:
        return 0
    now = context.now()
    rows = list(
        Sms.select(Sms.id, Sms.gateway_id)
        .where((Sms.state == SENT) & (Sms.sent_at >= now - REPORT_WINDOW) & (Sms.gateway_id != ""))
        .order_by(Sms.id)
        .limit(limit)
    )
    reported = 0
    for row in rows:
        try:
            status = gateway.status(row.gateway_id)
        except gateways.Transient as exc:
            log.info("delivery reports: provider unreachable (%s); next pass", exc)
            break
        if status == gateways.PENDING:
            continue
        state = DELIVERED if status == gateways.DELIVERED else UNDELIVERED
        with db.transaction():
            Sms.update(state=state, delivered_at=now).where(
                (Sms.id == row.id) & (Sms.state == SENT)
            ).execute()
        reported += 1
    return reported


# -- resend ------------------------------------------------------------------------------
def queue_resend(record_id: str, sms_id: int, reason: str, staff_no: str, now: dt.datetime) -> bool:
    """One more outbox row for a clerk's resend (inside the push transaction)."""
    original = Sms.get_or_none(Sms.id == sms_id)
    if original is None:
        return False
    licence = Licence.get_or_none(Licence.id == original.licence_id)
    mobile = licence.mobile if licence is not None and licence.mobile else original.mobile
    cursor = (
        Sms.insert(
            key=f"resend:{record_id}",
            kind="resend",
            licence_id=original.licence_id,
            site_code=original.site_code,
            mobile=mobile,
            text=original.text,
            lead_days=original.lead_days,
            valid_until=original.valid_until,
            state=QUEUED if mobile else FAILED,
            error="" if mobile else NO_MOBILE,
            reason=reason,
            requested_by=staff_no,
            next_at=now,
            created_at=now,
        )
        .on_conflict_ignore()
        .as_rowcount()
        .execute()
    )
    return bool(cursor)


def counts_by_state() -> dict[str, int]:
    query = Sms.select(Sms.state, peewee.fn.COUNT(Sms.id)).group_by(Sms.state).tuples()
    return {str(state): int(n) for state, n in query}
