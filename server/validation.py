"""Pushed records are hostile until checked: the server's judge of each payload.

``parse_push`` reads a push body once with orjson, which refuses NaN, Infinity,
numbers beyond a double, lone surrogates and nesting past 1,024 levels; then the
batch is bounded (``MAX_MUTATIONS``) before anything is validated, so a body of
400,000 empty objects costs a parse, not 400,000 validations.

``judge`` validates one record's payload against its kind's strict schema (the
pydantic model the owning plugin registered, compiled once per kind by
pydantic-core) and puts the writer's site and workstation in it from the token:
a field marked ``WriterSite`` that is empty is filled, one that names another
site refuses the record. Fields marked ``KnownSite`` are collected, and the push
asks the database once whether every site they name exists. A kind registered
without a schema (a third-party plugin not yet updated) still gets the generic
limits: nesting depth, string sizes, no NUL, integers within ±2^53.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import orjson
import pydantic

from core.outbox import RecordKind, RecordKindRegistry
from core.records import MAX_SAFE_INT, SiteField, site_fields, validation_reason

MAX_MUTATIONS = 500
MAX_DEPTH = 16  # a payload of a kind without schema; schemas bound their own
MAX_STRING = 20_000
MAX_ITEMS = 5_000  # values in one schema-less payload


class BodyRefused(ValueError):
    """The whole request is refused; ``status`` is the HTTP answer, str() the reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def parse_push(body: bytes) -> Any:
    """The push body as Python values, or ``BodyRefused`` (422, 413)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        # orjson's message says what and where (line, column), never the text.
        raise BodyRefused(422, f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("mutations"), list):
        raise BodyRefused(422, "body: must be an object with a list of mutations")
    count = len(data["mutations"])
    if count > MAX_MUTATIONS:
        raise BodyRefused(413, f"{count} mutations in one request: send at most {MAX_MUTATIONS}")
    return data


@dataclass
class KindRules:
    """What the server knows about judging one kind, built once per registry."""

    validators: dict[int, Any] = field(default_factory=dict)  # version -> SchemaValidator
    writer_site: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)
    writer_workstation: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)
    known_site: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)
    has_schema: bool = False


_rules: weakref.WeakKeyDictionary[RecordKindRegistry, dict[str, KindRules]] = (
    weakref.WeakKeyDictionary()
)


def rules(registry: RecordKindRegistry, kind: RecordKind) -> KindRules:
    by_kind = _rules.setdefault(registry, {})
    found = by_kind.get(kind.kind)
    if found is None:
        found = KindRules(has_schema=bool(kind.schemas))
        for version, model in kind.schemas.items():
            found.validators[version] = model.__pydantic_validator__
            paths = site_fields(model)
            found.writer_site[version] = paths.get(SiteField.WRITER_SITE, [])
            found.writer_workstation[version] = paths.get(SiteField.WRITER_WORKSTATION, [])
            found.known_site[version] = paths.get(SiteField.KNOWN_SITE, [])
        by_kind[kind.kind] = found
    return found


@dataclass(frozen=True)
class Writer:
    site_code: str
    workstation_id: str


def judge(
    rules: KindRules, version: int, payload: dict[str, Any], writer: Writer, sites: set[str]
) -> str | None:
    """The reason ``payload`` is refused, or None; fills the writer's fields in place
    and adds the sites it names legitimately to ``sites``."""
    if not rules.has_schema:
        return generic_limits(payload)
    validator = rules.validators.get(version)
    if validator is None:
        return f"payload version {version} has no schema on this server"
    try:
        validator.validate_python(payload)
    except pydantic.ValidationError as exc:
        return validation_reason(exc.errors(include_input=False, include_url=False))
    for path in rules.writer_site.get(version, ()):
        reason = _fill(payload, path, writer.site_code, "site")
        if reason:
            return reason
    for path in rules.writer_workstation.get(version, ()):
        reason = _fill(payload, path, writer.workstation_id, "workstation")
        if reason:
            return reason
    for path in rules.known_site.get(version, ()):
        value = _get(payload, path)
        if isinstance(value, str) and value:
            sites.add(value)
    return None


def known_site_paths(rules: KindRules, version: int) -> list[tuple[str, ...]]:
    return rules.known_site.get(version, [])


def _get(payload: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = payload
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _fill(payload: dict[str, Any], path: tuple[str, ...], own: str, what: str) -> str | None:
    holder: Any = payload
    for part in path[:-1]:
        holder = holder.get(part) if isinstance(holder, dict) else None
    if not isinstance(holder, dict):
        return None  # an optional part left out: nothing names the writer
    value = holder.get(path[-1])
    if not value:
        holder[path[-1]] = own
        return None
    if value != own:
        return (
            f"{'.'.join(path)} names another {what} than the one this workstation is enrolled for"
        )
    return None


def generic_limits(payload: Any) -> str | None:
    """Limits for a payload no schema describes: depth, sizes, NUL, safe integers."""
    budget = [MAX_ITEMS]

    def walk(value: Any, depth: int) -> str | None:
        budget[0] -= 1
        if budget[0] < 0:
            return f"payload refused: more than {MAX_ITEMS} values"
        if depth > MAX_DEPTH:
            return f"payload refused: nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                return f"payload refused: a text longer than {MAX_STRING} characters"
            if "\x00" in value:
                return "payload refused: a text contains a NUL character"
        elif isinstance(value, bool) or value is None:
            return None
        elif isinstance(value, int):
            if not -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
                return "payload refused: an integer beyond ±2^53"
        elif isinstance(value, dict):
            for key, item in value.items():
                reason = walk(key, depth + 1) or walk(item, depth + 1)
                if reason:
                    return reason
        elif isinstance(value, list):
            for item in value:
                reason = walk(item, depth + 1)
                if reason:
                    return reason
        return None

    return walk(payload, 0)
