"""The central server's tables of the reminders plugin (server_migrations/0001).

- ``Licence``: the register, one row per licence type and number (a renewed
  licence is the same row with a later ``valid_until``);
- ``Rule``, ``Setting``: the reminder rules per licence type, the quiet hours and
  the gateway's pause (a provider that is down is left alone for a while);
- ``OptOut``: holders who asked for no reminders;
- ``Sms``: the SMS outbox. ``key`` is unique: ``due:{licence}:{valid_until}:{lead}``
  for a reminder the due pass made, ``resend:{record id}`` for a clerk's resend.
  States: queued → sending → sent → delivered | undelivered; failed (never sent:
  no mobile, refused by the provider, expired before it could go).
"""

from __future__ import annotations

import peewee

from server.db import ServerModel
from server.models import utcnow

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
UNDELIVERED = "undelivered"
FAILED = "failed"
STATES = (QUEUED, SENDING, SENT, DELIVERED, UNDELIVERED, FAILED)

DUE = "due"
RESEND = "resend"


class Licence(ServerModel):
    id = peewee.BigAutoField()
    licence_type = peewee.CharField()
    licence_no = peewee.CharField()
    item_code = peewee.CharField(default="")
    holder_kind = peewee.CharField(default="org")
    holder_name = peewee.CharField()
    holder_id = peewee.CharField(default="")
    legal_rep = peewee.CharField(default="")
    mobile = peewee.CharField(default="")
    valid_until = peewee.DateField()
    issued_on = peewee.DateField(null=True)
    site_code = peewee.CharField()
    case_no = peewee.CharField(default="")
    source = peewee.CharField(default="case")
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "reminders_licence"


class Rule(ServerModel):
    licence_type = peewee.CharField(primary_key=True)
    lead_days = peewee.CharField()  # "60,30,7"
    renewal_item = peewee.CharField(default="")
    template = peewee.TextField()
    mask_holder = peewee.BooleanField(default=False)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "reminders_rule"


class Setting(ServerModel):
    key = peewee.CharField(primary_key=True)
    value = peewee.TextField()

    class Meta:
        table_name = "reminders_setting"


class OptOut(ServerModel):
    holder_id = peewee.CharField(primary_key=True)
    reason = peewee.TextField(default="")
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "reminders_optout"


class Sms(ServerModel):
    id = peewee.BigAutoField()
    key = peewee.CharField(unique=True)
    kind = peewee.CharField(default=DUE)
    licence_id = peewee.BigIntegerField()
    site_code = peewee.CharField()
    mobile = peewee.CharField(default="")
    text = peewee.TextField(default="")
    lead_days = peewee.IntegerField(default=0)
    valid_until = peewee.DateField()
    state = peewee.CharField()
    attempts = peewee.IntegerField(default=0)
    next_at = peewee.DateTimeField(default=utcnow)
    claimed_at = peewee.DateTimeField(null=True)
    gateway_id = peewee.CharField(default="")
    error = peewee.TextField(default="")
    reason = peewee.TextField(default="")
    requested_by = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)
    sent_at = peewee.DateTimeField(null=True)
    delivered_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "reminders_sms"
