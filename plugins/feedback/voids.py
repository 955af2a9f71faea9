"""Voiding a rating: a card keyed twice, on the wrong window or with the wrong level.

A saved rating is never edited or deleted (the audit chain would break, and the
server already has it). Voiding writes a new ``rating_void`` row with the reason,
who and when, audited and pushed like the rating (``feedback.rating_void``); the
statistics leave the rating out from then on (here and on the server), and the
exports count it apart, so every card keyed is still accounted for.

Who may void: the staff member who keyed the card, or a supervisor. A rating is
voided once; a reason is required.

A bad rating opened a rectification case (整改闭环): voiding the card withdraws the
case (已撤销, ``cases.withdraw_for_void``) in the same transaction, a new case event
audited and pushed after the void, so nobody goes on calling back about a card that
was never a complaint. A case already reviewed keeps its history.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from core import audit, outbox
from core.db import atomic
from core.i18n import _
from core.roles import Role
from plugins.feedback import tally
from plugins.feedback.models import Rating, RatingVoid, row_data

log = logging.getLogger(__name__)

VOID_KIND = "feedback.rating_void"
VOID_ROLES = frozenset({Role.SUPERVISOR})  # besides the one who keyed the card
REASON_MAX = 200


class VoidError(ValueError):
    """``str()`` is the sentence for the clerk."""


def void_rating(
    rating_id: str,
    *,
    reason: str,
    actor: str,
    role: str,
    site_code: str,
    today: dt.date | None = None,
) -> RatingVoid:
    """Void one rating of this site; raise VoidError with the reason it cannot be."""
    reason = " ".join(reason.split())
    if not reason:
        raise VoidError(_("Say why the card is voided (keyed twice, wrong window…)."))
    if len(reason) > REASON_MAX:
        raise VoidError(_("Keep the reason under {n} characters.").format(n=REASON_MAX))
    rating = Rating.get_or_none((Rating.id == rating_id) & (Rating.site_code == site_code))
    if rating is None:
        raise VoidError(_("That rating is not on record at this site."))
    if rating.actor != actor and role not in VOID_ROLES:
        raise VoidError(_("Only the person who keyed the card, or a supervisor, can void it."))
    from plugins.feedback import cases

    day = today or dt.date.today()
    with atomic():
        if RatingVoid.select().where(RatingVoid.rating_id == rating.id).exists():
            raise VoidError(_("This rating has already been voided."))
        void = RatingVoid.create(
            rating_id=rating.id,
            site_code=site_code,
            reason=reason,
            actor=actor,
            voided_on=day,
        )
        audit.record(VOID_KIND, actor=actor, row=void)
        outbox.enqueue(VOID_KIND, void.id, void_payload(void, rating))
        tally.count(rating, -1)  # the tally counts what the statistics count
        try:
            cases.withdraw_for_void(
                rating.id, reason=reason, actor=actor, role=role, site_code=site_code, today=day
            )
        except cases.CaseError as exc:  # the void and the case go together, or neither
            raise VoidError(str(exc)) from exc
    log.info("rating %s voided by %s", rating.id, actor)
    return void


# The rating's grouping columns, carried by its void so the server leaves it out of
# its statistics (and its tally) without looking the rating up among millions.
RATING_KEY = (
    "unit_site",
    "window_no",
    "staff_no",
    "item_code",
    "department",
    "rated_on",
    "rating_month",
    "level",
    "kind",
    "real_name",
    "self_rated",
)


def void_payload(void: RatingVoid, rating: Rating) -> dict[str, Any]:
    data = row_data(void)
    data["rating"] = {name: getattr(rating, name) for name in RATING_KEY}
    return data


def voided(rating_ids: list[str]) -> dict[str, RatingVoid]:
    """The voids of the given ratings, by rating id."""
    if not rating_ids:
        return {}
    query = RatingVoid.select().where(RatingVoid.rating_id.in_(rating_ids))
    return {row.rating_id: row for row in query}


def check_pushed(payload: dict[str, Any], ctx: outbox.RecordContext) -> None:
    """Server side: a void names a rating of the pusher's site, voided once."""
    from plugins.feedback import server  # the server's database: only there

    server.check_void(payload, ctx)
