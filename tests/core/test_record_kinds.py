"""The record-kind registry keeps what a plugin declares about its records."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from core.outbox import RecordContext, RecordKindRegistry, RecordRejected


class NoteV1(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    text: str


class NoteV2(NoteV1):
    pages: int = pydantic.Field(ge=1, le=100)


def refuse_empty(payload: dict[str, Any], ctx: RecordContext) -> None:
    if not payload["text"]:
        raise RecordRejected(f"{ctx.kind} {ctx.entity_id} has no text")


def test_schemas_by_version_and_the_check_are_kept() -> None:
    registry = RecordKindRegistry()
    registry.current_plugin = "notes"
    registry.add(
        "notes.note",
        payload_version=2,
        schema=NoteV2,
        schemas={1: NoteV1},
        check=refuse_empty,
    )
    kind = registry.get("notes.note")
    assert kind is not None
    assert kind.schema is NoteV2
    assert kind.schemas == {1: NoteV1, 2: NoteV2}
    assert kind.plugin == "notes"
    ctx = RecordContext("notes.note", "n1", 2, "370303", "ws-1")
    with pytest.raises(RecordRejected, match="n1 has no text"):
        assert kind.check is not None
        kind.check({"text": ""}, ctx)


def test_a_kind_without_schema_has_none() -> None:
    registry = RecordKindRegistry()
    registry.add("notes.loose")
    kind = registry.get("notes.loose")
    assert kind is not None and kind.schema is None and kind.check is None


def test_a_schema_for_a_version_not_yet_current_is_refused() -> None:
    registry = RecordKindRegistry()
    with pytest.raises(ValueError, match="newer than its payload version"):
        registry.add("notes.note", payload_version=1, schemas={2: NoteV2})


def test_rejection_is_a_value_error_with_its_reason() -> None:
    exc = RecordRejected("the case is already closed")
    assert isinstance(exc, ValueError)
    assert str(exc) == "the case is already closed"
