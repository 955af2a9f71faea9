"""Rating entry (好差评): validate a card as the clerk keyed it, then save it.

``validate()`` returns every problem at once, field by field, each a Chinese
sentence saying what to fix; the screen shows them and keeps the card as typed.
``save()`` writes the rating, its audit entry and its outbox record in one
transaction, and for a bad review (level 1–2) opens the rectification case in the
same transaction, so no bad review can exist without its case.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from core import audit, outbox
from core.catalog.models import Item
from core.db import atomic
from core.i18n import _
from core.identifiers import check_mobile, check_resident_id
from core.masking import mask_id, mask_name, mask_phone
from core.models import Staff, Window
from core.workdays import WorkingCalendar
from plugins.feedback import cases, tally
from plugins.feedback.models import Rating, row_data
from plugins.feedback.reference import TagSet

log = logging.getLogger(__name__)

RATING_KIND = "feedback.rating"

LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD_LEVELS = (1, 2)


class Target(StrEnum):
    CASE = "case"
    ITEM = "item"
    STAFF = "staff"
    HALL = "hall"

    @property
    def label(self) -> str:
        return {"case": "办件", "item": "事项", "staff": "窗口人员", "hall": "大厅"}[self.value]


class Kind(StrEnum):
    ACTIVE = "active"
    DEFAULT = "default"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return {"active": "主动评价", "default": "默认评价", "follow_up": "追评"}[self.value]


DEFAULT_SETTINGS: dict[str, Any] = {
    # Zibo case numbers: the 6-digit region code (3703xx), then 12 to 16 digits
    # (date and sequence). A site whose system numbers differently sets its own.
    "case_number_pattern": r"^3703\d{14,18}$",
    "case_number_hint": "3703 开头的 18–22 位数字",
    # A staff member may not key a rating of themselves or their own window. A
    # village point with one window and one person sets this to true: their
    # ratings are then kept, flagged (self_rated) and shown apart in statistics.
    "allow_self_rating": False,
}


@dataclass
class RatingDraft:
    """A card as keyed in; strings as typed, checked by ``validate``."""

    target: Target = Target.STAFF
    case_no: str = ""
    item_code: str = ""
    window_no: str = ""
    staff_no: str = ""
    channel: str = "card"
    level: int | None = None
    tags: list[str] = field(default_factory=list)
    text: str = ""
    real_name: bool = False
    applicant_name: str = ""
    applicant_id: str = ""
    applicant_phone: str = ""
    kind: Kind = Kind.ACTIVE
    rated_on: dt.date = field(default_factory=dt.date.today)

    def next_card(self) -> RatingDraft:
        """A blank card keeping the sticky fields (channel, window, staff, date, target)."""
        return RatingDraft(
            target=self.target,
            window_no=self.window_no,
            staff_no=self.staff_no,
            channel=self.channel,
            kind=self.kind,
            rated_on=self.rated_on,
        )


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


@dataclass(frozen=True)
class Checked:
    """What validation found, with the normalised values and warnings."""

    problems: tuple[Problem, ...]
    draft: RatingDraft
    warnings: tuple[str, ...] = ()
    item_name: str = ""
    department: str = ""
    follow_up_of: str = ""  # the rating a 追评 follows
    self_rated: bool = False  # keyed by the staff member rated (allowed by the site)

    @property
    def ok(self) -> bool:
        return not self.problems


def about_keyer(actor: str, staff_no: str, window_no: str, site_code: str) -> str:
    """Which field makes a card a rating of the person keying it: "staff" (their own
    staff number), "window" (the window they work at), or "" (neither)."""
    if not actor:
        return ""
    if staff_no and staff_no == actor:
        return "staff"
    if window_no:
        keyer = Staff.get_or_none(Staff.staff_no == actor)
        if keyer is not None and keyer.window_id is not None:
            window = Window.get_or_none(Window.id == keyer.window_id)
            if window is not None and window.site_id == site_code and window.number == window_no:
                return "window"
    return ""


def self_rating_allowed(settings: dict[str, Any]) -> bool:
    value = settings.get("allow_self_rating", False)
    if isinstance(value, str):  # a hand-written site.toml may quote it
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


def validate(
    draft: RatingDraft,
    tagset: TagSet,
    settings: dict[str, Any],
    site_code: str,
    *,
    actor: str = "",
    case: Any = None,
) -> Checked:
    """Every problem of a card keyed by ``actor`` (the staff number signed in).

    ``case`` is this site's application case with the card's number, as the
    ``sihao_find_case`` hook found it (a ``core.cases.CaseRef``): a number the intake
    plugin gave needs no format check, and the case names the item and window when
    the card leaves them blank."""
    problems: list[Problem] = []
    warnings: list[str] = []
    clean = replace(draft, tags=list(draft.tags))

    if draft.level is None or not isinstance(draft.level, int) or not 1 <= draft.level <= 5:
        problems.append(
            Problem("level", _("Choose a level from 1 (very dissatisfied) to 5 (very satisfied)."))
        )
    channel = tagset.channel(draft.channel)
    if channel is None:
        problems.append(Problem("channel", _("Choose the channel the rating came through.")))
    if draft.level is not None and channel is not None and 1 <= draft.level <= 5:
        allowed = tagset.tags_for(draft.channel, draft.level)
        wrong = [t for t in draft.tags if t not in allowed]
        if wrong:
            problems.append(
                Problem(
                    "tags",
                    _(
                        "Tags {tags} are not in tag set {version} for this level and channel; untick them or pick from the list."
                    ).format(tags="、".join(wrong), version=tagset.version),
                )
            )

    clean.case_no = re.sub(r"\s", "", draft.case_no)
    known_case = case is not None and getattr(case, "case_no", None) == clean.case_no
    if known_case:
        clean.item_code = draft.item_code.strip() or str(case.item_code)
        clean.window_no = draft.window_no or str(case.window_no)
        draft = replace(draft, item_code=clean.item_code, window_no=clean.window_no)
    pattern = str(settings.get("case_number_pattern") or "")
    try:
        wrong_format = bool(
            clean.case_no and pattern and not known_case and not re.match(pattern, clean.case_no)
        )
    except re.error:
        log.warning("setting feedback.case_number_pattern is not a valid pattern: %r", pattern)
        warnings.append(
            _(
                "The site's case number format setting is broken; the number was not checked. Tell IT."
            )
        )
        wrong_format = False
    if wrong_format:
        problems.append(
            Problem(
                "case_no",
                _("The case number {number} is in the wrong format: it should be {hint}.").format(
                    number=clean.case_no, hint=settings.get("case_number_hint", pattern)
                ),
            )
        )
    if draft.target is Target.CASE and not clean.case_no:
        problems.append(
            Problem("case_no", _("A rating of a case (办件) needs the case number from the card."))
        )

    item_name = department = ""
    clean.item_code = draft.item_code.strip()
    if clean.item_code:
        item = Item.get_or_none(Item.code == clean.item_code)
        if item is not None:
            item_name, department = item.name, item.department
        elif Item.select().exists():
            problems.append(
                Problem(
                    "item",
                    _(
                        "No service item has the code {code}; check the code or look the item up."
                    ).format(code=clean.item_code),
                )
            )
        else:
            warnings.append(_("The catalog is empty here: the item code is kept as typed."))
    if draft.target is Target.ITEM and not clean.item_code:
        problems.append(Problem("item", _("A rating of an item (事项) needs the item code.")))

    if (
        draft.window_no
        and not Window.select()
        .where((Window.site == site_code) & (Window.number == draft.window_no))
        .exists()
    ):
        problems.append(
            Problem(
                "window",
                _("Window {number} does not exist at this site.").format(number=draft.window_no),
            )
        )
    if draft.staff_no and Staff.get_or_none(Staff.staff_no == draft.staff_no) is None:
        problems.append(
            Problem(
                "staff",
                _("No staff member has the number {number}.").format(number=draft.staff_no),
            )
        )
    if draft.target is Target.STAFF and not (draft.window_no or draft.staff_no):
        problems.append(
            Problem(
                "window",
                _("A rating of a window or staff member needs the window or the staff member."),
            )
        )

    if draft.real_name:
        clean.applicant_name = draft.applicant_name.strip()
        if not clean.applicant_name:
            problems.append(
                Problem("applicant_name", _("A real-name rating needs the person's name."))
            )
        if draft.applicant_id.strip():
            id_check = check_resident_id(draft.applicant_id)
            clean.applicant_id = id_check.value
            if not id_check.ok:
                problems.append(Problem("applicant_id", id_check.error))
            warnings.extend(id_check.warnings)
        if draft.applicant_phone.strip():
            phone = check_mobile(draft.applicant_phone)
            clean.applicant_phone = phone.value
            if not phone.ok:
                problems.append(Problem("applicant_phone", phone.error))
        if not clean.applicant_id and not clean.applicant_phone:
            problems.append(
                Problem(
                    "applicant_phone",
                    _("A real-name rating needs an ID number or a mobile number for the callback."),
                )
            )
    else:
        clean.applicant_name = clean.applicant_id = clean.applicant_phone = ""

    if draft.kind is Kind.DEFAULT and draft.level != 3 and draft.level is not None:
        problems.append(
            Problem("kind", _("A default rating (默认评价) is always level 3, 基本满意."))
        )
    if draft.rated_on > dt.date.today() + dt.timedelta(days=1):
        problems.append(Problem("rated_on", _("The rating date is in the future.")))
    follow_up_of = ""
    if draft.kind is Kind.FOLLOW_UP and clean.case_no:
        original = (
            Rating.select()
            .where((Rating.case_no == clean.case_no) & (Rating.kind != Kind.FOLLOW_UP.value))
            .order_by(Rating.created_at)
            .first()
        )
        if original is None:
            problems.append(
                Problem(
                    "case_no",
                    _(
                        "No earlier rating of case {number} is on record, so there is nothing to follow up."
                    ).format(number=clean.case_no),
                )
            )
        elif Rating.select().where(Rating.follow_up_of == original.id).exists():
            problems.append(
                Problem(
                    "kind",
                    _("Case {number} already has its one follow-up rating (追评).").format(
                        number=clean.case_no
                    ),
                )
            )
        else:
            follow_up_of = original.id
    elif draft.kind is Kind.FOLLOW_UP:
        problems.append(
            Problem(
                "case_no",
                _("A follow-up rating (追评) needs the case number of the earlier rating."),
            )
        )
    self_field = about_keyer(actor, draft.staff_no, draft.window_no, site_code)
    if self_field and not self_rating_allowed(settings):
        problems.append(
            Problem(
                self_field,
                _(
                    "You cannot key in a rating of yourself or your own window: ask a colleague from another window or a supervisor to key this card."
                ),
            )
        )
    return Checked(
        tuple(problems),
        clean,
        tuple(warnings),
        item_name,
        department,
        follow_up_of,
        self_rated=bool(self_field),
    )


def responsible_unit(site_code: str, staff_no: str, window_no: str) -> str:
    """谁办理谁负责: the site of the staff member rated, else the recording site."""
    if staff_no:
        staff = Staff.get_or_none(Staff.staff_no == staff_no)
        if staff is not None:
            return str(staff.site_id)
    return site_code


def save(
    checked: Checked,
    *,
    actor: str,
    site_code: str,
    tagset: TagSet,
    calendar: WorkingCalendar,
    case_settings: dict[str, Any],
    today: dt.date | None = None,
) -> Rating:
    """Write a validated card; a bad review opens its case in the same transaction."""
    if not checked.ok:
        raise ValueError("save() needs a card without problems")
    draft = checked.draft
    channel = tagset.channel(draft.channel)
    assert channel is not None and draft.level is not None
    unit = responsible_unit(site_code, draft.staff_no, draft.window_no)
    # Checked again for the actor saving (validate may have been asked for another).
    self_rated = bool(about_keyer(actor, draft.staff_no, draft.window_no, site_code))
    if self_rated and not self_rating_allowed(case_settings):
        raise ValueError("a staff member may not save a rating of themselves or their window")
    with atomic():
        rating = Rating.create(
            site_code=site_code,
            unit_site=unit,
            target=draft.target.value,
            case_no=draft.case_no,
            item_code=draft.item_code,
            item_name=checked.item_name,
            department=checked.department,
            window_no=draft.window_no,
            staff_no=draft.staff_no,
            channel=draft.channel,
            mode=channel.mode,
            level=draft.level,
            tags=json.dumps(draft.tags, ensure_ascii=False),
            tagset_version=tagset.version,
            text=draft.text.strip(),
            real_name=draft.real_name,
            applicant_name=draft.applicant_name,
            applicant_id=draft.applicant_id,
            applicant_phone=draft.applicant_phone,
            kind=draft.kind.value,
            follow_up_of=checked.follow_up_of,
            self_rated=self_rated,
            rated_on=draft.rated_on,
            rating_month=draft.rated_on.strftime("%Y-%m"),
            actor=actor,
        )
        audit.record(RATING_KIND, actor=actor, row=rating)
        outbox.enqueue(RATING_KIND, rating.id, rating_payload(rating))
        tally.count(rating)
        if checked.item_name:  # a catalog item: rank it higher in this site's lookup
            from core.catalog import store

            store.bump_usage(draft.item_code)
        if draft.level in BAD_LEVELS:
            cases.open_case(
                source="rating",
                source_id=rating.id,
                site_code=site_code,
                unit_site=unit,
                calendar=calendar,
                settings=case_settings,
                actor=actor,
                opened_on=today or dt.date.today(),
                summary=_case_summary(draft.level, draft.tags, rating.text),
                window_no=draft.window_no,
                staff_no=draft.staff_no,
                item_code=draft.item_code,
                department=checked.department,
                level=draft.level,
                real_name=draft.real_name,
                rated_on=draft.rated_on,
            )
    log.info("rating %s saved: level %s, channel %s", rating.id, rating.level, rating.channel)
    return rating


def _case_summary(level: int, tags: list[str], text: str) -> str:
    """不满意：等候时间长、业务不熟练 — and the person's words, if any."""
    details = "、".join(tags)
    if text:
        details = f"{details} {text}".strip()
    return f"{LEVEL_NAMES[level]}：{details}" if details else LEVEL_NAMES[level]


def rating_payload(rating: Rating) -> dict[str, Any]:
    return row_data(rating)


def masked_person(rating: Rating) -> str:
    """What lists show of the person: never the whole ID or phone."""
    if not rating.real_name:
        return "匿名"
    parts = [mask_name(rating.applicant_name)]
    if rating.applicant_id:
        parts.append(mask_id(rating.applicant_id))
    if rating.applicant_phone:
        parts.append(mask_phone(rating.applicant_phone))
    return " ".join(parts)
