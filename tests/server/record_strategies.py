"""Hypothesis strategies read off a record kind's pydantic schema.

``valid(model, site)`` draws payloads the schema accepts: each field's strategy
comes from its annotation and constraints (Literal choices, string lengths,
integer and float ranges, dates, nested models and lists), the writer's and named
sites are ``site``. ``broken(model, site)`` draws a valid payload, then breaks
it in one way a hostile workstation might: an unknown field, a wrong type, a
string past its length, a number out of range, a NUL character, a date in the
future, another site in the writer's field.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from typing import Any

from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from core import records
from core.records import SiteField

TODAY = dt.date.today()
# Text as counter staff type it, Chinese included; no NUL, no surrogates.
ALPHABET = st.characters(codec="utf-8", exclude_characters="\x00")


def _expand(metadata: list[Any]) -> list[Any]:
    """``Field(ge=1)`` inside ``Annotated`` carries its constraints in its own metadata."""
    found: list[Any] = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            found.extend(item.metadata)
        else:
            found.append(item)
    return found


def _constraint(metadata: list[Any], name: str) -> Any:
    for item in _expand(metadata):
        value = getattr(item, name, None)
        if value is not None:
            return value
    return None


def _validators(metadata: list[Any]) -> set[Any]:
    return {m.func for m in metadata if isinstance(m, AfterValidator)}


def _site_marker(metadata: list[Any]) -> SiteField | None:
    return next((m for m in metadata if isinstance(m, SiteField)), None)


def _days(first: dt.date, last: dt.date) -> st.SearchStrategy[str]:
    return st.dates(first, last).map(dt.date.isoformat)


def field_strategy(annotation: Any, metadata: list[Any], site: str) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return field_strategy(inner, [*extra, *metadata], site)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(field_strategy(a, metadata, site) for a in typing.get_args(annotation)))
    if annotation is type(None):
        return st.none()
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation)
        return st.lists(field_strategy(item, [], site), max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return valid(annotation, site)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        low = _constraint(metadata, "ge")
        high = _constraint(metadata, "le")
        return st.integers(low, high)
    if annotation is float:
        return st.floats(_constraint(metadata, "ge"), _constraint(metadata, "le"), allow_nan=False)
    if annotation is str:
        checks = _validators(metadata)
        if records._day in checks:
            return _days(dt.date(2000, 1, 1), TODAY)
        if records._due_day in checks:
            return _days(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
        if records._timestamp in checks:
            return st.datetimes(dt.datetime(2000, 1, 1), dt.datetime.now()).map(
                dt.datetime.isoformat
            )
        if any(f.__name__ == "_tag_list" for f in checks):
            tags = st.lists(st.text(ALPHABET, min_size=1, max_size=10), max_size=5)
            return tags.map(lambda t: json.dumps(t, ensure_ascii=False))
        if _site_marker(metadata) is not None:
            return st.just(site)
        pattern = _constraint(metadata, "pattern")
        if pattern is not None and pattern != records.NO_NUL:
            return st.from_regex(pattern, fullmatch=True)
        low = _constraint(metadata, "min_length") or 0
        high = _constraint(metadata, "max_length")
        return st.text(ALPHABET, min_size=low, max_size=min(high or 30, 30))
    raise NotImplementedError(f"no strategy for {annotation!r}")


def _fields(model: type[BaseModel]) -> dict[str, tuple[Any, list[Any]]]:
    return {name: (f.annotation, list(f.metadata)) for name, f in model.model_fields.items()}


def valid(model: type[BaseModel], site: str) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads the schema accepts (cross-field rules made true after drawing)."""
    strategies = {
        name: field_strategy(annotation, metadata, site)
        for name, (annotation, metadata) in _fields(model).items()
    }
    return st.fixed_dictionaries(strategies).map(lambda payload: _consistent(payload, site))


