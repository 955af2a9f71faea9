"""Ratings citizens give themselves: the hall kiosk (大厅自助机) and the QR page (动态二维码).

Both land in the same ratings store as cards and follow the same loop: a bad review
(level 1–2) opens its rectification case with the rating. Nobody is signed in, so
nobody is the rating's keyer or the case's opener (``actor`` is empty) and the
rating is anonymous: no name, ID or mobile number is asked for or kept. The server
accepts an opener-less case only with such a rating in the same push
(``server_checks``).

- ``save_kiosk_rating`` (workstation): the kiosk's "rate the hall" screen, a rating
  of the hall (target ``hall``) on channel ``kiosk``, saved like a card and pushed
  by the outbox.
- ``citizen_records`` (server): the records a QR rating of one case becomes, for
  ``sihao_server_citizen_rating``; the kiosk plugin's page stores them through the
  server's push, with ids made from the case id so a second submission of the
  same link is the same records again.
- ``rating_choices`` (server): the levels and tags of a channel in the newest tag
  set the server has (published, else shipped).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from typing import Any

from core.cases import CitizenRating
from core.workdays import Basis, WorkingCalendar
from plugins.feedback import cases, reference
from plugins.feedback.ratings import (
    BAD_LEVELS,
    RATING_KIND,
    Checked,
    RatingDraft,
    Target,
    _case_summary,
    save,
    validate,
)

KIOSK_CHANNEL = "kiosk"
_NAMESPACE = uuid.UUID("0d7b6a8e-3c41-4f2e-9a57-b2c8e1f40a93")


# -- the kiosk, at the workstation ----------------------------------------------------------
def kiosk_tags(level: int) -> tuple[str, ...]:
    return reference.tag_set().tags_for(KIOSK_CHANNEL, level)


def check_kiosk_rating(runtime: Any, level: int | None, tags: list[str], text: str) -> Checked:
    """A rating of the hall as pressed on the kiosk; ``Checked.problems`` say what to fix."""
    draft = RatingDraft(
        target=Target.HALL, channel=KIOSK_CHANNEL, level=level, tags=list(tags), text=text
    )
    settings = runtime.settings("feedback")
    return validate(draft, reference.tag_set(), settings, runtime.config.site_code, actor="")


def save_kiosk_rating(runtime: Any, checked: Checked) -> Any:
    """Save a checked kiosk rating; a bad review opens its case in the same transaction."""
    return save(
        checked,
        actor="",
        site_code=runtime.config.site_code,
        tagset=reference.tag_set(),
        calendar=runtime.calendar,
        case_settings=runtime.settings("feedback"),
    )


# -- the QR page, on the server -------------------------------------------------------------
# Kept for a minute in each server process: a QR rating asks twice, and the
# published sets change a few times a year (a new set is in use within a minute).
_CACHE_SECONDS = 60.0
_tag_set_cache: tuple[float, reference.TagSet] | None = None
_calendar_cache: tuple[float, WorkingCalendar] | None = None


def server_tag_set() -> reference.TagSet:
    """The newest tag set the server has published, else the shipped one."""
    global _tag_set_cache
    cached = _tag_set_cache
    if cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS:
        return cached[1]
    tagset = _read_server_tag_set()
    _tag_set_cache = (time.monotonic(), tagset)
    return tagset


def server_calendar() -> WorkingCalendar:
    """The server's working-day calendar; a year is read once a minute at most
    (reading one from the built-in calendar costs ~25 ms)."""
    global _calendar_cache
    cached = _calendar_cache
    if cached is not None and time.monotonic() - cached[0] < _CACHE_SECONDS * 10:
        return cached[1]
    calendar = ServerCalendar()
    _calendar_cache = (time.monotonic(), calendar)
    return calendar


def _read_server_tag_set() -> reference.TagSet:
    from server.models import Change

    best = reference.shipped(reference.TAGS)
    query = Change.select(Change.entity_id, Change.data).where(
        (Change.scope == "city")
        & (Change.kind == "feedback.reference")
        & (Change.entity_id.startswith(f"{reference.TAGS}:"))
    )
    for entity_id, data in query.tuples():
        version = entity_id.partition(":")[2]
        if reference.version_key(version) > reference.version_key(str(best["version"])):
            try:
                best = json.loads(data)["data"]
            except (ValueError, KeyError, TypeError):
                continue
    return reference.TagSet(
        version=str(best["version"]),
        channels=tuple(
            reference.Channel(c["code"], c["name"], c["mode"]) for c in best["channels"]
        ),
        tags={
            mode: {int(level): tuple(tags) for level, tags in levels.items()}
            for mode, levels in best["tags"].items()
        },
    )


class ServerCalendar(WorkingCalendar):
    """Working days as the central server knows them: the city's holiday table
    (``HolidayYear``, what workstations pull) where IT loaded the year, else the
    built-in calendar (the workstation's store is not there to ask)."""

    def __init__(self) -> None:
        super().__init__(use_table=False)

    def _load_year(self, year: int) -> tuple[Basis, dict[dt.date, bool]]:
        from server.models import HolidayYear

        row = HolidayYear.get_or_none(HolidayYear.year == year)
        if row is not None:
            try:
                days = {
                    dt.date.fromisoformat(str(d["date"])): bool(d["is_workday"])
                    for d in json.loads(row.days)
                }
            except (ValueError, KeyError, TypeError):
                days = None
            if days is not None:
                return Basis.TABLE, days
        return super()._load_year(year)


def rating_choices(channel: str) -> dict[int, list[str]] | None:
    tagset = server_tag_set()
    if tagset.channel(channel) is None:
        return None
    return {level: list(tagset.tags_for(channel, level)) for level in range(5, 0, -1)}


def _id(case_id: str, what: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{case_id}:{what}"))


def citizen_records(rating: CitizenRating) -> list[dict[str, Any]]:
    """The rating's record, and for a bad review its case and the case's first event.

    ``ValueError`` for a rating the tag set does not allow (the page checks first)."""
    tagset = server_tag_set()
    channel = tagset.channel(rating.channel)
    if channel is None:
        raise ValueError(f"channel {rating.channel!r} is not in tag set {tagset.version}")
    if rating.level not in range(1, 6):
        raise ValueError("level must be 1 to 5")
    allowed = tagset.tags_for(rating.channel, rating.level)
    if any(tag not in allowed for tag in rating.tags):
        raise ValueError("a tag is not offered at this level on this channel")
    case = rating.case
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    rated_on = rating.rated_on.isoformat()
    rating_id = _id(case.case_id, "rating")
    payload = {
        "id": rating_id,
        "site_code": case.site_code,
        "unit_site": case.site_code,
        "target": Target.CASE.value,
        "case_no": case.case_no,
        "item_code": case.item_code,
        "item_name": case.item_name,
        "department": "",
        "window_no": case.window_no,
        "staff_no": case.staff_no,
        "channel": channel.code,
        "mode": channel.mode,
        "level": rating.level,
        "tags": json.dumps(list(rating.tags), ensure_ascii=False),
        "tagset_version": tagset.version,
        "text": rating.text,
        "real_name": False,
        "applicant_name": "",
        "applicant_id": "",
        "applicant_phone": "",
        "kind": "active",
        "follow_up_of": "",
        "self_rated": False,
        "rated_on": rated_on,
        "rating_month": rated_on[:7],
        "actor": "",
        "created_at": now,
    }
    records = [{"kind": RATING_KIND, "entity_id": rating_id, "payload": payload}]
    if rating.level not in BAD_LEVELS:
        return records
    case_id = _id(case.case_id, "case")
    callback_due, rectify_due, estimate = cases.deadlines(
        server_calendar(), rating.rated_on, cases.DEFAULT_SETTINGS
    )
    records.append(
        {
            "kind": cases.CASE_KIND,
            "entity_id": case_id,
            "payload": {
                "id": case_id,
                "source": "rating",
                "source_id": rating_id,
                "site_code": case.site_code,
                "unit_site": case.site_code,
                "window_no": case.window_no,
                "staff_no": case.staff_no,
                "item_code": case.item_code,
                "department": "",
                "summary": _case_summary(rating.level, list(rating.tags), rating.text)[:2000],
                "level": rating.level,
                "real_name": False,
                "rated_on": rated_on,
                "rating_month": rated_on[:7],
                "opened_on": rated_on,
                "callback_due": callback_due.isoformat(),
                "rectify_due": rectify_due.isoformat(),
                "due_estimate": estimate,
                "actor": "",
                "created_at": now,
            },
        }
    )
    event_id = _id(case.case_id, "opened")
    records.append(
        {
            "kind": cases.EVENT_KIND,
            "entity_id": event_id,
            "payload_version": cases.EVENT_PAYLOAD_VERSION,
            "payload": {
                "id": event_id,
                "case_id": case_id,
                "from_state": "",
                "to_state": "pending_callback",
                "note": "",
                "actor": "",
                "happened_on": rated_on,
                "created_at": now,
                "unit_site": case.site_code,
                "case_site": case.site_code,
                "role": "",
                "site_code": case.site_code,
                "evidence": "",
                "called_at": None,
                "step": 0,
            },
        }
    )
    return records
