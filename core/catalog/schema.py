"""The catalog's fields, their types and allowed values: one table both file formats,
the store and sync check entities against.

An entity is a plain dict in the catalog JSON schema (docs/catalog-format.md); it
is what files hold, what sync carries and what ``store.upsert`` takes.
``normalise(kind, data)`` returns the canonical dict (every field, in schema
order, defaults filled) and the problems found, each naming the field and the
reason in the UI language. Cross-entity checks (unknown department, bundle item,
parent point; duplicate codes) live in ``formats.validate_document``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.i18n import _

DEPARTMENT = "catalog.department"
ITEM = "catalog.item"
BUNDLE = "catalog.bundle"
SERVICE_POINT = "catalog.service_point"
# A glossary entry: a term of the guides (受理, 原件, 部门共享…) and its plain words,
# so a bureau improves the wording of printed guides without a release.
TERM = "catalog.term"
WORD = "catalog.word"  # how people say things: a synonym (饭馆 → 饭店) or a filler (我想)
KINDS = (DEPARTMENT, ITEM, BUNDLE, SERVICE_POINT, TERM, WORD)

HANDLING_TYPES = ("新设", "变更", "延续", "注销", "")
ITEM_TYPES = (
    "行政许可",
    "行政确认",
    "行政裁决",
    "行政给付",
    "行政奖励",
    "行政备案",
    "其他行政权力",
    "公共服务",
)
EXERCISE_LEVELS = ("国家", "省", "市", "县", "乡(镇、街道)", "村(社区)")
SERVICE_OBJECTS = ("自然人", "法人")
MATERIAL_FORMS = ("原件", "复印件", "电子")
MATERIAL_SOURCES = ("申请人", "部门共享")
POINT_LEVELS = ("市", "区县", "镇街", "村社区")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalog: where (sheet/row or entry), which column, why."""

    where: str
    column: str
    reason: str

    def __str__(self) -> str:
        if self.column:
            return _("{where}, column {column}: {reason}").format(
                where=self.where, column=self.column, reason=self.reason
            )
        return _("{where}: {reason}").format(where=self.where, reason=self.reason)


class FieldError(ValueError):
    """A field's value is wrong; ``str()`` is the reason for people."""


Check = Callable[[Any], Any]