def _consistent(payload: dict[str, Any], site: str) -> dict[str, Any]:
    if "source" in payload and "opened_on" in payload:
        # A case: opened by the site's own clerk, its deadlines on or after the day
        # it was opened (the feedback plugin's check of a case).
        from tests.server.conftest import staff_of

        payload["actor"] = staff_of(site)
        for due in ("callback_due", "rectify_due"):
            payload[due] = max(payload[due], payload["opened_on"])
    if "rated_on" in payload and "rating_month" in payload and payload["rated_on"]:
        if "source" not in payload:  # a rating: its month is its day's
            payload["rating_month"] = payload["rated_on"][:7]
    inspection = payload.get("inspection")
    if isinstance(inspection, dict):
        if inspection["target_kind"] == "site":  # a site the server knows
            inspection["target_ref"] = site
        for rows in ("scores", "findings", "steps"):
            for row in payload[rows]:
                row["inspection_id"] = inspection["id"]
    return payload


def _paths(
    model: type[BaseModel], prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], Any, list[Any]]]:
    found = []
    for name, (annotation, metadata) in _fields(model).items():
        path = (*prefix, name)
        inner = annotation
        if typing.get_origin(inner) is typing.Annotated:
            inner, *extra = typing.get_args(inner)
            metadata = [*extra, *metadata]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            found.extend(_paths(inner, path))
        else:
            found.append((path, inner, metadata))
    return found


def _set(payload: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    holder = payload
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value


def _breakages(
    path: tuple[str, ...], annotation: Any, metadata: list[Any]
) -> list[tuple[str, Any]]:
    """Ways to make the field at ``path`` wrong, each with the value to put there."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(annotation) if a is not type(None))
        if typing.get_origin(inner) is typing.Annotated:
            inner, *extra = typing.get_args(inner)
            metadata = [*extra, *metadata]
        return _breakages(path, inner, metadata)
    found: list[tuple[str, Any]] = [("an object instead", {"x": 1})]
    if annotation is str:
        found.append(("a number instead of text", 7))
        found.append(("a NUL character", "前\x00后"))
        high = _constraint(metadata, "max_length")
        if high:
            found.append(("text past its length", "长" * (high + 1)))
        checks = _validators(metadata)
        if records._day in checks or records._timestamp in checks:
            found.append(
                (
                    "a date in 2099",
                    "2099-10-13" if records._day in checks else "2099-10-13T09:30:00",
                )
            )
        if _site_marker(metadata) is SiteField.WRITER_SITE:
            found.append(("another site as the writer", "370303-ZWFW"))
    elif annotation is int:
        found.append(("text instead of a number", "3"))
        found.append(("an integer past 2^53", 2**60))
        found.append(("a fraction", 2.5))
    elif annotation is bool:
        found.append(("1 instead of true", 1))
    elif annotation is float:
        found.append(("text instead of a number", "80"))
        found.append(("a huge number", 1e300))
    elif typing.get_origin(annotation) is typing.Literal:
        found.append(("a choice that does not exist", "whatever"))
    return found


def broken(
    model: type[BaseModel], site: str, prepare: Any = None
) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """(what was broken, payload): a valid payload (``prepare``-d) with one thing wrong."""
    ways: list[tuple[tuple[str, ...], str, Any]] = [((), "an unknown field", None)]
    for path, annotation, metadata in _paths(model):
        for what, value in _breakages(path, annotation, metadata):
            ways.append((path, what, value))

    def spoil(
        payload: dict[str, Any], way: tuple[tuple[str, ...], str, Any]
    ) -> tuple[str, dict[str, Any]]:
        path, what, value = way
        if prepare is not None:
            payload = prepare(payload)
        if not path:
            payload["unexpected_field"] = "x"
        else:
            _set(payload, path, value)
        return f"{'.'.join(path) or 'payload'}: {what}", payload

    return st.tuples(valid(model, site), st.sampled_from(ways)).map(lambda pair: spoil(*pair))
