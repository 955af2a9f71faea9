"""The central server's tables.

Sites, windows, staff and policy are what IT administers and workstations pull;
workstations and enroll codes are identity; records are every mutation pushed;
changes are what workstations pull (docs/sync-protocol.md). Catalog entities are
kept as the JSON of the catalog format (docs/catalog-format.md), keyed by kind and
code: the server distributes them and never queries inside them.

Uniqueness lives in the database (``UNIQUE(site, kind, record_key)``, unique
token hashes) and sequences come from the database, so several server processes on
one PostgreSQL never need to agree among themselves.
"""

from __future__ import annotations

import datetime as dt

import peewee

from server.db import ServerModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Site(ServerModel):
    code = peewee.CharField(primary_key=True)
    name = peewee.CharField()
    level = peewee.CharField()
    region_code = peewee.CharField(default="")
    parent = peewee.CharField(null=True)
    address = peewee.CharField(default="")
    phone = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)


class Window(ServerModel):
    site = peewee.CharField()
    number = peewee.CharField()
    name = peewee.CharField()
    departments = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("site", "number"), True),)


class Staff(ServerModel):
    staff_no = peewee.CharField(primary_key=True)
    name = peewee.CharField()
    site = peewee.CharField(index=True)
    window = peewee.CharField(null=True)  # the window number within the site
    role = peewee.CharField()
    pin_hash = peewee.CharField()
    active = peewee.BooleanField(default=True)
    updated_at = peewee.DateTimeField(default=utcnow)
    must_change_pin = peewee.BooleanField(default=False)  # IT reset it: change at sign-in
    unlocked_at = peewee.DateTimeField(null=True)  # IT's last unlock, pulled by workstations
    # Wrong PINs in calls to the server itself (admin calls, PIN changes); a sign-in
    # at a workstation counts there, offline.
    failed_attempts = peewee.IntegerField(default=0)
    locked_until = peewee.DateTimeField(null=True)


class SitePolicy(ServerModel):
    site = peewee.CharField(primary_key=True)
    enabled_plugins = peewee.TextField(default="[]")  # JSON list
    plugin_settings = peewee.TextField(default="{}")  # JSON object
    updated_at = peewee.DateTimeField(default=utcnow)


class Workstation(ServerModel):
    id = peewee.CharField(primary_key=True)
    name = peewee.CharField(default="")
    site = peewee.CharField(index=True)
    token_hash = peewee.CharField(unique=True)
    enrolled_at = peewee.DateTimeField(default=utcnow)
    last_seen = peewee.DateTimeField(null=True)
    last_client_seq = peewee.BigIntegerField(default=0)
    revoked = peewee.BooleanField(default=False)
    revoked_at = peewee.DateTimeField(null=True)
    # Set when its token seems to be in use on two machines (server.integrity): the
    # reason, for IT; cleared only by revoking and enrolling again.
    suspect = peewee.TextField(default="")
    suspect_at = peewee.DateTimeField(null=True)
    # The head of its audit chain as last acknowledged (server.integrity): a chain
    # truncated or rewritten at the workstation no longer matches it.
    audit_seq = peewee.BigIntegerField(default=0)
    audit_hash = peewee.CharField(default="")
    audit_at = peewee.DateTimeField(null=True)
    # The four characters its case numbers carry (server.counter_tags): unique within
    # its site, allocated at enrollment; null only before it was first asked for one.
    counter_tag = peewee.CharField(null=True)

    class Meta:
        indexes = ((("site", "counter_tag"), True),)


class CounterTag(ServerModel):
    """Every counter tag a site ever gave out (server.counter_tags): a tag of a revoked
    workstation, or one given up by a retag, stays here and is never given again."""

    site = peewee.CharField()
    tag = peewee.CharField()
    workstation = peewee.CharField(index=True)
    allocated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        primary_key = peewee.CompositeKey("site", "tag")
        table_name = "counter_tag"


class EnrollCode(ServerModel):
    code_hash = peewee.CharField(primary_key=True)
    site = peewee.CharField()
    created_at = peewee.DateTimeField(default=utcnow)
    expires_at = peewee.DateTimeField()
    used_at = peewee.DateTimeField(null=True)
    workstation = peewee.CharField(null=True)


