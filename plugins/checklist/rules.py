"""The checklist rules: which approvals a construction project needs, as catalog data.

A rules file (JSON, docs/checklist.md) declares the four stages, the project types
with their promised working days per stage, the attributes a steward fills in
(each with a type: number, bool or choice), and the items: stage, lead department,
promised working days (per type where they differ), which types and attribute
conditions make a project need it, which other items' results it needs, whether it
runs in parallel (并联: assessments such as 环评 and 节能审查), and its materials.

Rules are checked whole before they are used (``parse``): an item that names an
item the rules lack, a condition on an attribute nobody declared, a condition
whose value does not fit the attribute's type, or a dependency cycle refuses the
file with every problem listed and the rule named. The demo rules ship in
``data/demo/checklist_rules.json``; a site imports its own with
``sihao checklist rules import FILE`` (kept in the store, newest wins).

Free of Textual and of the store: ``parse`` takes the decoded JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.i18n import _

STAGES = (1, 2, 3, 4)
ATTRIBUTE_TYPES = ("number", "bool", "choice")
OPERATORS = ("==", "!=", ">", ">=", "<", "<=", "in")
MAX_DAYS = 1000  # promised working days of one item or one stage

AttributeValue = float | int | bool | str


class RulesRefused(ValueError):
    """The rules are not usable; ``problems`` holds one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Stage:
    stage: int
    name: str
    lead: str


@dataclass(frozen=True)
class ProjectType:
    code: str
    name: str
    promised: dict[int, int]  # stage -> working days promised


@dataclass(frozen=True)
class Attribute:
    code: str
    name: str
    type: str  # number | bool | choice
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    attribute: str
    op: str
    value: Any

    def holds(self, attributes: dict[str, AttributeValue]) -> bool:
        if self.attribute not in attributes:
            return False  # not filled in: the item is not (yet) needed
        have = attributes[self.attribute]
        want = self.value
        if self.op == "in":
            return bool(have in want)
        if self.op == "==":
            return bool(have == want)
        if self.op == "!=":
            return bool(have != want)
        if isinstance(have, bool) or not isinstance(have, int | float):
            return False
        if self.op == ">":
            return bool(have > want)
        if self.op == ">=":
            return bool(have >= want)
        if self.op == "<":
            return bool(have < want)
        return bool(have <= want)


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    stage: int
    department: str
    days: int
    types: tuple[str, ...] = ()  # empty: every type
    when: tuple[Condition, ...] = ()
    needs: tuple[str, ...] = ()
    parallel: bool = False
    materials: tuple[str, ...] = ()
    days_by_type: dict[str, int] = field(default_factory=dict)
    stage_by_type: dict[str, int] = field(default_factory=dict)

    def applies(self, project_type: str, attributes: dict[str, AttributeValue]) -> bool:
        if self.types and project_type not in self.types:
            return False
        return all(condition.holds(attributes) for condition in self.when)

    def days_for(self, project_type: str) -> int:
        return self.days_by_type.get(project_type, self.days)

    def stage_for(self, project_type: str) -> int:
        return self.stage_by_type.get(project_type, self.stage)


@dataclass(frozen=True)
class Rules:
    version: str
    stages: dict[int, Stage]
    types: dict[str, ProjectType]
    attributes: dict[str, Attribute]
    items: dict[str, Item]  # in file order

    def select(self, project_type: str, attributes: dict[str, AttributeValue]) -> list[Item]:
        """The items a project of this type and these attributes needs, in file order."""
        return [i for i in self.items.values() if i.applies(project_type, attributes)]


def demo_rules_path() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "demo" / "checklist_rules.json"


_demo: Rules | None = None


def demo_rules() -> Rules:
    global _demo
    if _demo is None:
        _demo = parse(json.loads(demo_rules_path().read_text(encoding="utf-8")))
    return _demo


# -- checking -------------------------------------------------------------------------
def _rule(item: dict[str, Any], index: int) -> str:
    code = item.get("code") if isinstance(item.get("code"), str) else f"#{index + 1}"
    name = item.get("name") if isinstance(item.get("name"), str) else ""
    return f"{code}（{name}）" if name else str(code)


def _whole(value: Any, *, low: int = 0, high: int = MAX_DAYS) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _fits(attribute: Attribute, op: str, value: Any) -> bool:
    """Whether a condition's value can be compared with this attribute."""
    if op == "in":
        return isinstance(value, list) and all(_fits(attribute, "==", v) for v in value)
    if attribute.type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if op not in ("==", "!="):
        return False
    if attribute.type == "bool":
        return isinstance(value, bool)
    return isinstance(value, str) and value in attribute.choices


