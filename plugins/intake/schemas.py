"""The payloads the intake plugin pushes, as the server accepts them.

Each model lists every column ``models.row_data`` sends (a case also its
materials), no more: ``extra`` is forbidden. States, outcomes, results and
material statuses are ``Literal``; identifiers are bounded text here and checked
digit by digit by ``checks`` (python-stdnum, as at the counter). ``site_code`` is
the writer's site (``WriterSite``): the server fills it from the token and refuses
a case or step naming another site.

Imported by ``sihao_record_kinds`` only (pydantic is not on the workstation's
start-up path).
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from core.records import (
    Code,
    Day,
    DueDay,
    Id,
    LongText,
    Name,
    SafeInt,
    StrictRecord,
    Timestamp,
    WriterSite,
    text,
)

StaffNo = text(32)
WindowNo = text(32)
Short = text(32)
PersonName = text(100)
Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Tag = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJKMNP-TV-Z]{4}$")]
CaseNo = text(120, min_length=1)
RequiredStaffNo = text(32, min_length=1)
ItemCode = text(64, min_length=1)
ApplicantName = text(100, min_length=1)
Promise = text(500)
SituationCodes = text(2000)  # the JSON text of a list of situation codes
State = Literal["accepted", "reviewing", "decided", "delivered", "notified", "not_accepted"]


class MaterialPayload(StrictRecord):
    id: Id
    key: Code
    name: Name
    status: Literal["received", "missing", "shared", "pending"]
    promise: Promise
    due_on: DueDay | None

    @model_validator(mode="after")
    def _pending_has_its_promise(self) -> Self:
        if self.status == "pending" and (not self.promise.strip() or self.due_on is None):
            raise ValueError("a material accepted pending needs a promise and a due date")
        if self.status != "pending" and (self.promise or self.due_on is not None):
            raise ValueError("only a material accepted pending has a promise and a due date")
        return self


class CasePayload(StrictRecord):
    id: Id
    case_no: CaseNo
    site_code: WriterSite
    workstation_tag: Tag
    window_no: WindowNo
    staff_no: RequiredStaffNo
    item_code: ItemCode
    item_name: Name
    department: Name
    bundle_code: Code
    applicant_kind: Literal["person", "org"]
    applicant_name: ApplicantName
    applicant_id: Short
    legal_rep: PersonName
    mobile: Short
    situations: SituationCodes
    outcome: Literal["accepted", "notified", "refused"]
    reason: LongText
    taken_on: Day
    promised_days: Annotated[int, Field(ge=0, le=3650)]
    promised_on: DueDay | None
    due_estimate: bool
    created_at: Timestamp
    materials: Annotated[list[MaterialPayload], Field(max_length=200)]

    @model_validator(mode="after")
    def _outcome_fits(self) -> Self:
        if self.outcome == "accepted":
            if self.promised_on is None or self.promised_on < self.taken_on:
                raise ValueError("an accepted case has a promised date on or after the day taken")
        elif self.promised_on is not None or self.promised_days:
            raise ValueError("only an accepted case has a promised date")
        if self.outcome == "refused" and not self.reason.strip():
            raise ValueError("a case not accepted gives its reason")
        if self.outcome == "notified" and not any(m.status == "missing" for m in self.materials):
            raise ValueError("a one-time notice names a missing material")
        if self.applicant_kind == "org" and not self.legal_rep.strip():
            raise ValueError("an organisation names its legal representative")
        return self


class StepPayload(StrictRecord):
    id: Id
    case_id: Id
    case_no: CaseNo
    step: Annotated[int, Field(ge=0, le=100)]
    from_state: State | Literal[""]
    to_state: State
    result: Literal["", "approved", "refused"]
    licence_no: Code
    valid_until: DueDay | None
    note: LongText
    actor: RequiredStaffNo
    site_code: WriterSite
    happened_on: Day
    prev_hash: Hash
    hash: Hash
    created_at: Timestamp

    @model_validator(mode="after")
    def _result_at_decision_only(self) -> Self:
        if self.to_state == "decided":
            if self.result == "":
                raise ValueError("a decision (办结) records its result")
            if self.result == "approved" and not self.licence_no.strip():
                raise ValueError("an approval records the licence number")
            if self.result == "refused" and (self.licence_no or self.valid_until):
                raise ValueError("a refusal issues no licence")
            if self.result == "refused" and not self.note.strip():
                raise ValueError("a refusal gives its reason")
        elif self.result or self.licence_no or self.valid_until is not None:
            raise ValueError("a result is recorded at the decision (办结) only")
        if (self.step == 0) != (self.from_state == ""):
            raise ValueError("only the first step starts from no state")
        return self


__all__ = ["CasePayload", "MaterialPayload", "SafeInt", "StepPayload"]
