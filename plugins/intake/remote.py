"""Cases and steps of this site taken or moved at another workstation, pulled from the
server (``sihao_apply_change``), so the site's case list shows every counter's cases
and any clerk of the site can record a case's next step.

A pulled change is hostile until checked: a case must validate against the same
strict schema the server applies, name this site and a number of the rule, and not
reuse another case's number; a step must be the next of a case held here, from the
state held here, linked to the hash held here, with a hash that matches its content.
A change that fails raises ``RecordRejected``: parked with its reason, never written.
Our own records come back too: already here, they are left as they are (rows are
never edited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit
from core.outbox import RecordRejected
from plugins.intake import numbering
from plugins.intake.models import CaseMaterial, CaseStep, IntakeCase
from plugins.intake.service import (
    CASE_KIND,
    FIRST_STATE,
    STEP_KIND,
    TRANSITIONS,
    CaseState,
    Outcome,
    case_hash,
    step_hash,
)


def _validated(schema: Any, data: dict[str, Any]) -> None:
    import pydantic

    try:
        schema.model_validate(data)
    except pydantic.ValidationError as exc:
        from core.records import validation_reason

        raise RecordRejected(validation_reason(exc.errors())) from None


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _moment(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is None else moment.astimezone(dt.UTC).replace(tzinfo=None)


def apply_case(data: dict[str, Any], site_code: str) -> None:
    from plugins.intake import schemas

    case_id = str(data.get("id") or "")
    if IntakeCase.get_or_none(IntakeCase.id == case_id) is not None:
        return
    _validated(schemas.CasePayload, data)
    if data["site_code"] != site_code:
        raise RecordRejected(f"the case is site {data['site_code'][:40]}'s, not this site's")
    parts = numbering.parse(data["case_no"])
    if parts is None or parts["site"] != site_code:
        raise RecordRejected("case_no does not follow the numbering rule for this site")
    if IntakeCase.get_or_none(IntakeCase.case_no == data["case_no"]) is not None:
        raise RecordRejected(f"case number {data['case_no'][:60]} is another case's here")
    values = {name: data[name] for name in IntakeCase._meta.fields if name in data}
    values.update(
        taken_on=_day(data["taken_on"]),
        promised_on=_day(data.get("promised_on")),
        created_at=_moment(data["created_at"]),
    )
    case = IntakeCase.create(**values)
    audit.record(CASE_KIND, actor=str(data["staff_no"]), row=case, detail={"pulled": True})
    for material in data["materials"]:
        CaseMaterial.create(
            id=material["id"], case_id=case.id, key=material["key"], name=material["name"],
            status=material["status"], promise=material["promise"],
            due_on=_day(material.get("due_on")),
        )  # fmt: skip
    if data["outcome"] == Outcome.ACCEPTED.value:
        from core.catalog import store

        store.bump_usage(str(data["item_code"]))  # the site's count, whoever took it


def apply_step(data: dict[str, Any], site_code: str) -> None:
    from plugins.intake import schemas

    step_id = str(data.get("id") or "")
    if CaseStep.get_or_none(CaseStep.id == step_id) is not None:
        return
    _validated(schemas.StepPayload, data)
    if data["site_code"] != site_code:
        raise RecordRejected("the step was written at another site")
    case = IntakeCase.get_or_none(IntakeCase.id == data["case_id"])
    if case is None or case.case_no != data["case_no"]:
        raise RecordRejected(f"case {str(data['case_no'])[:60]} is not held here")
    last: CaseStep | None = (
        CaseStep.select().where(CaseStep.case_id == case.id).order_by(CaseStep.step.desc()).first()
    )
    expected_step = last.step + 1 if last is not None else 0
    if data["step"] != expected_step:
        raise RecordRejected(
            f"the step is number {data['step']}; the case's next is {expected_step}"
        )
    held_state = last.to_state if last is not None else ""
    if data["from_state"] != held_state:
        raise RecordRejected(
            f"the step assumes state {data['from_state'] or 'none'}; here it is {held_state or 'none'}"
        )
    from plugins.intake.models import row_data

    link = last.hash if last is not None else case_hash(row_data(case))
    if data["prev_hash"] != link:
        raise RecordRejected("the step does not link to the step before it (prev_hash)")
    if step_hash(data) != data["hash"]:
        raise RecordRejected("the step's hash does not match its content")
    target = CaseState(data["to_state"])
    allowed = (
        (FIRST_STATE[Outcome(case.outcome)],)
        if last is None
        else TRANSITIONS.get(CaseState(held_state), ())
    )
    if target not in allowed:
        raise RecordRejected(f"a case in state {held_state or 'none'} cannot go to {target.value}")
    row = CaseStep.create(
        id=step_id, case_id=case.id, step=data["step"], from_state=data["from_state"],
        to_state=data["to_state"], result=data["result"], licence_no=data["licence_no"],
        valid_until=_day(data.get("valid_until")), note=data["note"], actor=data["actor"],
        site_code=data["site_code"], happened_on=_day(data["happened_on"]),
        prev_hash=data["prev_hash"], hash=data["hash"], created_at=_moment(data["created_at"]),
    )  # fmt: skip
    audit.record(STEP_KIND, actor=str(data["actor"]), row=row, detail={"pulled": True})


def apply(kind: str, data: Any, site_code: str) -> None:
    if not isinstance(data, dict):
        raise RecordRejected("the change carries no object")
    import peewee

    from core.db import atomic

    try:
        # A savepoint: a case whose materials cannot all be written leaves nothing.
        with atomic():
            if kind == CASE_KIND:
                apply_case(data, site_code)
            elif kind == STEP_KIND:
                apply_step(data, site_code)
    except RecordRejected:
        raise
    except peewee.IntegrityError:
        # e.g. a material id another case holds: a forged or broken record
        raise RecordRejected(f"the {kind} reuses an id or number held here") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordRejected(f"the {kind} is malformed ({type(exc).__name__})") from None
