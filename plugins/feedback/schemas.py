"""The payloads the 好评 plugin pushes, as the server accepts them.

Each model lists every column ``models.row_data`` sends, no more (``extra`` is
forbidden): a field the server does not know is refused, never stored. Choices
fixed by the domain are ``Literal`` (levels, targets, kinds, states); choices that
are versioned data (channels, tags, severities, indicators) are bounded text,
checked against the published sets by the workstation that keys them.

``site_code`` of a rating, case or inspection is the site that wrote it: the
server fills it from the token or refuses the record when it names another site
(``WriterSite``). ``unit_site`` (the responsible unit) and an event's
``case_site`` may name another site, which must exist (``KnownSite``); whether
the writer may name it is ``checks``' question.

Imported by ``sihao_record_kinds`` only (pydantic is not on the workstation's
start-up path).
"""

from __future__ import annotations

import json
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from core.records import (
    Code,
    Day,
    DueDay,
    Id,
    KnownSite,
    LongText,
    Month,
    Name,
    OptionalId,
    StrictRecord,
    Timestamp,
    WriterSite,
    text,
)
from plugins.feedback.voids import REASON_MAX

Level = Annotated[int, Field(ge=1, le=5)]
StaffNo = text(32)
WindowNo = text(32)
Short = text(32)  # indicator codes
ShortCode = text(32, min_length=1)  # channel, severity, indicator codes (versioned data)
Ref = text(64, min_length=1)
PersonName = text(100)
Document = text(500)
CaseState = Literal[
    "pending_callback",
    "called_back",
    "rectifying",
    "rectified",
    "fed_back",
    "reviewed",
    "explained",
    "appealed",
    "withdrawn",
]


def _tag_list(value: str) -> str:
    """``tags`` travels as the JSON text of a list of tag names (as the column holds it)."""
    try:
        tags = json.loads(value)
    except ValueError as exc:
        raise ValueError("must be a JSON list of tags") from exc
    if not isinstance(tags, list) or len(tags) > 20:
        raise ValueError("must be a JSON list of at most 20 tags")
    if not all(isinstance(tag, str) and 0 < len(tag) <= 50 for tag in tags):
        raise ValueError("each tag must be a text of 1 to 50 characters")
    return value


class RatingPayload(StrictRecord):
    id: Id
    site_code: WriterSite
    unit_site: KnownSite
    target: Literal["case", "item", "staff", "hall"]
    case_no: Code
    item_code: Code
    item_name: Name
    department: Name
    window_no: WindowNo
    staff_no: StaffNo
    channel: ShortCode
    mode: Literal["onsite", "online"]
    level: Level
    tags: Annotated[str, Field(max_length=2000), AfterValidator(_tag_list)]
    tagset_version: Code
    text: LongText
    real_name: bool
    applicant_name: PersonName
    applicant_id: Short
    applicant_phone: Short
    kind: Literal["active", "default", "follow_up"]
    follow_up_of: OptionalId
    # Keyed by the staff member rated (allowed by the site's allow_self_rating):
    # absent from payloads written before the rule, which were never self-rated.
    self_rated: bool = False
    rated_on: Day
    rating_month: Month
    actor: StaffNo
    created_at: Timestamp

    @model_validator(mode="after")
    def _month_of_the_day(self) -> Self:
        if self.rating_month != self.rated_on[:7]:
            raise ValueError("rating_month must be the month of rated_on")
        return self


class CasePayload(StrictRecord):
    id: Id
    source: Literal["rating", "finding"]
    source_id: Id
    site_code: WriterSite
    unit_site: KnownSite
    window_no: WindowNo
    staff_no: StaffNo
    item_code: Code
    department: Name
    summary: LongText
    level: Level | None
    real_name: bool
    rated_on: Day | None
    rating_month: Month
    opened_on: Day
    callback_due: DueDay
    rectify_due: DueDay
    due_estimate: bool
    actor: StaffNo
    created_at: Timestamp


class CaseEventPayload(StrictRecord):
    id: Id
    case_id: Id
    from_state: CaseState | Literal[""]
    to_state: CaseState
    note: LongText
    actor: StaffNo
    happened_on: Day
    created_at: Timestamp
    unit_site: KnownSite  # where the case is handled
    case_site: KnownSite  # where it was opened


class CaseEventPayloadV2(CaseEventPayload):
    """Payload version 2: the event names its writer's role and site, carries the
    fix's evidence, the callback's time and its place in the case's chain. Whether
    the step is allowed is ``server_checks.check_event``'s question (case_rules)."""

    role: Literal["clerk", "steward", "supervisor", "officer", "it_admin", ""]
    site_code: WriterSite
    evidence: LongText
    called_at: Timestamp | None
    step: Annotated[int, Field(ge=0, le=10_000)]


class InspectionRow(StrictRecord):
    id: Id
    site_code: WriterSite
    mode: Literal["score", "walk"]
    target_kind: Literal["site", "window", "item"]
    target_ref: Ref
    target_label: Name
    inspector: StaffNo
    inspector_role: Literal["supervisor", "officer"]
    indicator_version: Code
    weighted_score: Annotated[float, Field(ge=0, le=100)] | None
    note: LongText
    inspected_on: Day
    created_at: Timestamp


class ScoreRow(StrictRecord):
    id: Id
    inspection_id: Id
    indicator_code: ShortCode
    indicator_name: Name
    weight: Annotated[float, Field(ge=0, le=1000)]
    score: Annotated[float, Field(ge=0, le=100)]


class FindingRow(StrictRecord):
    id: Id
    inspection_id: Id
    severity: ShortCode
    description: LongText
    attachment: Document
    indicator_code: Short
    created_at: Timestamp


class StepRow(StrictRecord):
    id: Id
    inspection_id: Id
    seq: Annotated[int, Field(ge=1, le=1000)]
    name: Name
    seconds: Annotated[float, Field(ge=0, le=7 * 24 * 3600)]


class InspectionPayload(StrictRecord):
    inspection: InspectionRow
    scores: Annotated[list[ScoreRow], Field(max_length=200)]
    findings: Annotated[list[FindingRow], Field(max_length=200)]
    steps: Annotated[list[StepRow], Field(max_length=200)]

    @model_validator(mode="after")
    def _rows_of_this_inspection(self) -> Self:
        own = self.inspection.id
        for rows in (self.scores, self.findings, self.steps):
            if any(row.inspection_id != own for row in rows):
                raise ValueError("scores, findings and steps must belong to this inspection")
        return self


class VoidedRatingKey(StrictRecord):
    """The voided rating's grouping columns (``voids.RATING_KEY``), so the server
    takes it off its statistics without looking the rating up among millions."""

    unit_site: KnownSite
    window_no: WindowNo
    staff_no: StaffNo
    item_code: Code
    department: Name
    rated_on: Day
    rating_month: Month
    level: Level
    kind: Literal["active", "default", "follow_up"]
    real_name: bool
    self_rated: bool


class RatingVoidPayload(StrictRecord):
    """A rating voided (``feedback.rating_void``): the reason, who and when."""

    id: Id
    rating_id: Id
    site_code: WriterSite
    reason: text(REASON_MAX, min_length=1)  # type: ignore[valid-type]
    actor: text(32, min_length=1)  # type: ignore[valid-type]
    voided_on: Day
    created_at: Timestamp
    rating: VoidedRatingKey
