"""Models every part of Sihao shares: sites, windows and staff.

Sites, windows and staff are owned by the central server (IT adds them there) and
arrive by sync; a standalone or demo site seeds its own. Their primary keys are the
codes people use (site code, staff number), so a record made offline names them
without a lookup.
"""

from __future__ import annotations

import datetime as dt

import peewee

from core.db import BaseModel
from core.roles import Role, SiteLevel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Site(BaseModel):
    """A service hall or point at one of the four levels."""

    code = peewee.CharField(primary_key=True)
    name = peewee.CharField()
    level = peewee.CharField(choices=[(level.value, level.value) for level in SiteLevel])
    region_code = peewee.CharField()
    parent = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    address = peewee.CharField(default="")
    phone = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)


class Window(BaseModel):
    """A counter (窗口) in a site."""

    site = peewee.ForeignKeyField(Site, backref="windows", on_delete="CASCADE")
    number = peewee.CharField()
    name = peewee.CharField()
    departments = peewee.CharField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)

    id: int
    site_id: str

    class Meta:
        indexes = ((("site", "number"), True),)


class Staff(BaseModel):
    """A member of staff who signs in at a workstation."""

    staff_no = peewee.CharField(primary_key=True)
    name = peewee.CharField()
    site = peewee.ForeignKeyField(Site, backref="staff", on_delete="CASCADE")
    window = peewee.ForeignKeyField(Window, null=True, backref="staff", on_delete="SET NULL")
    role = peewee.CharField(choices=[(role.value, role.value) for role in Role])
    pin_hash = peewee.CharField()
    active = peewee.BooleanField(default=True)
    on_duty = peewee.BooleanField(default=True)
    failed_attempts = peewee.IntegerField(default=0)
    locked_until = peewee.DateTimeField(null=True)
    updated_at = peewee.DateTimeField(default=utcnow)
    # IT reset the PIN: the next sign-in asks for a new one before anything else.
    must_change_pin = peewee.BooleanField(default=False)
    # When IT last unlocked the account (on the server: a pulled row with a newer
    # stamp clears this workstation's own lockout once).
    unlocked_at = peewee.DateTimeField(null=True)

    site_id: str
    window_id: int | None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


CORE_MODELS: list[type[BaseModel]] = [Site, Window, Staff]
