"""Building blocks for the strict payload schemas of record kinds (``RecordKindRegistry.add``).

The server trusts no workstation: every record kind declares a pydantic model of
its payload, and the server validates each pushed record against it before storing
it. The pieces here make such a model short to write and hard to get wrong:

- ``StrictRecord``: the base class: unknown fields refused (``extra="forbid"``),
  NaN and infinities refused, no silent coercion of numbers and booleans;
- ``text(n)``: a string of at most ``n`` characters without NUL (the databases
  cannot hold it); ``Id``, ``Code``, ``Name``, ``LongText`` are the usual sizes;
- ``Day`` and ``Timestamp``: an ISO date (``2026-11-03``) or date-time as the
  outbox writes it, refused when it is later than tomorrow (a record cannot be
  dated in the future) or before 2000; ``DueDay`` allows the future;
- ``SafeInt``: an integer within ±2^53, the range every JSON reader keeps exactly;
- ``WriterSite`` / ``WriterWorkstation``: the site or workstation that wrote the
  record; the server fills it from the token when it is empty and refuses the
  record when it names another one;
- ``KnownSite``: a field naming another site legitimately (a case's responsible
  unit): it stays, but must name a site the server knows.

pydantic costs about 100 ms to import: this module is imported where a schema is
built (a plugin's ``sihao_record_kinds``) or used (the server), never on the
workstation's start-up path.
"""

from __future__ import annotations

import datetime as dt
import time
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Every JSON number an integer field takes stays exact in any reader (JavaScript,
# PostgreSQL's jsonb) within ±2^53.
MAX_SAFE_INT = 2**53
EARLIEST = dt.date(2000, 1, 1)


class SiteField(StrEnum):
    """How the server treats a payload field that names a site or workstation."""

    WRITER_SITE = "writer_site"
    WRITER_WORKSTATION = "writer_workstation"
    KNOWN_SITE = "known_site"


class StrictRecord(BaseModel):
    """Base of every record payload schema: nothing unknown, nothing coerced."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        strict=True,  # 5 is not "5", true is not 1
        frozen=True,
        # The payload stays the dict the workstation sent (and the server stores);
        # the model is only its judge, so building it must be cheap.
        revalidate_instances="never",
    )


# NUL refused by pydantic-core's own regex engine: a Python validator per text
# field cost more than the rest of a rating's validation together.
NO_NUL = r"^[^\x00]*$"


def text(max_length: int, *, min_length: int = 0) -> Any:
    """A string field of at most ``max_length`` characters, without NUL."""
    return Annotated[
        str, StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL)
    ]


Id = text(64, min_length=1)
OptionalId = text(64)
Code = text(64)
Name = text(200)
LongText = text(2000)
SafeInt = Annotated[int, Field(ge=-MAX_SAFE_INT, le=MAX_SAFE_INT)]


_latest = (0.0, EARLIEST)  # (valid until, by time.monotonic(); the date)


def _latest_allowed() -> dt.date:
    """Tomorrow (UTC): a workstation's clock may run a little ahead, and time zones
    differ by hours. Worked out once a minute, not for every date of every record."""
    global _latest
    now = time.monotonic()
    if now >= _latest[0]:
        _latest = (now + 60, dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1))
    return _latest[1]


def _day(value: str) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("must be a date written YYYY-MM-DD") from exc
    if len(value) != 10:
        raise ValueError("must be a date written YYYY-MM-DD")
    if day < EARLIEST or day > _latest_allowed():
        raise ValueError("must be a date between 2000-01-01 and today")
    return value


def _due_day(value: str) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("must be a date written YYYY-MM-DD") from exc
    if len(value) != 10 or not EARLIEST <= day <= dt.date(2100, 12, 31):
        raise ValueError("must be a date between 2000-01-01 and 2100-12-31")
    return value


def _timestamp(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("must be a date and time in ISO 8601") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    if moment.date() < EARLIEST or moment.date() > _latest_allowed():
        raise ValueError("must be a time between 2000-01-01 and now")
    return value


Day = Annotated[str, StringConstraints(min_length=10, max_length=10), AfterValidator(_day)]
DueDay = Annotated[str, StringConstraints(min_length=10, max_length=10), AfterValidator(_due_day)]
Timestamp = Annotated[
    str, StringConstraints(min_length=10, max_length=40), AfterValidator(_timestamp)
]
Month = Annotated[str, StringConstraints(pattern=r"^(20\d\d-(0[1-9]|1[0-2]))?$")]

WriterSite = Annotated[str, StringConstraints(max_length=64, pattern=NO_NUL), SiteField.WRITER_SITE]
WriterWorkstation = Annotated[
    str, StringConstraints(max_length=64, pattern=NO_NUL), SiteField.WRITER_WORKSTATION
]
KnownSite = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=NO_NUL), SiteField.KNOWN_SITE
]


def site_fields(model: type[BaseModel]) -> dict[SiteField, list[tuple[str, ...]]]:
    """Where ``model`` (and the models nested in it, not in lists) names a site or
    workstation: the path of each field by its marker."""
    found: dict[SiteField, list[tuple[str, ...]]] = {}

    def walk(current: type[BaseModel], prefix: tuple[str, ...]) -> None:
        for name, info in current.model_fields.items():
            path = (*prefix, info.alias or name)
            for marker in info.metadata:
                if isinstance(marker, SiteField):
                    found.setdefault(marker, []).append(path)
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, path)

    walk(model, ())
    return found


def validation_reason(errors: list[Any]) -> str:
    """One sentence from pydantic's errors: where and what, never the value sent."""
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error.get("loc", ())) or "payload"
        message = error.get("msg", "invalid")
        if (error.get("ctx") or {}).get("pattern") == NO_NUL:
            message = "must not contain NUL characters"
        parts.append(f"{where}: {message}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return "payload refused: " + "; ".join(parts) + more
