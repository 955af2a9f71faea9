"""The intake service: what a counter (or a batch) does with an application, free of
Textual. This module's public functions are the API other parts build on (the batch
intake, the screens, the CLI); docs/intake.md lists them.

    checklist(item, situations)            the materials to mark, with their default status
    check_applicant(applicant)             problems of the applicant, field by field
    validate(draft, item)                  every problem of an intake before it is taken
    take(draft, item, counter, calendar)   write the case, its materials and first step
    advance(case_id, state, ...)           受理 → 审查 → 办结 (result, licence) → 已送达
    state_of / steps / materials / find / case_ref / list_cases / verify_chain

A case is written with its materials and its first step (受理, 一次性告知 or 不予受理)
in one transaction, with the audit entries and the outbox rows: all or nothing.
The promised completion date is the item's 承诺办结时限 in working days from the day
the case is taken (the day itself not counted, 行政许可法 art. 82), by the
workstation's calendar (official holidays and 调休 make-up days); a year without an
official table is counted on weekends only and the case says so (``due_estimate``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core import audit, identifiers, outbox
from core.cases import CaseRef
from core.db import atomic
from core.i18n import _
from core.workdays import WorkingCalendar
from plugins.intake import numbering
from plugins.intake.models import CaseMaterial, CaseStep, IntakeCase, row_data

log = logging.getLogger(__name__)

CASE_KIND = "intake.case"
STEP_KIND = "intake.case_step"
GENESIS_PREFIX = "intake-case:"


class ApplicantKind(StrEnum):
    PERSON = "person"  # 自然人
    ORG = "org"  # 法人

    @property
    def label(self) -> str:
        return "自然人" if self is ApplicantKind.PERSON else "法人"


class MaterialStatus(StrEnum):
    RECEIVED = "received"  # 已收取
    MISSING = "missing"  # 缺
    SHARED = "shared"  # 部门共享，不用带
    PENDING = "pending"  # 容缺受理: promised by a date

    @property
    def label(self) -> str:
        return {
            MaterialStatus.RECEIVED: "已收取",
            MaterialStatus.MISSING: "缺少",
            MaterialStatus.SHARED: "部门共享（不用带）",
            MaterialStatus.PENDING: "容缺受理",
        }[self]


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # 受理
    NOTIFIED = "notified"  # 一次性告知
    REFUSED = "refused"  # 不予受理

    @property
    def label(self) -> str:
        return {
            Outcome.ACCEPTED: "受理",
            Outcome.NOTIFIED: "一次性告知",
            Outcome.REFUSED: "不予受理",
        }[self]


class CaseState(StrEnum):
    ACCEPTED = "accepted"  # 受理
    REVIEWING = "reviewing"  # 审查
    DECIDED = "decided"  # 办结 (result approved | refused)
    DELIVERED = "delivered"  # 已送达
    NOTIFIED = "notified"  # 一次性告知 (ends here)
    NOT_ACCEPTED = "not_accepted"  # 不予受理 (ends here)

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    CaseState.ACCEPTED: "受理",
    CaseState.REVIEWING: "审查",
    CaseState.DECIDED: "办结",
    CaseState.DELIVERED: "已送达",
    CaseState.NOTIFIED: "一次性告知",
    CaseState.NOT_ACCEPTED: "不予受理",
}

FIRST_STATE = {
    Outcome.ACCEPTED: CaseState.ACCEPTED,
    Outcome.NOTIFIED: CaseState.NOTIFIED,
    Outcome.REFUSED: CaseState.NOT_ACCEPTED,
}

# The one table of moves after the counter: the workstation and the server read it.
TRANSITIONS: dict[CaseState, tuple[CaseState, ...]] = {
    CaseState.ACCEPTED: (CaseState.REVIEWING,),
    CaseState.REVIEWING: (CaseState.DECIDED,),
    CaseState.DECIDED: (CaseState.DELIVERED,),
}
OPEN_STATES = frozenset({CaseState.ACCEPTED, CaseState.REVIEWING})


class Result(StrEnum):
    APPROVED = "approved"  # 准予
    REFUSED = "refused"  # 不予许可

    @property
    def label(self) -> str:
        return "准予" if self is Result.APPROVED else "不予"


class IntakeError(ValueError):
    """An intake or a step refused; ``str()`` is the sentence for the clerk and
    ``problems`` the (field, sentence) pairs behind it."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("；".join(sentence for _f, sentence in problems) or "refused")
        self.problems = problems


