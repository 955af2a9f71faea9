"""Saving ratings through the real service, as the entry screen does."""

from __future__ import annotations

import datetime as dt

from core.runtime import Runtime
from plugins.feedback import case_rules, cases, ratings, reference
from plugins.feedback.case_rules import CaseState
from plugins.feedback.models import Rating
from plugins.feedback.ratings import Kind, RatingDraft

GOOD_ID = "370303198001011234"  # passes core.identifiers.check_resident_id


def rate(
    runtime: Runtime,
    level: int,
    *,
    kind: Kind = Kind.ACTIVE,
    real_name: bool = False,
    window: str = "A01",
    on: dt.date = dt.date(2026, 10, 12),
    opened: dt.date | None = None,
    item_code: str = "",
    tags: list[str] | None = None,
    case_no: str = "",
    actor: str = "4001",  # an officer without a window: never rating themselves
) -> Rating:
    tagset = reference.tag_set()
    draft = RatingDraft(
        window_no=window,
        level=level,
        kind=kind,
        tags=tags or [],
        item_code=item_code,
        case_no=case_no,
        real_name=real_name,
        applicant_name="张三" if real_name else "",
        applicant_phone="13812345678" if real_name else "",
        applicant_id=GOOD_ID if real_name else "",
        rated_on=on,
    )
    settings = runtime.settings("feedback")
    found = runtime.host.call("sihao_find_case", number=case_no, context=runtime) if case_no else []
    checked = ratings.validate(
        draft, tagset, settings, runtime.config.site_code, case=found[0][1] if found else None
    )
    assert checked.ok, checked.problems
    return ratings.save(
        checked,
        actor=actor,
        site_code=runtime.config.site_code,
        tagset=tagset,
        calendar=runtime.calendar,
        case_settings=settings,
        today=opened or on,
    )


def advance(
    case_id: str,
    *states: CaseState,
    actor: str = "1001",
    role: str = "clerk",
    today: dt.date = dt.date(2026, 10, 12),
    site_code: str | None = None,
) -> None:
    """Move a case through ``states`` with what each step needs (case_rules.STEPS):
    a note, the callback's time, the fix's evidence."""
    current = cases.state_of(case_id)
    for state in states:
        step = case_rules.step_for(current, state) or case_rules.Step(
            current, state, frozenset(), case_rules.Side.UNIT
        )  # not a transition: let the service refuse it
        cases.transition(
            case_id,
            state,
            actor=actor,
            role=role,
            today=today,
            site_code=site_code,
            note=f"{state.label}：已处理" if step.needs_note else "",
            evidence="整改照片 IMG_0001" if step.needs_evidence else "",
            called_at=dt.datetime.combine(today, dt.time(9, 30))
            if step.needs_callback_at
            else None,
        )
        current = state