def parse(data: Any) -> Rules:
    """Check a decoded rules file whole; ``RulesRefused`` lists every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise RulesRefused(
            [_("A rules file is a JSON object with stages, types, attributes and items.")]
        )
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append(_("The rules have no version."))
        version = ""

    stages: dict[int, Stage] = {}
    for entry in data.get("stages") or []:
        if not isinstance(entry, dict) or entry.get("stage") not in STAGES:
            problems.append(_("A stage must be numbered 1 to 4."))
            continue
        stages[entry["stage"]] = Stage(
            entry["stage"], str(entry.get("name", "")), str(entry.get("lead", ""))
        )
    missing = [s for s in STAGES if s not in stages]
    if missing:
        problems.append(
            _("The rules lack stage {stages}.").format(stages=", ".join(str(s) for s in missing))
        )

    types: dict[str, ProjectType] = {}
    for entry in data.get("project_types") or []:
        code = entry.get("code") if isinstance(entry, dict) else None
        promised_raw = entry.get("promised", {}) if isinstance(entry, dict) else None
        if not isinstance(code, str) or not code or not isinstance(promised_raw, dict):
            problems.append(_("A project type needs a code and its promised days per stage."))
            continue
        promised: dict[int, int] = {}
        for stage_key, days in promised_raw.items():
            if not str(stage_key).isdigit() or int(stage_key) not in STAGES or not _whole(days):
                problems.append(
                    _(
                        "Project type {code}: promised days must be whole numbers for stages 1 to 4."
                    ).format(code=code)
                )
                break
            promised[int(stage_key)] = days
        types[code] = ProjectType(code, str(entry.get("name", code)), promised)
    if not types:
        problems.append(_("The rules declare no project type."))

    attributes: dict[str, Attribute] = {}
    for entry in data.get("attributes") or []:
        code = entry.get("code") if isinstance(entry, dict) else None
        kind = entry.get("type") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not code or kind not in ATTRIBUTE_TYPES:
            problems.append(
                _("Attribute {code}: the type must be number, bool or choice.").format(code=code)
            )
            continue
        choices = entry.get("choices") or []
        if kind == "choice" and (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) for c in choices)
        ):
            problems.append(
                _("Attribute {code}: a choice needs its list of choices.").format(code=code)
            )
            continue
        attributes[code] = Attribute(code, str(entry.get("name", code)), kind, tuple(choices))

    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(_("The rules list no item."))
        raw_items = []
    codes = [i.get("code") for i in raw_items if isinstance(i, dict)]
    known = {c for c in codes if isinstance(c, str)}
    items: dict[str, Item] = {}
    for index, entry in enumerate(raw_items):
        if not isinstance(entry, dict):
            problems.append(_("Item #{n} is not an object.").format(n=index + 1))
            continue
        rule = _rule(entry, index)
        code = entry.get("code")
        if not isinstance(code, str) or not code.strip():
            problems.append(_("Rule {rule}: an item needs a code.").format(rule=rule))
            continue
        if code in items:
            problems.append(
                _("Rule {rule}: the code {code} is used twice.").format(rule=rule, code=code)
            )
            continue
        item_problems: list[str] = []
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            item_problems.append(_("Rule {rule}: the item has no name.").format(rule=rule))
        if entry.get("stage") not in STAGES:
            item_problems.append(_("Rule {rule}: the stage must be 1 to 4.").format(rule=rule))
        if not _whole(entry.get("days")):
            item_problems.append(
                _("Rule {rule}: the promised days must be a whole number from 0 to 1000.").format(
                    rule=rule
                )
            )
        item_types = entry.get("types") or []
        for type_code in item_types:
            if type_code not in types:
                item_problems.append(
                    _("Rule {rule}: the project type {code} is not declared.").format(
                        rule=rule, code=type_code
                    )
                )
        by_type_days = entry.get("days_by_type") or {}
        by_type_stage = entry.get("stage_by_type") or {}
        for type_code, days in by_type_days.items():
            if type_code not in types or not _whole(days):
                item_problems.append(
                    _(
                        "Rule {rule}: days for type {code} must be a whole number of a declared type."
                    ).format(rule=rule, code=type_code)
                )
        for type_code, stage in by_type_stage.items():
            if type_code not in types or stage not in STAGES:
                item_problems.append(
                    _(
                        "Rule {rule}: the stage for type {code} must be 1 to 4 of a declared type."
                    ).format(rule=rule, code=type_code)
                )
        needs = entry.get("needs") or []
        if not isinstance(needs, list):
            needs = []
            item_problems.append(
                _("Rule {rule}: needs must be a list of item codes.").format(rule=rule)
            )
        for need in needs:
            if need not in known:
                item_problems.append(
                    _("Rule {rule}: it needs the item {code}, which the rules lack.").format(
                        rule=rule, code=need
                    )
                )
        conditions: list[Condition] = []
        for cond in entry.get("when") or []:
            if not isinstance(cond, dict):
                item_problems.append(
                    _("Rule {rule}: a condition is not an object.").format(rule=rule)
                )
                continue
            attr_code, op, value = cond.get("attribute"), cond.get("op", "=="), cond.get("value")
            attribute = attributes.get(attr_code) if isinstance(attr_code, str) else None
            if attribute is None:
                item_problems.append(
                    _(
                        "Rule {rule}: a condition uses the attribute {code}, which is not declared."
                    ).format(rule=rule, code=attr_code)
                )
                continue
            if op not in OPERATORS or not _fits(attribute, op, value):
                item_problems.append(
                    _(
                        "Rule {rule}: the condition {attribute} {op} {value} does not fit a {type} attribute."
                    ).format(
                        rule=rule,
                        attribute=attr_code,
                        op=op,
                        value=json.dumps(value, ensure_ascii=False),
                        type=attribute.type,
                    )
                )
                continue
            conditions.append(Condition(attribute.code, op, value))
        materials = entry.get("materials") or []
        if not isinstance(materials, list) or not all(
            isinstance(m, str) and m.strip() for m in materials
        ):
            item_problems.append(
                _("Rule {rule}: materials must be a list of names.").format(rule=rule)
            )
            materials = []
        if item_problems:
            problems.extend(item_problems)
            continue
        items[code] = Item(
            code=code,
            name=entry["name"].strip(),
            stage=entry["stage"],
            department=str(entry.get("department", "")),
            days=entry["days"],
            types=tuple(item_types),
            when=tuple(conditions),
            needs=tuple(needs),
            parallel=bool(entry.get("parallel", False)),
            materials=tuple(m.strip() for m in materials),
            days_by_type=dict(by_type_days),
            stage_by_type=dict(by_type_stage),
        )
    problems.extend(_cycles(items))
    if problems:
        raise RulesRefused(problems)
    return Rules(str(version), stages, types, attributes, items)


def _cycles(items: dict[str, Item]) -> list[str]:
    """A sentence for each dependency cycle found (iterative DFS: 10,000 items deep is fine)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(items, WHITE)
    found: list[str] = []
    for root in items:
        if colour[root] != WHITE:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        colour[root] = GREY
        while stack:
            node, index = stack[-1]
            needs = [n for n in items[node].needs if n in items]
            if index < len(needs):
                stack[-1] = (node, index + 1)
                nxt = needs[index]
                if colour[nxt] == GREY:
                    cycle = path[path.index(nxt) :] + [nxt]
                    rule = f"{items[nxt].code}（{items[nxt].name}）"
                    found.append(
                        _("Rule {rule}: its dependencies go round in a circle ({cycle}).").format(
                            rule=rule, cycle=" → ".join(reversed(cycle))
                        )
                    )
                elif colour[nxt] == WHITE:
                    colour[nxt] = GREY
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                colour[node] = BLACK
                stack.pop()
                path.pop()
    return found