class Record(ServerModel):
    """A mutation pushed by a workstation, stored once (the unique index says so).

    ``record_key`` is what makes a record the same one when it comes again: the
    record's own id (its ``entity_id``, a UUIDv7 made at the workstation) for kinds
    whose every record is a new entity (``append_only``), else its mutation id. Both
    survive a workstation's re-enrollment, so records resent under a new workstation
    id are duplicates, not new records (``UNIQUE(site, kind, record_key)``). Rows
    stored twice before the key existed keep a null key.
    """

    server_seq = peewee.BigAutoField()
    workstation = peewee.CharField()
    site = peewee.CharField()
    kind = peewee.CharField(index=True)
    entity_id = peewee.CharField()  # its owner: EntityOwner
    mutation_id = peewee.CharField()
    client_seq = peewee.BigIntegerField()
    payload = peewee.TextField()  # JSON
    payload_version = peewee.IntegerField()
    created_at = peewee.DateTimeField(null=True)  # the client's wall time, kept as data
    received_at = peewee.DateTimeField(default=utcnow)
    record_key = peewee.CharField(null=True)

    class Meta:
        table_name = "records"
        indexes = (
            (("site", "kind", "record_key"), True),
            (("workstation", "client_seq"), False),  # server.integrity: cloned tokens
        )


class EntityOwner(ServerModel):
    """The site an entity's records belong to: the site of its first record.

    A push may only write entities of its own site. The check is the primary key
    (``INSERT … ON CONFLICT`` always goes through it), so it costs the same whatever
    the planner's statistics say: looking entities up in ``records`` itself let a
    fresh server, whose statistics still said "empty", scan the whole table on
    every push.
    """

    kind = peewee.CharField()
    entity_id = peewee.CharField()
    site = peewee.CharField()

    class Meta:
        table_name = "entity_owner"
        primary_key = peewee.CompositeKey("kind", "entity_id")


class Rejection(ServerModel):
    """A mutation refused for good; pending until the same mutation is applied."""

    id = peewee.BigAutoField()
    workstation = peewee.CharField()
    mutation_id = peewee.CharField()
    client_seq = peewee.BigIntegerField()
    kind = peewee.CharField(default="")
    reason = peewee.TextField()
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("workstation", "mutation_id"), True),)


class Change(ServerModel):
    """What workstations pull: one row per change, in the change's own transaction."""

    seq = peewee.BigAutoField()
    scope = peewee.CharField()  # "city" or "site:<code>"
    kind = peewee.CharField()
    entity_id = peewee.CharField()
    op = peewee.CharField()  # "upsert" | "delete"
    data = peewee.TextField(null=True)  # JSON; null for a tombstone
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "changes"
        indexes = (
            (("scope", "seq"), False),
            (("scope", "kind", "entity_id", "seq"), False),
        )


class CatalogEntity(ServerModel):
    kind = (
        peewee.CharField()
    )  # catalog.department | catalog.item | catalog.bundle | catalog.service_point
    code = peewee.CharField()
    data = peewee.TextField()  # JSON in the catalog format
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        primary_key = peewee.CompositeKey("kind", "code")


class HolidayYear(ServerModel):
    year = peewee.IntegerField(primary_key=True)
    days = peewee.TextField()  # JSON list of {date, is_workday, name}
    updated_at = peewee.DateTimeField(default=utcnow)


class AdminLog(ServerModel):
    """What IT changed on the server and who asked (append-only): staff added,
    deactivated, PINs reset, accounts unlocked, plugins switched from a workstation.
    ``actor`` is a staff number, or ``cli`` for the server's own shell; no PINs."""

    id = peewee.BigAutoField()
    at = peewee.DateTimeField(default=utcnow)
    actor = peewee.CharField()
    workstation = peewee.CharField(default="")  # the workstation the call came from
    site = peewee.CharField(default="")
    action = peewee.CharField(index=True)
    target = peewee.CharField(default="")
    detail = peewee.TextField(default="{}")  # JSON

    class Meta:
        table_name = "admin_log"


class ServerState(ServerModel):
    """Small facts shared by every server process (e.g. the retained-history floor)."""

    key = peewee.CharField(primary_key=True)
    value = peewee.TextField()


MODELS: list[type[ServerModel]] = [
    Site,
    Window,
    Staff,
    SitePolicy,
    Workstation,
    EnrollCode,
    Record,
    EntityOwner,
    Rejection,
    Change,
    CatalogEntity,
    HolidayYear,
    AdminLog,
    ServerState,
    CounterTag,
]
