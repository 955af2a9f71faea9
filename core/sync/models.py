"""The sync state of this workstation: one row, updated in the transactions it describes.

The pull cursor is written in the same transaction as the page it ends, so a crash
between pages re-pulls at most one page (and applying a change twice is harmless:
every pulled kind is an upsert or a tombstone). ``blocked`` remembers why syncing
stopped for a reason only a person can fix: the token was revoked (re-enroll) or
the server needs a newer client (upgrade); the outbox is kept either way.

``SyncSeen`` lists what a reset snapshot (``reset: true`` pages) brought, so that
when the snapshot ends everything of those kinds it did not mention is removed,
without ever leaving the store empty between pages.

``ParkedChange`` keeps pulled changes of a plugin kind that no loaded plugin handled
(the plugin is off here, or switched on by a policy in the same pull), only the
newest per (kind, id), in arrival order (``seq``: pages come in the server's order).
They are written with their page, and handed to the plugins again whenever the
loaded plugins change (``core.sync.engine.apply_parked``). A change a plugin
refused (``RecordRejected``: it fails the plugin's checks) is parked the same way,
with the plugin's ``reason``, shown on the sync screen.
"""

from __future__ import annotations

import peewee

from core.db import BaseModel


class Blocked:
    NONE = ""
    REVOKED = "revoked"  # 401: the token is unknown or revoked; re-enroll
    UPGRADE = "upgrade"  # 426: this client's schema is too old; install a newer Sihao


class SyncState(BaseModel):
    id = peewee.IntegerField(primary_key=True)  # always 1
    server_url = peewee.CharField(default="")
    workstation_id = peewee.CharField(default="")
    site_code = peewee.CharField(default="")
    enrolled_at = peewee.DateTimeField(null=True)
    cursor = peewee.BigIntegerField(default=0)
    resetting = peewee.BooleanField(default=False)
    last_push_at = peewee.DateTimeField(null=True)
    last_pull_at = peewee.DateTimeField(null=True)
    last_error = peewee.TextField(default="")
    last_error_at = peewee.DateTimeField(null=True)
    blocked = peewee.CharField(default="")
    policy = peewee.TextField(default="")  # JSON of the last site.policy pulled
    # The audit chain's head the server acknowledged (core.audit.Anchor).
    audit_anchor_seq = peewee.BigIntegerField(default=0)
    audit_anchor_hash = peewee.CharField(default="")
    audit_anchor_at = peewee.DateTimeField(null=True)
    # Enrolled with nothing pulled yet, until the first catch-up ends: its pulls
    # ask for open work and the recent window only (``first=1``).
    first_pull = peewee.BooleanField(default=False)
    # The counter tag the server allocated (server.counter_tags): unique within the
    # site; empty until enrollment or, enrolled before tags were allocated, a pull.
    counter_tag = peewee.CharField(default="")


class SyncSeen(BaseModel):
    kind = peewee.CharField()
    entity_id = peewee.CharField()

    class Meta:
        primary_key = peewee.CompositeKey("kind", "entity_id")


class ParkedChange(BaseModel):
    seq = peewee.AutoField()  # arrival order; a newer change of the same entity gets a new one
    kind = peewee.CharField()
    entity_id = peewee.CharField()
    op = peewee.CharField()
    data = peewee.TextField(null=True)  # JSON; null for a delete
    parked_at = peewee.DateTimeField()
    # Why a plugin refused it (``RecordRejected``); empty while no plugin handles it.
    reason = peewee.TextField(default="")

    class Meta:
        indexes = ((("kind", "entity_id"), True),)


MODELS: list[type[BaseModel]] = [SyncState, SyncSeen, ParkedChange]