@dataclass(frozen=True)
class Applicant:
    kind: ApplicantKind
    name: str
    id_number: str  # resident ID (person) or unified social credit code (org)
    mobile: str
    legal_rep: str = ""  # 法定代表人 (org)


@dataclass(frozen=True)
class MaterialMark:
    key: str
    name: str
    status: MaterialStatus
    required: bool = True
    pending_allowed: bool = False
    promise: str = ""
    due_on: dt.date | None = None


@dataclass(frozen=True)
class IntakeDraft:
    item_code: str
    applicant: Applicant
    situations: tuple[str, ...] = ()
    materials: tuple[MaterialMark, ...] = ()
    outcome: Outcome = Outcome.ACCEPTED
    reason: str = ""  # 不予受理: why
    bundle_code: str = ""
    allow_bad_check_digit: bool = False  # a real USCC with a wrong check digit, by override


@dataclass(frozen=True)
class Counter:
    """Where and by whom a case is taken."""

    site_code: str
    staff_no: str
    window_no: str = ""


# -- the checklist -------------------------------------------------------------------
def applies(material: dict[str, Any], situations: Iterable[str]) -> bool:
    wanted = list(material.get("situations") or [])
    return not wanted or bool(set(wanted) & set(situations))


def checklist(item: dict[str, Any], situations: Iterable[str]) -> list[MaterialMark]:
    """The materials of ``situations`` (those of every situation too), each with its
    default mark: shared by a department where the catalog says so (不用带), else
    received (the clerk marks what is missing)."""
    chosen = list(situations)
    marks = []
    for material in item.get("materials") or []:
        if not applies(material, chosen):
            continue
        shared = material.get("source") == "部门共享"
        marks.append(
            MaterialMark(
                key=str(material.get("key", "")),
                name=str(material.get("name", "")),
                status=MaterialStatus.SHARED if shared else MaterialStatus.RECEIVED,
                required=bool(material.get("required", True)),
                pending_allowed=bool(material.get("pending_allowed", False)),
            )
        )
    return marks


# -- checks --------------------------------------------------------------------------
def check_applicant(
    applicant: Applicant, *, allow_bad_check_digit: bool = False, staff_no: str = ""
) -> tuple[list[tuple[str, str]], Applicant]:
    """(problems as (field, sentence), the applicant with normalised numbers)."""
    problems: list[tuple[str, str]] = []
    name = applicant.name.strip()
    if not name:
        problems.append(("name", _("Type the applicant's name.")))
    elif len(name) > 100:
        problems.append(("name", _("The name is longer than 100 characters.")))
    if applicant.kind is ApplicantKind.PERSON:
        checked = identifiers.check_resident_id(applicant.id_number)
    else:
        checked = identifiers.check_uscc(
            applicant.id_number, allow_bad_check_digit=allow_bad_check_digit, staff_no=staff_no
        )
    if not checked.ok:
        problems.append(("id_number", checked.error))
    mobile = identifiers.check_mobile(applicant.mobile)
    if not mobile.ok:
        problems.append(("mobile", mobile.error))
    legal_rep = applicant.legal_rep.strip()
    if applicant.kind is ApplicantKind.ORG and not legal_rep:
        problems.append(("legal_rep", _("Type the legal representative's name.")))
    if applicant.kind is ApplicantKind.PERSON:
        legal_rep = ""
    normalised = Applicant(applicant.kind, name, checked.value, mobile.value, legal_rep)
    return problems, normalised


