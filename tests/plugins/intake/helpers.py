"""An intake as the counter fills it in, through the real service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.catalog import store
from core.runtime import Runtime
from plugins.intake import service
from plugins.intake.models import IntakeCase
from plugins.intake.service import (
    Applicant,
    ApplicantKind,
    Counter,
    IntakeDraft,
    MaterialMark,
    MaterialStatus,
    Outcome,
)

FOOD = "370303-SCJG-XK-001-01"  # 食品经营许可（新设）: S1, S2; promised 3 working days
GOOD_ID = "370303198001011234"  # passes core.identifiers.check_resident_id

PERSON = Applicant(ApplicantKind.PERSON, "张三", GOOD_ID, "13812345678")


def good_uscc() -> str:
    from stdnum.cn import uscc

    body = "91370303MA3C4XY10"
    return body + uscc.calc_check_digit(body)


def org() -> Applicant:
    return Applicant(ApplicantKind.ORG, "淄博好味餐饮有限公司", good_uscc(), "13912345678", "李四")


def marks(
    item: dict[str, Any],
    situations: tuple[str, ...],
    due_on: dt.date = dt.date(2026, 10, 20),
    **status: MaterialStatus,
) -> tuple[MaterialMark, ...]:
    out = []
    for mark in service.checklist(item, situations):
        if mark.key in status:
            chosen = status[mark.key]
            mark = MaterialMark(
                mark.key, mark.name, chosen, mark.required, mark.pending_allowed,
                promise="三日内补交" if chosen is MaterialStatus.PENDING else "",
                due_on=due_on if chosen is MaterialStatus.PENDING else None,
            )  # fmt: skip
        out.append(mark)
    return tuple(out)


def take(
    runtime: Runtime,
    *,
    code: str = FOOD,
    applicant: Applicant = PERSON,
    situations: tuple[str, ...] = ("S2",),
    outcome: Outcome = Outcome.ACCEPTED,
    today: dt.date = dt.date(2026, 9, 28),
    staff_no: str = "1001",
    window_no: str = "A01",
    reason: str = "",
    **status: MaterialStatus,
) -> IntakeCase:
    item = store.get_item(code)
    assert item is not None
    draft = IntakeDraft(
        item_code=code,
        applicant=applicant,
        situations=situations,
        materials=marks(item, situations, today + dt.timedelta(days=8), **status),
        outcome=outcome,
        reason=reason,
    )
    counter = Counter(runtime.config.site_code, staff_no, window_no)
    return service.take(draft, item, counter, runtime.calendar, today=today)
