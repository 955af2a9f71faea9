"""The payloads the checklist plugin pushes, as the server accepts them.

``site_code`` of a project or event is the site that wrote it (``WriterSite``);
``assigned_site`` and an event's ``project_site`` name the sites that follow the
project and must exist (``KnownSite``); whether the writer may touch the project
at all is ``server_side.check_event``'s question.

Imported by ``sihao_record_kinds`` only (pydantic is not on the start-up path).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from core.records import (
    Code,
    DueDay,
    Id,
    KnownSite,
    Name,
    OptionalId,
    StrictRecord,
    Timestamp,
    WriterSite,
    text,
)

CreditCode = Annotated[str, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")]
AttributeCode = text(64, min_length=1)
AttributeValue = bool | int | Annotated[float, Field(ge=0, le=1e15)] | text(100)
Attributes = Annotated[dict[AttributeCode, AttributeValue], Field(max_length=64)]  # type: ignore[valid-type]
StageDays = Annotated[int, Field(ge=0, le=1000)]
Stage = Literal["1", "2", "3", "4"]
EventKind = Literal["attributes", "start", "done", "late", "stage_done", "issue", "outcome"]
Note = text(500)


class ProjectPayload(StrictRecord):
    id: Id
    name: Name
    enterprise: Name
    credit_code: CreditCode
    project_type: Code
    attributes: Attributes
    planned_start: DueDay
    site_code: WriterSite
    assigned_site: KnownSite
    steward: text(64)  # type: ignore[valid-type]
    rules_version: Code
    promised: Annotated[dict[Stage, StageDays], Field(max_length=4)]
    created_at: Timestamp


class ProjectEventPayload(StrictRecord):
    id: Id
    project_id: Id
    kind: EventKind
    item_code: Code
    day: DueDay | Literal[""]
    attributes: Attributes | None
    stage: Annotated[int, Field(ge=0, le=4)]
    issue_id: OptionalId
    difficulty: Note  # type: ignore[valid-type]
    department: text(100)  # type: ignore[valid-type]
    outcome: Note  # type: ignore[valid-type]
    actor: text(64)  # type: ignore[valid-type]
    site_code: WriterSite
    project_site: KnownSite
    assigned_site: KnownSite
    created_at: Timestamp
