"""Site notices: short messages IT or a supervisor posts for everyone at the site."""

from __future__ import annotations

import peewee

from core.db import BaseModel, new_id
from core.models import utcnow


class SiteNotice(BaseModel):
    id = peewee.CharField(primary_key=True, default=new_id)
    site_code = peewee.CharField(index=True)
    text = peewee.TextField()
    author = peewee.CharField()
    created_at = peewee.DateTimeField(default=utcnow)
    retracted = peewee.BooleanField(default=False)


MODELS = [SiteNotice]