# check -> "is this value already what the check returns for it?" (``is_canonical``)
# (weak: a check made on the fly and dropped must not stay here)
_CANONICAL: weakref.WeakKeyDictionary[Check, Callable[[Any], bool]] = weakref.WeakKeyDictionary()


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise FieldError(_("must be text"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel hands codes typed as numbers back as floats
    return str(value).strip()


def required_text(value: Any) -> str:
    result = text(value)
    if not result:
        raise FieldError(_("must not be empty"))
    return result


def integer(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise FieldError(_("must be a whole number"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise FieldError(_("must be a whole number of 0 or more"))
    return value


TRUE_WORDS = {"true", "1", "yes", "y", "是", "√", "✓"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "", "×"}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError(_("must be 是 or 否 (true or false)"))


def one_of(choices: tuple[str, ...], *, required: bool = True) -> Check:
    def check(value: Any) -> str:
        result = text(value)
        if not result and not required and "" not in choices:
            return ""
        if result not in choices:
            shown = "、".join(c for c in choices if c) or "—"
            raise FieldError(
                _("{value!r} is not allowed; use one of: {choices}").format(
                    value=result, choices=shown
                )
            )
        return result

    allowed = frozenset(choices) if required or "" in choices else frozenset((*choices, ""))
    _CANONICAL[check] = lambda v: type(v) is str and v in allowed
    return check


def text_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):  # one cell in a spreadsheet: 、, comma or new line
        for separator in ("\n", "，", ",", "；", ";"):
            value = value.replace(separator, "、")
        return [part.strip() for part in value.split("、") if part.strip()]
    if not isinstance(value, list):
        raise FieldError(_("must be a list"))
    return [text(v) for v in value if text(v)]


def choice_list(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> list[str]:
        values = text_list(value)
        bad = [v for v in values if v not in choices]
        if bad:
            raise FieldError(
                _("{value!r} is not allowed; use one of: {choices}").format(
                    value=bad[0], choices="、".join(choices)
                )
            )
        return values

    allowed = frozenset(choices)
    _CANONICAL[check] = lambda v: _canonical_text_list(v) and all(x in allowed for x in v)
    return check


def _records(value: Any, fields: list[tuple[str, Check]], what: str) -> list[dict[str, Any]]:
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise FieldError(_("must be a list"))
    result = []
    for n, entry in enumerate(value, 1):
        if not isinstance(entry, dict):
            raise FieldError(_("{what} {n} must be an object").format(what=what, n=n))
        record: dict[str, Any] = {}
        for key, check in fields:
            try:
                record[key] = check(entry.get(key))
            except FieldError as exc:
                raise FieldError(
                    _("{what} {n}, {key}: {reason}").format(what=what, n=n, key=key, reason=exc)
                ) from exc
        result.append(record)
    return result


def situations(value: Any) -> list[dict[str, Any]]:
    records = _records(
        value,
        [("code", required_text), ("name", required_text), ("conditions", text_list)],
        _("situation"),
    )
    codes = [r["code"] for r in records]
    if len(set(codes)) != len(codes):
        raise FieldError(_("situation codes repeat within the item"))
    return records


def _copies(value: Any) -> int:
    return 1 if value is None or value == "" else integer(value)


def _required_flag(value: Any) -> bool:
    return True if value is None or value == "" else boolean(value)


_MATERIAL_FIELDS: list[tuple[str, Check]] = [
    ("key", required_text),
    ("name", required_text),
    ("form", one_of(MATERIAL_FORMS)),
    ("copies", _copies),
    ("source", one_of(MATERIAL_SOURCES)),
    ("basis", text),
    ("sample", text),
    ("required", _required_flag),
    ("situations", text_list),
    # 容缺受理: the counter may accept the case while this material is still owed
    # (the applicant promises it by a date). Default false.
    ("pending_allowed", boolean),
]


def materials(value: Any) -> list[dict[str, Any]]:
    return _records(value, _MATERIAL_FIELDS, _("material"))


def _counts(value: Any) -> bool:
    return True if value is None or value == "" else boolean(value)


def steps(value: Any) -> list[dict[str, Any]]:
    return _records(
        value, [("name", required_text), ("days", integer), ("counts", _counts)], _("step")
    )


def faq(value: Any) -> list[dict[str, Any]]:
    return _records(value, [("q", required_text), ("a", text)], _("question"))


FIELDS: dict[str, list[tuple[str, Check]]] = {
    DEPARTMENT: [("code", required_text), ("name", required_text), ("short", text)],
    ITEM: [
        ("code", required_text),
        ("name", required_text),
        ("main_code", text),
        ("main_name", text),
        ("sub_code", text),
        ("sub_name", text),
        ("handling_type", one_of(HANDLING_TYPES)),
        ("item_type", one_of(ITEM_TYPES)),
        ("department", required_text),
        ("implementing_body", text),
        ("exercise_level", one_of(EXERCISE_LEVELS)),
        ("region_code", text),
        ("legal_basis", text),
        ("service_object", choice_list(SERVICE_OBJECTS)),
        ("situations", situations),
        ("materials", materials),
        ("steps", steps),
        ("legal_days", integer),
        ("promised_days", integer),
        ("on_the_spot", boolean),
        ("fee_basis", text),
        ("fee_standard", text),
        ("place", text),
        ("hours", text),
        ("phone", text),
        ("complaint_phone", text),
        ("result_name", text),
        ("result_sample", text),
        ("result_validity", text),
        ("online", boolean),
        ("online_url", text),
        ("visits", integer),
        ("faq", faq),
        ("keywords", text_list),
    ],
    BUNDLE: [
        ("code", required_text),
        ("name", required_text),
        ("description", text),
        ("keywords", text_list),
        ("items", text_list),
    ],
    SERVICE_POINT: [
        ("code", required_text),
        ("name", required_text),
        ("level", one_of(POINT_LEVELS)),
        ("region_code", text),
        ("parent", text),
        ("district", text),
        ("town", text),
        ("village", text),
        ("address", text),
        ("hours", text),
        ("phone", text),
        ("handles", text_list),
    ],
    # ``code`` is the word as people say it; ``means`` the catalog's word for it, or
    # empty for a filler the lookup drops from a phrase (docs/catalog-format.md).
    WORD: [("code", required_text), ("means", text)],
    # ``code`` is the term as the catalog writes it; ``plain`` what a citizen reads
    # instead (docs/catalog-format.md, "Glossary").
    TERM: [("code", required_text), ("plain", required_text)],
}

# Fields a file must carry (a column in every sheet, a key in every JSON entry).
REQUIRED: dict[str, tuple[str, ...]] = {
    DEPARTMENT: ("code", "name"),
    ITEM: ("code", "name", "item_type", "department", "exercise_level"),
    BUNDLE: ("code", "name", "items"),
    SERVICE_POINT: ("code", "name", "level"),
    WORD: ("code",),
    TERM: ("code", "plain"),
}


def normalise(kind: str, data: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The canonical dict for ``data`` and a list of (field, reason) problems."""
    if kind not in FIELDS:
        raise KeyError(kind)
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        return {}, [("", _("must be an object with the catalog fields"))]
    result: dict[str, Any] = {}
    for key in REQUIRED[kind]:
        if key not in data:
            problems.append((key, _("is missing")))
    for key, check in FIELDS[kind]:
        try:
            result[key] = check(data.get(key))
        except FieldError as exc:
            if key in data:
                problems.append((key, str(exc)))
    if kind == ITEM and not problems:
        known = {s["code"] for s in result["situations"]}
        for n, material in enumerate(result["materials"], 1):
            unknown = [c for c in material["situations"] if c not in known]
            if unknown:
                problems.append(
                    (
                        "materials",
                        _(
                            "material {n} names situation {code}, which the item does not have"
                        ).format(n=n, code=unknown[0]),
                    )
                )
    return result, problems


# -- the fast path for entities that are already canonical -------------------------
# A pulled entity is what ``normalise`` made of it on the server: checking that it is
# still exactly that (types, stripped text, allowed values, the keys) is a few
# times cheaper than normalising it again, and needs no copy. Anything else, including
# every malformed entity, goes through ``normalise`` and its problems.


def _canonical_text(v: Any) -> bool:
    return type(v) is str and v == v.strip()


def _canonical_required_text(v: Any) -> bool:
    return type(v) is str and v != "" and v == v.strip()


def _canonical_integer(v: Any) -> bool:
    return type(v) is int and v >= 0


def _canonical_boolean(v: Any) -> bool:
    return type(v) is bool


def _canonical_text_list(v: Any) -> bool:
    if type(v) is not list:
        return False
    for x in v:
        if type(x) is not str or x == "" or x != x.strip():
            return False
    return True


def _canonical_fields(
    fields: list[tuple[str, Callable[[Any], bool]]],
) -> Callable[[dict[str, Any]], bool]:
    """One check of the fields of a dict that has every key: ``all(check(d[key]))``,
    with the plain checks (text, required text, whole numbers, flags) done inline
    rather than one call per field (a 20,000-item pull checks ≈ 2 million values)."""
    groups: dict[Callable[[Any], bool], list[str]] = {
        _canonical_text: [],
        _canonical_required_text: [],
        _canonical_integer: [],
        _canonical_boolean: [],
    }
    others: list[tuple[str, Callable[[Any], bool]]] = []
    for key, check in fields:
        if check in groups:
            groups[check].append(key)
        else:
            others.append((key, check))
    texts = tuple(groups[_canonical_text])
    required = tuple(groups[_canonical_required_text])
    integers = tuple(groups[_canonical_integer])
    flags = tuple(groups[_canonical_boolean])
    rest = tuple(others)

    def canonical(data: dict[str, Any]) -> bool:
        for key in texts:
            v = data[key]
            if type(v) is not str or v != v.strip():
                return False
        for key in required:
            v = data[key]
            if type(v) is not str or v == "" or v != v.strip():
                return False
        for key in integers:
            v = data[key]
            if type(v) is not int or v < 0:
                return False
        for key in flags:
            if type(data[key]) is not bool:
                return False
        for key, check in rest:
            if not check(data[key]):
                return False
        return True

    return canonical


def _canonical_records(fields: list[tuple[str, Callable[[Any], bool]]]) -> Callable[[Any], bool]:
    keys = frozenset(key for key, _check in fields)
    canonical_entry = _canonical_fields(fields)

    def canonical(v: Any) -> bool:
        if type(v) is not list:
            return False
        for entry in v:
            if type(entry) is not dict or entry.keys() != keys or not canonical_entry(entry):
                return False
        return True

    return canonical


_canonical_situation_list = _canonical_records(
    [
        ("code", _canonical_required_text),
        ("name", _canonical_required_text),
        ("conditions", _canonical_text_list),
    ]
)


def _canonical_situations(v: Any) -> bool:
    if not _canonical_situation_list(v):
        return False
    codes = [s["code"] for s in v]
    return len(set(codes)) == len(codes)


_MATERIAL_FORMS = frozenset(MATERIAL_FORMS)
_MATERIAL_SOURCES = frozenset(MATERIAL_SOURCES)

_CANONICAL.update(
    {
        text: _canonical_text,
        required_text: _canonical_required_text,
        integer: _canonical_integer,
        boolean: _canonical_boolean,
        text_list: _canonical_text_list,
        situations: _canonical_situations,
        materials: _canonical_records(
            [
                ("key", _canonical_required_text),
                ("name", _canonical_required_text),
                ("form", lambda v: type(v) is str and v in _MATERIAL_FORMS),
                ("copies", _canonical_integer),
                ("source", lambda v: type(v) is str and v in _MATERIAL_SOURCES),
                ("basis", _canonical_text),
                ("sample", _canonical_text),
                ("required", _canonical_boolean),
                ("situations", _canonical_text_list),
                ("pending_allowed", _canonical_boolean),
            ]
        ),
        steps: _canonical_records(
            [
                ("name", _canonical_required_text),
                ("days", _canonical_integer),
                ("counts", _canonical_boolean),
            ]
        ),
        faq: _canonical_records([("q", _canonical_required_text), ("a", _canonical_text)]),
    }
)

_CANONICAL_FIELDS: dict[str, tuple[frozenset[str], Callable[[dict[str, Any]], bool]]] = {
    kind: (
        frozenset(key for key, _c in fields),
        _canonical_fields([(key, _CANONICAL[c]) for key, c in fields]),
    )
    for kind, fields in FIELDS.items()
}


def is_canonical(kind: str, data: Any) -> bool:
    """True when ``data`` is already exactly what ``normalise`` returns for it, without
    problems: every field of the kind and no other, each of its canonical type and
    value: ``normalise(kind, data) == (data, [])`` (dicts compare without key order;
    the server sends keys sorted). Such an entity can be stored as it is; anything
    else must go through ``normalise``."""
    keys, _fields = _CANONICAL_FIELDS[kind]
    return type(data) is dict and data.keys() == keys and canonical_values(kind, data)


def canonical_values(kind: str, data: dict[str, Any]) -> bool:
    """``is_canonical`` less the check of the keys: every field of the kind is in
    ``data`` (the caller made sure) and of its canonical type and value; other keys
    are not looked at (the caller knows what they are: what the server derived and
    sends beside the fields, ``store``)."""
    _keys, canonical = _CANONICAL_FIELDS[kind]
    if not canonical(data):
        return False
    if kind == ITEM:
        known = {s["code"] for s in data["situations"]}
        for material in data["materials"]:
            for code in material["situations"]:
                if code not in known:
                    return False
    return True
