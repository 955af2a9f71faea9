"""The rating key this workstation signs QR links with (``links``), as the central
server issued it to the site. Kept in the store so a receipt printed offline still
carries a link the server accepts."""

from __future__ import annotations

import peewee

from core.db import BaseModel
from core.models import utcnow


class RatingKey(BaseModel):
    key_id = peewee.CharField(primary_key=True)
    site_code = peewee.CharField(index=True)
    secret = peewee.CharField()  # base64url of the 32 bytes
    fetched_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "kiosk_rating_key"


MODELS = [RatingKey]
