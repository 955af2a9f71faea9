"""The workstation's tables of the reminders plugin.

- ``SiteReminders``: the last answer the central server gave about this site (its
  upcoming expiries and the messages sent), kept so the screen works offline and
  says how old it is. One row per site.
- ``ResendRequest``: a clerk's resend, append-only, vouched for by the audit chain
  and pushed as ``reminders.resend``.
"""

from __future__ import annotations

import peewee

from core.db import BaseModel, new_id
from core.models import utcnow


class SiteReminders(BaseModel):
    site_code = peewee.CharField(primary_key=True)
    pulled_at = peewee.DateTimeField(default=utcnow)  # naive UTC, as the store keeps time
    body = peewee.TextField()  # the server's JSON answer

    class Meta:
        table_name = "reminders_site"


class ResendRequest(BaseModel):
    id = peewee.CharField(primary_key=True, default=new_id)
    sms_id = peewee.BigIntegerField()
    reason = peewee.TextField()
    staff_no = peewee.CharField()
    site_code = peewee.CharField()
    requested_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "reminders_resend"


MODELS = [SiteReminders, ResendRequest]
