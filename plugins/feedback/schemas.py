"""Strict payload models of the record kinds this plugin declares a schema for.

Kept apart from the services: pydantic costs ~150 ms to import, and only the
server (which validates every pushed record) and the registry need it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pydantic

from plugins.feedback.voids import REASON_MAX


class VoidedRatingKey(pydantic.BaseModel):
    """The voided rating's grouping columns (voids.RATING_KEY)."""

    model_config = pydantic.ConfigDict(extra="forbid")

    unit_site: str = pydantic.Field(min_length=1, max_length=64)
    window_no: str = pydantic.Field(max_length=64)
    staff_no: str = pydantic.Field(max_length=64)
    item_code: str = pydantic.Field(max_length=64)
    department: str = pydantic.Field(max_length=64)
    rated_on: dt.date
    rating_month: str = pydantic.Field(pattern=r"^\d{4}-\d{2}$")
    level: int = pydantic.Field(ge=1, le=5)
    kind: Literal["active", "default", "follow_up"]
    real_name: bool
    self_rated: bool


class RatingVoidPayload(pydantic.BaseModel):
    """A void as a workstation pushes it (``feedback.rating_void``, version 1)."""

    model_config = pydantic.ConfigDict(extra="forbid")

    id: str = pydantic.Field(min_length=1, max_length=64)
    rating_id: str = pydantic.Field(min_length=1, max_length=64)
    site_code: str = pydantic.Field(min_length=1, max_length=64)
    reason: str = pydantic.Field(min_length=1, max_length=REASON_MAX)
    actor: str = pydantic.Field(min_length=1, max_length=32)
    voided_on: dt.date
    created_at: dt.datetime
    rating: VoidedRatingKey
