"""Tables of the intake plugin. Append-only, like the ratings: a case, each of its
materials and each state change is a row written once, vouched for by the audit
chain (``core.audit``) and pushed through the outbox in the transaction that writes
it. A case's events are also chained among themselves: each stores the hash of the
one before (the first: of the case row), so an edited, dropped or reordered step is
visible without the audit log (``service.verify_chain``) and the server checks the
link of every event it is pushed.
"""

from __future__ import annotations

from typing import Any

import peewee

from core.db import BaseModel, new_id
from core.models import utcnow


def row_data(row: peewee.Model) -> dict[str, Any]:
    """Every column of a row by field name: what the outbox carries to the server."""
    return {name: row.__data__.get(name) for name in type(row)._meta.fields}


class IntakeCase(BaseModel):
    """One application taken at the counter (办件), whatever its outcome."""

    id = peewee.CharField(primary_key=True, default=new_id)
    case_no = peewee.CharField(unique=True)  # numbering.py: unique city-wide
    site_code = peewee.CharField()
    workstation_tag = peewee.CharField()
    window_no = peewee.CharField(default="")
    staff_no = peewee.CharField()
    item_code = peewee.CharField(index=True)
    item_name = peewee.CharField()
    department = peewee.CharField(default="")
    bundle_code = peewee.CharField(default="")  # started from a one-thing bundle
    applicant_kind = peewee.CharField()  # person (自然人) | org (法人)
    applicant_name = peewee.CharField()
    applicant_id = peewee.CharField()  # resident ID or unified social credit code
    legal_rep = peewee.CharField(default="")  # 法定代表人 (org only)
    mobile = peewee.CharField()
    situations = peewee.TextField(default="[]")  # JSON list of situation codes
    outcome = peewee.CharField()  # accepted | notified (一次性告知) | refused (不予受理)
    reason = peewee.TextField(default="")  # why not accepted
    taken_on = peewee.DateField()
    promised_days = peewee.IntegerField(default=0)
    promised_on = peewee.DateField(null=True)  # accepted cases only
    due_estimate = peewee.BooleanField(default=False)  # counted on weekends only
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "intake_case"
        indexes = ((("site_code", "taken_on"), False),)


class CaseMaterial(BaseModel):
    """One material of the checklist as the counter found it."""

    id = peewee.CharField(primary_key=True, default=new_id)
    case_id = peewee.CharField(index=True)
    key = peewee.CharField()
    name = peewee.CharField()
    status = peewee.CharField()  # received | missing | shared | pending
    promise = peewee.TextField(default="")  # 容缺: what the applicant promised
    due_on = peewee.DateField(null=True)  # 容缺: by when

    class Meta:
        table_name = "intake_case_material"


class CaseStep(BaseModel):
    """A state of a case (受理, 审查, 办结, 已送达…). ``step`` is its place in the
    case's chain (0: the outcome at the counter); ``prev_hash`` is the ``hash`` of
    step - 1 (of the case row for step 0)."""

    id = peewee.CharField(primary_key=True, default=new_id)
    case_id = peewee.CharField(index=True)
    step = peewee.IntegerField()
    from_state = peewee.CharField(default="")
    to_state = peewee.CharField()
    result = peewee.CharField(default="")  # at 办结: approved | refused
    licence_no = peewee.CharField(default="")  # at 办结 approved: the result's number
    valid_until = peewee.DateField(null=True)
    note = peewee.TextField(default="")
    actor = peewee.CharField()
    site_code = peewee.CharField()
    happened_on = peewee.DateField()
    prev_hash = peewee.CharField()
    hash = peewee.CharField()
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "intake_case_step"
        indexes = ((("case_id", "step"), True),)


class DaySequence(BaseModel):
    """The last case sequence number this workstation gave on a day."""

    day = peewee.CharField(primary_key=True)  # YYYYMMDD
    last = peewee.IntegerField(default=0)

    class Meta:
        table_name = "intake_day_sequence"


class WorkstationTag(BaseModel):
    """This workstation's part of a case number, made once (numbering.py)."""

    id = peewee.IntegerField(primary_key=True, default=1)
    tag = peewee.CharField()
    made_from = peewee.CharField(default="")

    class Meta:
        table_name = "intake_workstation_tag"


MODELS: list[type[BaseModel]] = [IntakeCase, CaseMaterial, CaseStep, DaySequence, WorkstationTag]