# -- attribute values typed by a person ----------------------------------------------
def read_attribute(attribute: Attribute, raw: Any) -> tuple[AttributeValue | None, str]:
    """A typed value for ``attribute`` from what was entered: (value, error sentence).
    An empty entry is (None, ""): not filled in."""
    if attribute.type == "bool":
        if isinstance(raw, bool):
            return raw, ""
        text = str(raw or "").strip().lower()
        if text in ("", "none"):
            return None, ""
        if text in ("true", "yes", "是", "1", "y"):
            return True, ""
        if text in ("false", "no", "否", "0", "n"):
            return False, ""
        return None, _("{name} is yes or no.").format(name=attribute.name)
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None, ""
    if attribute.type == "choice":
        if text in attribute.choices:
            return text, ""
        return None, _("{name} is one of: {choices}.").format(
            name=attribute.name, choices="、".join(attribute.choices)
        )
    import unicodedata

    normal = unicodedata.normalize("NFKC", text).replace(",", "")
    try:
        number = float(normal)
    except ValueError:
        return None, _("{name} must be a number (digits only), not “{text}”.").format(
            name=attribute.name, text=text[:20]
        )
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        return None, _("{name} must be a number of zero or more.").format(name=attribute.name)
    return (int(number) if number.is_integer() else number), ""
