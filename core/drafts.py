"""Form drafts: typed input kept until it is saved or discarded on purpose.

A clerk interrupted at the counter (Esc, F1, a sign-out, a crash) must find the
half-filled form again when she opens it next. A screen keeps the fields of its
form here as she types (debounced: ``workstation.draft_form.DraftForm``) and when
she leaves it; it reopens the draft when the form is opened again, and deletes it
when the form is saved or she discards it.

One row per staff member and form id (``"feedback.inspection"``): a draft is that
person's work, never shown to the next person signing in at the same workstation.
Drafts are never synced (no outbox row): the personal data a draft may hold (a
name, an ID number typed into a rating card) stays in this workstation's store,
the same file that holds the saved records.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

import peewee

from core.db import BaseModel, atomic
from core.models import utcnow

log = logging.getLogger(__name__)


class FormDraft(BaseModel):
    staff_no = peewee.CharField()
    form_id = peewee.CharField()
    data = peewee.TextField()  # JSON object: field name -> value as typed
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "form_draft"
        indexes = ((("staff_no", "form_id"), True),)


@dataclass(frozen=True)
class Draft:
    fields: dict[str, Any]
    updated_at: dt.datetime  # UTC


def keep(staff_no: str, form_id: str, fields: dict[str, Any]) -> None:
    """Store (or replace) the draft of ``form_id`` for ``staff_no``."""
    if not staff_no:
        return  # nobody signed in: there is no one to give the draft back to
    data = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    with atomic():
        (
            FormDraft.insert(staff_no=staff_no, form_id=form_id, data=data, updated_at=utcnow())
            .on_conflict(
                conflict_target=[FormDraft.staff_no, FormDraft.form_id],
                update={FormDraft.data: data, FormDraft.updated_at: utcnow()},
            )
            .execute()
        )


def load(staff_no: str, form_id: str) -> Draft | None:
    """The draft of ``form_id`` for ``staff_no``, if one is kept."""
    row = FormDraft.get_or_none((FormDraft.staff_no == staff_no) & (FormDraft.form_id == form_id))
    if row is None:
        return None
    try:
        fields = json.loads(row.data)
    except ValueError:
        # A damaged draft is not worth a failed screen: say so in the log, drop it.
        log.warning("draft %s of staff %s unreadable: discarded", form_id, staff_no)
        discard(staff_no, form_id)
        return None
    if not isinstance(fields, dict):
        discard(staff_no, form_id)
        return None
    return Draft(fields, row.updated_at)


def discard(staff_no: str, form_id: str) -> bool:
    """Delete the draft (saved, or thrown away on purpose); True if there was one."""
    deleted: int = (
        FormDraft.delete()
        .where((FormDraft.staff_no == staff_no) & (FormDraft.form_id == form_id))
        .execute()
    )
    return deleted > 0


def kept_for(staff_no: str) -> list[str]:
    """The form ids ``staff_no`` has drafts of (newest first)."""
    query = (
        FormDraft.select(FormDraft.form_id)
        .where(FormDraft.staff_no == staff_no)
        .order_by(FormDraft.updated_at.desc())
    )
    return [row.form_id for row in query]