def validate(
    draft: IntakeDraft,
    item: dict[str, Any] | None,
    *,
    today: dt.date | None = None,
    staff_no: str = "",
) -> tuple[list[tuple[str, str]], IntakeDraft]:
    """Every problem of ``draft`` (field, sentence) and the draft with its applicant
    normalised. An empty list: it may be taken."""
    today = today or dt.date.today()
    if item is None:
        return [
            ("item", _("Service item {code} is not in the catalog.").format(code=draft.item_code))
        ], draft
    problems, applicant = check_applicant(
        draft.applicant, allow_bad_check_digit=draft.allow_bad_check_digit, staff_no=staff_no
    )
    objects = list(item.get("service_object") or [])
    if objects and draft.applicant.kind.label not in objects:
        problems.append(("kind", _("This item serves {who} only.").format(who="、".join(objects))))
    known = {str(s.get("code")) for s in item.get("situations") or []}
    unknown = [code for code in draft.situations if code not in known]
    if unknown:
        problems.append(
            ("situations", _("The item has no situation {code}.").format(code=unknown[0]))
        )
    if known and not draft.situations:
        problems.append(("situations", _("Choose the applicant's situation.")))
    catalog = {str(m.get("key")): m for m in item.get("materials") or []}
    expected = {m.key for m in checklist(item, draft.situations)}
    marked = {m.key for m in draft.materials}
    if not unknown and expected - marked:
        problems.append(("materials", _("Mark every material of the checklist.")))
    missing_required = []
    for mark in draft.materials:
        material = catalog.get(mark.key)
        if material is None:
            problems.append(
                ("materials", _("Material {key} is not one of the item's.").format(key=mark.key))
            )
            continue
        if mark.status is MaterialStatus.PENDING:
            if not material.get("pending_allowed"):
                problems.append(
                    (
                        "materials",
                        _(
                            "{name} cannot be accepted pending (容缺): the catalog does not allow it."
                        ).format(name=material.get("name", mark.key)),
                    )
                )
            elif not mark.promise.strip() or mark.due_on is None:
                problems.append(
                    (
                        "materials",
                        _(
                            "{name} accepted pending needs the applicant's promise and a due date."
                        ).format(name=material.get("name", mark.key)),
                    )
                )
            elif mark.due_on <= today:
                problems.append(
                    (
                        "materials",
                        _("The due date of {name} must be after today.").format(
                            name=material.get("name", mark.key)
                        ),
                    )
                )
        if mark.status is MaterialStatus.SHARED and material.get("source") != "部门共享":
            problems.append(
                (
                    "materials",
                    _("{name} is not shared by a department: the applicant brings it.").format(
                        name=material.get("name", mark.key)
                    ),
                )
            )
        if mark.status is MaterialStatus.MISSING and material.get("required", True):
            missing_required.append(str(material.get("name", mark.key)))
    missing_any = [m for m in draft.materials if m.status is MaterialStatus.MISSING]
    if draft.outcome is Outcome.ACCEPTED and missing_required:
        problems.append(
            (
                "outcome",
                _(
                    "Required materials are missing ({names}): give a one-time notice (一次性告知) instead."
                ).format(names="、".join(missing_required)),
            )
        )
    if draft.outcome is Outcome.NOTIFIED and not missing_any:
        problems.append(
            ("outcome", _("A one-time notice lists missing materials: mark what is missing."))
        )
    if draft.outcome is Outcome.REFUSED and not draft.reason.strip():
        problems.append(("reason", _("Give the reason the application is not accepted.")))
    if len(draft.reason) > 1000:
        problems.append(("reason", _("The reason is longer than 1000 characters.")))
    fixed = IntakeDraft(
        item_code=draft.item_code,
        applicant=applicant,
        situations=tuple(draft.situations),
        materials=tuple(draft.materials),
        outcome=draft.outcome,
        reason=draft.reason.strip(),
        bundle_code=draft.bundle_code,
        allow_bad_check_digit=draft.allow_bad_check_digit,
    )
    return problems, fixed


# -- hashes --------------------------------------------------------------------------
def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


CASE_HASHED = (
    "id", "case_no", "site_code", "staff_no", "item_code", "applicant_kind",
    "applicant_id", "outcome", "taken_on", "promised_on",
)  # fmt: skip
STEP_HASHED = (
    "id", "case_id", "step", "from_state", "to_state", "result", "licence_no",
    "valid_until", "note", "actor", "site_code", "happened_on", "prev_hash",
)  # fmt: skip


