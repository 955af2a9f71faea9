"""The workstation's side of the reminders: what the server says, kept for offline.

Reminders are sent by the central server, never by a workstation. A workstation
asks the server for its site's upcoming expiries and messages
(``GET /v1/plugins/reminders/site``, scoped by its token) and keeps the answer
(``SiteReminders``), so the screen shows the last one pulled, with its age, when
the server cannot be reached.

A manual resend is a record (``reminders.resend``, strict schema), written with
its audit entry and outbox row in one transaction: it waits in the outbox while
the workstation is offline, and the server turns it into one more SMS.

UI-free: the screen and the CLI both use these functions.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from core.i18n import N_, _
from core.models import utcnow
from plugins.reminders.models import ResendRequest, SiteReminders

log = logging.getLogger(__name__)

PLUGIN = "reminders"
RESEND_KIND = "reminders.resend"  # schemas.RESEND_KIND, without pydantic at start-up
DEFAULT_DAYS = 90
MIN_REASON = 2
MAX_REASON = 200

# Outbox states on the server, as the clerk reads them.
STATE_LABELS = {
    "queued": N_("waiting to send"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "delivered": N_("delivered"),
    "undelivered": N_("not delivered"),
    "failed": N_("failed"),
}
FAILURE_STATES = ("failed", "undelivered")


def state_label(state: str) -> str:
    return _(STATE_LABELS[state]) if state in STATE_LABELS else state


def error_sentence(code: str) -> str:
    """A failed reminder's reason, as a sentence for the clerk."""
    if not code:
        return ""
    if code == "no_mobile":
        return _(
            "No mobile number on record for this licence: IT adds it by importing the "
            "licence again, then it can be sent again."
        )
    if code == "expired":
        return _("The licence expired before the message could be sent.")
    if code.startswith("refused"):
        return _("The SMS provider refused the message: check the number.")
    return _("The SMS provider could not be reached; the server keeps trying.")


@dataclass
class SiteView:
    """The site's reminders as last pulled."""

    site_code: str
    pulled_at: dt.datetime | None
    upcoming: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    today: str = ""

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("state") in FAILURE_STATES]

    def message(self, sms_id: int) -> dict[str, Any] | None:
        return next((m for m in self.messages if m.get("id") == sms_id), None)


def _view(site_code: str, pulled_at: dt.datetime | None, body: Any) -> SiteView:
    if not isinstance(body, dict):
        return SiteView(site_code, pulled_at)
    upcoming = [row for row in body.get("upcoming", []) if isinstance(row, dict)]
    messages = [row for row in body.get("messages", []) if isinstance(row, dict)]
    return SiteView(site_code, pulled_at, upcoming, messages, str(body.get("today", "")))


def last_pulled(site_code: str) -> SiteView | None:
    row = SiteReminders.get_or_none(SiteReminders.site_code == site_code)
    if row is None:
        return None
    try:
        body = json.loads(row.body)
    except ValueError:
        log.warning("kept reminders of %s unreadable: dropped", site_code)
        return None
    return _view(site_code, row.pulled_at, body)


def keep(site_code: str, body: Any, pulled_at: dt.datetime | None = None) -> SiteView:
    """Keep the server's answer (on the store's thread); the view of it."""
    if not isinstance(body, dict) or not isinstance(body.get("upcoming"), list):
        raise ValueError(_("The central server's answer about reminders could not be read."))
    when = pulled_at or utcnow()
    SiteReminders.insert(
        site_code=site_code, pulled_at=when, body=json.dumps(body, ensure_ascii=False)
    ).on_conflict_replace().execute()
    return _view(site_code, when, body)


def fetch(client: Any, days: int = DEFAULT_DAYS) -> Any:
    """The server's answer (any thread; the caller keeps it with ``keep``)."""
    return client.plugin_get(PLUGIN, "site", {"days": days})


def refresh(runtime: Any, days: int = DEFAULT_DAYS) -> SiteView:
    """Ask the server now and keep its answer (raises ``core.sync.client.SyncError``)."""
    from core.sync import engine

    client = engine.connect(runtime)
    try:
        body = fetch(client, days)
    finally:
        client.close()
    return keep(runtime.config.site_code, body)


def request_resend(runtime: Any, view: SiteView, sms_id: int, reason: str) -> ResendRequest:
    """Record a clerk's resend of reminder ``sms_id`` with ``reason`` (ValueError: a sentence)."""
    from core import audit, outbox
    from core.db import atomic

    session = runtime.session
    if session is None:
        raise ValueError(_("Sign in first."))
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise ValueError(_("Say why the reminder is sent again (at least two characters)."))
    if len(reason) > MAX_REASON:
        raise ValueError(
            _("The reason is too long ({n} characters; at most {max}).").format(
                n=len(reason), max=MAX_REASON
            )
        )
    message = view.message(sms_id)
    if message is None:
        raise ValueError(_("That reminder is not among this site's; refresh and choose again."))
    if not message.get("mobile"):
        raise ValueError(
            _("No mobile number on record for this licence: a resend cannot reach anyone.")
        )
    with atomic():
        request = ResendRequest.create(
            sms_id=sms_id,
            reason=reason,
            staff_no=session.staff_no,
            site_code=runtime.config.site_code,
            requested_at=utcnow(),
        )
        audit.record(
            RESEND_KIND,
            actor=session.staff_no,
            row=request,
            detail={"sms_id": sms_id, "licence_no": str(message.get("licence_no", ""))},
        )
        outbox.enqueue(
            RESEND_KIND,
            request.id,
            {
                "id": request.id,
                "sms_id": sms_id,
                "reason": reason,
                "staff_no": session.staff_no,
                "site_code": runtime.config.site_code,
                "requested_at": request.requested_at.isoformat(timespec="seconds"),
            },
        )
    log.info("resend of reminder %s asked by %s", sms_id, session.staff_no)
    return request


def resends_waiting() -> list[ResendRequest]:
    return list(ResendRequest.select().order_by(ResendRequest.requested_at.desc()).limit(50))
