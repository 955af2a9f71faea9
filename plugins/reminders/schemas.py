"""The strict payload of the record kind this plugin pushes (pydantic: imported only
inside ``sihao_record_kinds``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from core.records import Code, Id, StrictRecord, Timestamp, WriterSite, text

RESEND_KIND = "reminders.resend"
MAX_REASON = 200

Reason = text(MAX_REASON, min_length=2)


class ResendPayload(StrictRecord):
    """A clerk asks for a reminder to be sent again, saying why (audited)."""

    id: Id
    sms_id: Annotated[int, Field(ge=1, le=2**53)]
    reason: Reason
    staff_no: Code
    site_code: WriterSite = ""
    requested_at: Timestamp