def _digest(prefix: str, data: dict[str, Any], names: tuple[str, ...]) -> str:
    blob = json.dumps({n: _plain(data.get(n)) for n in names}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((prefix + blob).encode("utf-8")).hexdigest()


def case_hash(data: dict[str, Any]) -> str:
    """The hash a case's first step links to (from the case's payload or row data)."""
    return _digest(GENESIS_PREFIX, data, CASE_HASHED)


def step_hash(data: dict[str, Any]) -> str:
    return _digest("intake-step:", data, STEP_HASHED)


# -- writing -------------------------------------------------------------------------
def promised(
    item: dict[str, Any], calendar: WorkingCalendar, today: dt.date
) -> tuple[int, dt.date, bool]:
    """(working days, promised completion date, counted on weekends only)."""
    days = 0 if item.get("on_the_spot") else int(item.get("promised_days") or 0)
    deadline = calendar.add_working_days(today, days)
    return days, deadline.due, deadline.is_estimate


def _case_payload(case: IntakeCase, marks: list[CaseMaterial]) -> dict[str, Any]:
    data = row_data(case)
    data["materials"] = [{k: v for k, v in row_data(m).items() if k != "case_id"} for m in marks]
    return data


def _write_step(case: IntakeCase, step: int, source: str, target: CaseState, *,
                actor: str, site_code: str, happened_on: dt.date, prev_hash: str,
                note: str = "", result: str = "", licence_no: str = "",
                valid_until: dt.date | None = None) -> CaseStep:  # fmt: skip
    from core.db import new_id

    row = CaseStep(
        id=new_id(),
        case_id=case.id,
        step=step,
        from_state=source,
        to_state=target.value,
        result=result,
        licence_no=licence_no,
        valid_until=valid_until,
        note=note,
        actor=actor,
        site_code=site_code,
        happened_on=happened_on,
        prev_hash=prev_hash,
    )
    row.hash = step_hash(row_data(row))
    row.save(force_insert=True)
    audit.record(STEP_KIND, actor=actor, row=row)
    payload = row_data(row)
    payload["case_no"] = case.case_no  # lets the server name the case without a lookup
    outbox.enqueue(STEP_KIND, row.id, payload)
    return row


def take(
    draft: IntakeDraft,
    item: dict[str, Any],
    counter: Counter,
    calendar: WorkingCalendar,
    *,
    today: dt.date | None = None,
    bump_usage: bool = True,
) -> IntakeCase:
    """Check ``draft`` and write the case, its materials and its first step (one
    transaction, with audit entries and outbox rows); ``IntakeError`` if refused.
    An accepted case counts once more for the item at this site (the lookup and the
    handbook rank by it)."""
    today = today or dt.date.today()
    problems, draft = validate(draft, item, today=today, staff_no=counter.staff_no)
    if problems:
        raise IntakeError(problems)
    days, due, estimate = promised(item, calendar, today)
    accepted = draft.outcome is Outcome.ACCEPTED
    applicant = draft.applicant
    with atomic():
        case = IntakeCase(
            case_no=numbering.next_number(counter.site_code, today),
            site_code=counter.site_code,
            workstation_tag=numbering.workstation_tag(),
            window_no=counter.window_no,
            staff_no=counter.staff_no,
            item_code=str(item.get("code", "")),
            item_name=str(item.get("name", "")),
            department=str(item.get("department", "")),
            bundle_code=draft.bundle_code,
            applicant_kind=applicant.kind.value,
            applicant_name=applicant.name,
            applicant_id=applicant.id_number,
            legal_rep=applicant.legal_rep,
            mobile=applicant.mobile,
            situations=json.dumps(list(draft.situations), ensure_ascii=False),
            outcome=draft.outcome.value,
            reason=draft.reason,
            taken_on=today,
            promised_days=days if accepted else 0,
            promised_on=due if accepted else None,
            due_estimate=estimate if accepted else False,
        )
        from core.db import new_id

        case.id = new_id()
        case.save(force_insert=True)
        audit.record(CASE_KIND, actor=counter.staff_no, row=case)
        rows = []
        for mark in draft.materials:
            pending = mark.status is MaterialStatus.PENDING
            rows.append(
                CaseMaterial.create(
                    id=new_id(),
                    case_id=case.id,
                    key=mark.key,
                    name=mark.name,
                    status=mark.status.value,
                    promise=mark.promise.strip() if pending else "",
                    due_on=mark.due_on if pending else None,
                )
            )
        outbox.enqueue(CASE_KIND, case.id, _case_payload(case, rows))
        _write_step(
            case, 0, "", FIRST_STATE[draft.outcome],
            actor=counter.staff_no, site_code=counter.site_code, happened_on=today,
            prev_hash=case_hash(row_data(case)), note=draft.reason,
        )  # fmt: skip
        if accepted and bump_usage:
            from core.catalog import store

            store.bump_usage(case.item_code)
    log.info("case %s taken at %s: %s", case.case_no, counter.site_code, draft.outcome.value)
    return case


def advance(
    case_id: str,
    target: CaseState,
    *,
    actor: str,
    site_code: str,
    today: dt.date | None = None,
    note: str = "",
    result: Result | None = None,
    licence_no: str = "",
    valid_until: dt.date | None = None,
) -> CaseStep:
    """Move a case one step (``TRANSITIONS``); 办结 records the result: approved with
    the licence or certificate number (and its validity, if it has one), refused
    with the reason. ``IntakeError`` if the move is not allowed."""
    today = today or dt.date.today()
    with atomic():
        case = IntakeCase.get_or_none(IntakeCase.id == case_id)
        if case is None:
            raise IntakeError([("case", _("No such case."))])
        if case.site_code != site_code:
            raise IntakeError(
                [("case", _("Case {no} belongs to another site.").format(no=case.case_no))]
            )
        last = _last_step(case_id)
        current = CaseState(last.to_state)
        if target not in TRANSITIONS.get(current, ()):
            raise IntakeError(
                [
                    (
                        "state",
                        _("A case in state {state} cannot go to {target}.").format(
                            state=current.label, target=target.label
                        ),
                    )
                ]
            )
        problems: list[tuple[str, str]] = []
        licence_no = licence_no.strip()
        note = note.strip()
        if target is CaseState.DECIDED:
            if result is None:
                problems.append(
                    ("result", _("Say whether the application is approved or refused."))
                )
            elif result is Result.APPROVED and not licence_no:
                problems.append(
                    ("licence_no", _("Type the number of the licence or certificate issued."))
                )
            elif result is Result.REFUSED and not note:
                problems.append(("note", _("Give the reason the application is refused.")))
            if valid_until is not None and valid_until <= today:
                problems.append(("valid_until", _("The licence must be valid after today.")))
        elif result is not None or licence_no or valid_until is not None:
            problems.append(("result", _("A result is recorded at 办结 only.")))
        if len(licence_no) > 64:
            problems.append(("licence_no", _("The licence number is longer than 64 characters.")))
        if today < last.happened_on:
            problems.append(("happened_on", _("A step cannot be dated before the step before it.")))
        if problems:
            raise IntakeError(problems)
        if result is not Result.APPROVED:
            licence_no, valid_until = "", None
        return _write_step(
            case, last.step + 1, current.value, target,
            actor=actor, site_code=site_code, happened_on=today, prev_hash=last.hash,
            note=note, result=result.value if result else "", licence_no=licence_no,
            valid_until=valid_until,
        )  # fmt: skip


# -- reading -------------------------------------------------------------------------
def _last_step(case_id: str) -> CaseStep:
    row: CaseStep | None = (
        CaseStep.select().where(CaseStep.case_id == case_id).order_by(CaseStep.step.desc()).first()
    )
    if row is None:
        raise IntakeError([("case", _("The case has no steps."))])
    return row


def steps(case_id: str) -> list[CaseStep]:
    return list(CaseStep.select().where(CaseStep.case_id == case_id).order_by(CaseStep.step))


def materials(case_id: str) -> list[CaseMaterial]:
    return list(
        CaseMaterial.select().where(CaseMaterial.case_id == case_id).order_by(CaseMaterial.key)
    )


def state_of(case_id: str) -> CaseState:
    return CaseState(_last_step(case_id).to_state)


def next_states(case_id: str) -> tuple[CaseState, ...]:
    return TRANSITIONS.get(state_of(case_id), ())


def find(case_no: str, site_code: str) -> IntakeCase | None:
    """This site's case by number (typed: spaces and case ignored)."""
    number = "".join((case_no or "").split())
    if not number:
        return None
    row: IntakeCase | None = IntakeCase.get_or_none(
        (IntakeCase.case_no == number) & (IntakeCase.site_code == site_code)
    )
    if row is None:
        row = IntakeCase.get_or_none(
            (IntakeCase.case_no == number.upper()) & (IntakeCase.site_code == site_code)
        )
    return row


def case_ref(case: IntakeCase) -> CaseRef:
    history = steps(case.id)
    delivered = next((s.happened_on for s in history if s.to_state == CaseState.DELIVERED), None)
    return CaseRef(
        case_id=case.id,
        case_no=case.case_no,
        site_code=case.site_code,
        item_code=case.item_code,
        item_name=case.item_name,
        window_no=case.window_no,
        staff_no=case.staff_no,
        state=history[-1].to_state if history else "",
        accepted_on=case.taken_on if case.outcome == Outcome.ACCEPTED else None,
        delivered_on=delivered,
    )


@dataclass(frozen=True)
class CaseView:
    case: IntakeCase
    state: CaseState
    overdue: bool  # still open after its promised date
    result: str = ""
    licence_no: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


CLOSED = frozenset({CaseState.DECIDED, CaseState.DELIVERED})
ACCEPTED_FAMILY = frozenset({*OPEN_STATES, *CLOSED})
OUTCOME_OF = {
    CaseState.NOTIFIED: Outcome.NOTIFIED.value,
    CaseState.NOT_ACCEPTED: Outcome.REFUSED.value,
}


def _reached(states: Iterable[CaseState]) -> Any:
    """The ids of cases with a step into one of ``states``."""
    return CaseStep.select(CaseStep.case_id).where(
        CaseStep.to_state.in_(sorted(s.value for s in states))
    )


def open_counts(site_code: str, today: dt.date | None = None) -> tuple[int, int]:
    """(overdue, open) accepted cases of the site not yet decided (the home tile)."""
    today = today or dt.date.today()
    open_cases = IntakeCase.select().where(
        (IntakeCase.site_code == site_code)
        & (IntakeCase.outcome == Outcome.ACCEPTED.value)
        & IntakeCase.id.not_in(_reached(CLOSED))
    )
    overdue = open_cases.where(IntakeCase.promised_on < today).count()
    return int(overdue), int(open_cases.count())


def list_cases(
    site_code: str,
    *,
    today: dt.date | None = None,
    window_no: str | None = None,
    states: Iterable[CaseState] | None = None,
    overdue_only: bool = False,
    limit: int = 500,
) -> list[CaseView]:
    """This site's cases, newest first (``window_no``: that window's only)."""
    today = today or dt.date.today()
    query = IntakeCase.select().where(IntakeCase.site_code == site_code)
    if window_no is not None:
        query = query.where(IntakeCase.window_no == window_no)
    # Filters narrowed in SQL first, so an old overdue case is found however many
    # newer ones there are; the exact state is decided below from the latest step.
    wanted_states = set(states) if states is not None else None
    if overdue_only or (wanted_states is not None and wanted_states <= OPEN_STATES):
        query = query.where(
            (IntakeCase.outcome == Outcome.ACCEPTED.value) & IntakeCase.id.not_in(_reached(CLOSED))
        )
        if overdue_only:
            query = query.where(IntakeCase.promised_on < today)
    elif wanted_states is not None:
        outcomes = {
            Outcome.ACCEPTED.value if s in ACCEPTED_FAMILY else OUTCOME_OF[s] for s in wanted_states
        }
        query = query.where(IntakeCase.outcome.in_(sorted(outcomes)))
        if wanted_states == {CaseState.DELIVERED}:
            query = query.where(IntakeCase.id.in_(_reached({CaseState.DELIVERED})))
        elif wanted_states == {CaseState.DECIDED}:
            query = query.where(
                IntakeCase.id.in_(_reached({CaseState.DECIDED}))
                & IntakeCase.id.not_in(_reached({CaseState.DELIVERED}))
            )
    cases = list(
        query.order_by(IntakeCase.created_at.desc(), IntakeCase.id.desc()).limit(limit * 4)
    )
    if not cases:
        return []
    latest: dict[str, CaseStep] = {}
    for row in CaseStep.select().where(CaseStep.case_id.in_([c.id for c in cases])):
        held = latest.get(row.case_id)
        if held is None or row.step > held.step:
            latest[row.case_id] = row
    wanted = wanted_states
    views = []
    for case in cases:
        last = latest.get(case.id)
        if last is None:
            continue
        state = CaseState(last.to_state)
        overdue = state in OPEN_STATES and case.promised_on is not None and case.promised_on < today
        if wanted is not None and state not in wanted:
            continue
        if overdue_only and not overdue:
            continue
        decided = last if state is CaseState.DECIDED else None
        if state is CaseState.DELIVERED:
            decided = CaseStep.get_or_none(
                (CaseStep.case_id == case.id) & (CaseStep.to_state == CaseState.DECIDED.value)
            )
        views.append(
            CaseView(
                case, state, overdue,
                result=decided.result if decided else "",
                licence_no=decided.licence_no if decided else "",
            )
        )  # fmt: skip
        if len(views) >= limit:
            break
    return views


def verify_chain(case_id: str) -> str | None:
    """None when the case's steps link up from the case row; else what is broken."""
    case = IntakeCase.get_or_none(IntakeCase.id == case_id)
    if case is None:
        return "the case is missing"
    expected = case_hash(row_data(case))
    for n, row in enumerate(steps(case_id)):
        if row.step != n:
            return f"step {n} is missing"
        if row.prev_hash != expected:
            return f"step {n} does not link to the step before it"
        if step_hash(row_data(row)) != row.hash:
            return f"step {n} was altered"
        expected = row.hash
    return None
