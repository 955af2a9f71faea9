"""Projects in the store: open one, change it, mark items, hold the joint consultation.

Free of Textual. Each change is one transaction holding the row(s), the audit entry
and the outbox record (``checklist.project``, ``checklist.event``), so what the
steward saw saved is what reaches the server. The plan (``schedule.compute``) is
never stored: it is worked out from the rules, the project's current attributes and
start, and the real dates of its events whenever it is shown or printed (well under
a millisecond for a real project).

Checking a project as typed (``check``) returns every problem as a sentence for the
steward and keeps nothing back: the form keeps what was typed (a draft), so a wrong
attribute or a bad credit code costs one correction, never the whole form.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core import audit, outbox
from core.db import atomic
from core.i18n import _
from core.identifiers import check_uscc
from core.models import utcnow
from core.outbox import RecordRejected
from core.workdays import WorkingCalendar
from plugins.checklist import rules as rules_mod
from plugins.checklist.models import Project, ProjectEvent, RulesSet
from plugins.checklist.rules import AttributeValue, Rules, RulesRefused
from plugins.checklist.schedule import Actual, Plan, Status, compute

log = logging.getLogger(__name__)

PROJECT_KIND = "checklist.project"
EVENT_KIND = "checklist.event"
# The project row caches the current attributes and start: each change is vouched for
# anew, so the audit check (sihao audit verify) knows the row was changed on purpose.
PROJECT_CHANGED = "checklist.project_changed"


class EventKind(StrEnum):
    ATTRIBUTES = "attributes"  # the attributes changed (all current values)
    START = "start"  # the planned start changed
    DONE = "done"  # an item done, with its real date
    LATE = "late"  # an item late, with the day now expected
    STAGE_DONE = "stage_done"  # every item of a stage done (the last one's day)
    ISSUE = "issue"  # 集中会诊: a difficulty, who resolves it, by when
    OUTCOME = "outcome"  # … and what came of it


class ProjectError(ValueError):
    """A change refused; str() is one sentence for the steward."""


# -- rules ---------------------------------------------------------------------------
def current_rules() -> Rules:
    """The newest rules imported at this site, else the shipped demo rules."""
    row = RulesSet.select().order_by(RulesSet.imported_at.desc()).first()
    if row is not None:
        try:
            return rules_mod.parse(json.loads(row.data))
        except (ValueError, RulesRefused):  # checked on import: a damaged row only
            log.exception(
                "imported checklist rules %s unusable; using the shipped ones", row.version
            )
    return rules_mod.demo_rules()


def import_rules(data: Any) -> Rules:
    """Check rules whole (``RulesRefused``) and keep them as this site's rules."""
    parsed = rules_mod.parse(data)
    with atomic():
        RulesSet.create(version=parsed.version, data=json.dumps(data, ensure_ascii=False))
        audit.record("checklist.rules_imported", detail={"version": parsed.version})
    return parsed


# -- a project as typed ----------------------------------------------------------------
@dataclass
class ProjectForm:
    """What the steward typed: every value as entered, nothing converted yet."""

    name: str = ""
    enterprise: str = ""
    credit_code: str = ""
    project_type: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)  # code -> text or bool
    planned_start: str = ""
    assigned_site: str = ""


@dataclass
class Checked:
    """A form read against the rules: typed values, and the problems found."""

    name: str
    enterprise: str
    credit_code: str
    project_type: str
    attributes: dict[str, AttributeValue]
    planned_start: dt.date | None
    assigned_site: str
    problems: list[str]
    notes: list[str]  # not problems: a holiday start moved, say

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_day(text: str) -> dt.date | None:
    import unicodedata

    raw = unicodedata.normalize("NFKC", text or "").strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        parts = raw.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
        return None


def read_attributes(
    rules: Rules, raw: dict[str, Any]
) -> tuple[dict[str, AttributeValue], list[str]]:
    values: dict[str, AttributeValue] = {}
    problems: list[str] = []
    for code, attribute in rules.attributes.items():
        value, error = rules_mod.read_attribute(attribute, raw.get(code))
        if error:
            problems.append(error)
        elif value is not None:
            values[code] = value
    return values, problems


def start_note(calendar: WorkingCalendar, day: dt.date) -> str:
    """The sentence saying a start on a day off moves to the next working day, or ""."""
    if calendar.is_workday(day):
        return ""
    moved = day
    while not calendar.is_workday(moved):
        moved += dt.timedelta(days=1)
    return _("{day} is not a working day: the plan starts on the next one, {moved}.").format(
        day=day.isoformat(), moved=moved.isoformat()
    )


def check(form: ProjectForm, rules: Rules, calendar: WorkingCalendar) -> Checked:
    problems: list[str] = []
    notes: list[str] = []
    name = form.name.strip()
    if not name:
        problems.append(_("Give the project a name."))
    enterprise = form.enterprise.strip()
    if not enterprise:
        problems.append(_("Name the enterprise."))
    code = check_uscc(form.credit_code)
    if not form.credit_code.strip():
        problems.append(_("Type the enterprise's unified social credit code."))
    elif not code.ok:
        problems.append(code.error)
    if form.project_type not in rules.types:
        problems.append(_("Choose the project type."))
    attributes, attribute_problems = read_attributes(rules, form.attributes)
    problems.extend(attribute_problems)
    start = parse_day(form.planned_start)
    if start is None:
        problems.append(_("The planned start is a date written like 2026-10-08."))
    else:
        note = start_note(calendar, start)
        if note:
            notes.append(note)
    return Checked(
        name=name,
        enterprise=enterprise,
        credit_code=code.value,
        project_type=form.project_type,
        attributes=attributes,
        planned_start=start,
        assigned_site=form.assigned_site.strip(),
        problems=problems,
        notes=notes,
    )


def preview(checked: Checked, rules: Rules, calendar: WorkingCalendar) -> Plan | None:
    """The plan of a form as typed so far: items from the valid attributes (a wrong
    one counts as not filled in), dates once the type and start are known."""
    if checked.project_type not in rules.types or checked.planned_start is None:
        return None
    return compute(rules, checked.project_type, checked.attributes, checked.planned_start, calendar)


# -- saving ----------------------------------------------------------------------------
def _project_payload(project: Project, rules: Rules) -> dict[str, Any]:
    promised = (
        rules.types[project.project_type].promised if project.project_type in rules.types else {}
    )
    return {
        "id": project.id,
        "name": project.name,
        "enterprise": project.enterprise,
        "credit_code": project.credit_code,
        "project_type": project.project_type,
        "attributes": json.loads(project.attributes),
        "planned_start": project.planned_start.isoformat(),
        "site_code": project.site_code,
        "assigned_site": project.assigned_site,
        "steward": project.steward,
        "rules_version": project.rules_version,
        "promised": {str(k): v for k, v in sorted(promised.items())},
        "created_at": project.created_at.isoformat(),
    }


def _event_payload(event: ProjectEvent, project: Project) -> dict[str, Any]:
    data = json.loads(event.data)
    return {
        "id": event.id,
        "project_id": event.project_id,
        "kind": event.kind,
        "item_code": event.item_code,
        "day": event.day.isoformat() if event.day else "",
        "attributes": data.get("attributes"),
        "stage": int(data.get("stage", 0)),
        "issue_id": str(data.get("issue_id", "")),
        "difficulty": str(data.get("difficulty", "")),
        "department": str(data.get("department", "")),
        "outcome": str(data.get("outcome", "")),
        "actor": event.actor,
        "site_code": event.site_code,
        "project_site": project.site_code,
        "assigned_site": project.assigned_site,
        "created_at": event.created_at.isoformat(),
    }


def create_project(
    checked: Checked, rules: Rules, *, actor: str, site_code: str, role: str
) -> Project:
    """Save a checked project; only a project steward opens one (the screen is theirs
    too, and the service refuses anyone else as well)."""
    if role != "steward":
        raise ProjectError(_("Only a project steward opens a project."))
    if not checked.ok or checked.planned_start is None:
        raise ProjectError(
            checked.problems[0] if checked.problems else _("The project is not complete.")
        )
    with atomic():
        project = Project.create(
            name=checked.name[:200],
            enterprise=checked.enterprise[:200],
            credit_code=checked.credit_code,
            project_type=checked.project_type,
            attributes=json.dumps(checked.attributes, ensure_ascii=False, sort_keys=True),
            planned_start=checked.planned_start,
            site_code=site_code,
            assigned_site=checked.assigned_site or site_code,
            steward=actor,
            rules_version=rules.version,
        )
        audit.record(PROJECT_KIND, actor=actor, row=project)
        outbox.enqueue(PROJECT_KIND, project.id, _project_payload(project, rules))
    return project


def _event(
    project: Project,
    kind: EventKind,
    *,
    actor: str,
    site_code: str,
    item_code: str = "",
    day: dt.date | None = None,
    data: dict[str, Any] | None = None,
) -> ProjectEvent:
    """Write one event with its audit entry and outbox record; the caller holds the
    transaction."""
    event = ProjectEvent.create(
        project_id=project.id,
        kind=kind.value,
        item_code=item_code,
        day=day,
        data=json.dumps(data or {}, ensure_ascii=False, sort_keys=True),
        actor=actor,
        site_code=site_code,
    )
    audit.record(EVENT_KIND, actor=actor, row=event)
    outbox.enqueue(EVENT_KIND, event.id, _event_payload(event, project))
    return event


def change_attributes(
    project: Project, attributes: dict[str, AttributeValue], *, actor: str, site_code: str
) -> None:
    text = json.dumps(attributes, ensure_ascii=False, sort_keys=True)
    if text == project.attributes:
        return
    with atomic():
        project.attributes = text
        project.save()
        audit.record(PROJECT_CHANGED, actor=actor, row=project)  # the row's new digest
        _event(project, EventKind.ATTRIBUTES, actor=actor, site_code=site_code,
               data={"attributes": attributes})  # fmt: skip


def change_start(project: Project, day: dt.date, *, actor: str, site_code: str) -> None:
    if day == project.planned_start:
        return
    with atomic():
        project.planned_start = day
        project.save()
        audit.record(PROJECT_CHANGED, actor=actor, row=project)
        _event(project, EventKind.START, actor=actor, site_code=site_code, day=day)


def mark_item(
    project: Project,
    item_code: str,
    status: Status,
    day: dt.date,
    rules: Rules,
    calendar: WorkingCalendar,
    *,
    actor: str,
    site_code: str,
    today: dt.date | None = None,
) -> Plan:
    """Record an item done (on ``day``) or late (expected on ``day``); returns the new
    plan. A stage whose last item this completes gets its ``stage_done`` event too."""
    today = today or dt.date.today()
    plan = plan_for(project, rules, calendar)
    item = plan.item(item_code)
    if item is None:
        raise ProjectError(_("This project has no item {code}.").format(code=item_code))
    if status is Status.DONE and day > today:
        raise ProjectError(
            _("An item cannot be done on a day still to come ({day}).").format(day=day)
        )
    if status is Status.LATE and day < today:
        raise ProjectError(_("The expected day of a late item is today or later."))
    kind = EventKind.DONE if status is Status.DONE else EventKind.LATE
    with atomic():
        _event(project, kind, actor=actor, site_code=site_code, item_code=item_code, day=day)
        after = plan_for(project, rules, calendar)
        if status is Status.DONE:
            stage_items = [i for i in after.items if i.stage == item.stage]
            if all(i.status is Status.DONE for i in stage_items) and not _stage_done(
                project.id, item.stage
            ):
                last = max(i.finish for i in stage_items)
                _event(project, EventKind.STAGE_DONE, actor=actor, site_code=site_code,
                       day=last, data={"stage": item.stage})  # fmt: skip
    return after


def _stage_done(project_id: str, stage: int) -> bool:
    for event in ProjectEvent.select().where(
        (ProjectEvent.project_id == project_id) & (ProjectEvent.kind == EventKind.STAGE_DONE.value)
    ):
        if json.loads(event.data).get("stage") == stage:
            return True
    return False


@dataclass(frozen=True)
class Issue:
    """A difficulty found at the joint consultation (集中会诊)."""

    id: str
    difficulty: str
    department: str
    due: dt.date | None
    outcome: str
    raised_on: dt.date

    @property
    def open(self) -> bool:
        return not self.outcome


def open_issue(
    project: Project, difficulty: str, department: str, due: dt.date | None,
    *, actor: str, site_code: str,
) -> ProjectEvent:  # fmt: skip
    difficulty, department = difficulty.strip(), department.strip()
    if not difficulty:
        raise ProjectError(_("Write down the difficulty."))
    if not department:
        raise ProjectError(_("Name the department that resolves it."))
    with atomic():
        return _event(project, EventKind.ISSUE, actor=actor, site_code=site_code, day=due,
                      data={"difficulty": difficulty[:500], "department": department[:100]})  # fmt: skip


def close_issue(
    project: Project, issue_id: str, outcome: str, *, actor: str, site_code: str
) -> None:
    outcome = outcome.strip()
    if not outcome:
        raise ProjectError(_("Write down the outcome."))
    if not any(i.id == issue_id for i in issues(project.id)):
        raise ProjectError(_("This project has no such difficulty."))
    with atomic():
        _event(project, EventKind.OUTCOME, actor=actor, site_code=site_code,
               data={"issue_id": issue_id, "outcome": outcome[:500]})  # fmt: skip


def issues(project_id: str) -> list[Issue]:
    found: dict[str, Issue] = {}
    events = ProjectEvent.select().where(ProjectEvent.project_id == project_id)
    for event in events.order_by(ProjectEvent.created_at, ProjectEvent.id):
        data = json.loads(event.data)
        if event.kind == EventKind.ISSUE.value:
            found[event.id] = Issue(
                event.id, str(data.get("difficulty", "")), str(data.get("department", "")),
                event.day, "", event.created_at.date(),
            )  # fmt: skip
        elif event.kind == EventKind.OUTCOME.value and data.get("issue_id") in found:
            old = found[data["issue_id"]]
            found[old.id] = Issue(old.id, old.difficulty, old.department, old.due,
                                  str(data.get("outcome", "")), old.raised_on)  # fmt: skip
    return list(found.values())


def actuals(project_id: str) -> dict[str, Actual]:
    """The latest real date of each item (done beats late)."""
    found: dict[str, Actual] = {}
    query = ProjectEvent.select().where(
        (ProjectEvent.project_id == project_id)
        & (ProjectEvent.kind << [EventKind.DONE.value, EventKind.LATE.value])
    )
    for event in query.order_by(ProjectEvent.created_at, ProjectEvent.id):
        if event.day is None:
            continue
        status = Status.DONE if event.kind == EventKind.DONE.value else Status.LATE
        if (
            found.get(event.item_code, Actual(Status.LATE, event.day)).status is Status.DONE
            and status is Status.LATE
        ):
            continue
        found[event.item_code] = Actual(status, event.day)
    return found


def attributes_of(project: Project) -> dict[str, AttributeValue]:
    try:
        value = json.loads(project.attributes)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def plan_for(project: Project, rules: Rules, calendar: WorkingCalendar) -> Plan:
    return compute(
        rules, project.project_type, attributes_of(project), project.planned_start, calendar,
        actuals(project.id),
    )  # fmt: skip


def projects_here(site_code: str) -> list[Project]:
    """Projects opened here or assigned to this site, newest first."""
    return list(
        Project.select()
        .where((Project.site_code == site_code) | (Project.assigned_site == site_code))
        .order_by(Project.created_at.desc())
    )


def overdue_items(site_code: str, rules: Rules, calendar: WorkingCalendar, today: dt.date) -> int:
    return sum(len(plan_for(p, rules, calendar).overdue(today)) for p in projects_here(site_code))


# -- pulled from the server ----------------------------------------------------------
def _text(data: dict[str, Any], name: str, *, required: bool = False, limit: int = 200) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value):
        raise RecordRejected(f"{name} is not a text of at most {limit} characters")
    return value


def _day(data: dict[str, Any], name: str, *, required: bool = True) -> dt.date | None:
    value = data.get(name)
    if not value and not required:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise RecordRejected(f"{name} is not a date") from exc


def _moment(data: dict[str, Any]) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(data.get("created_at")))
    except ValueError:
        return utcnow()


def apply_remote_project(data: dict[str, Any]) -> None:
    """A project opened at another workstation of this site, or assigned here."""
    project_id = _text(data, "id", required=True, limit=64)
    if Project.get_or_none(Project.id == project_id) is not None:
        return
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        raise RecordRejected("attributes is not an object")
    start = _day(data, "planned_start")
    Project.insert(
        id=project_id,
        name=_text(data, "name", required=True),
        enterprise=_text(data, "enterprise", required=True),
        credit_code=_text(data, "credit_code", limit=18),
        project_type=_text(data, "project_type", required=True, limit=64),
        attributes=json.dumps(attributes, ensure_ascii=False, sort_keys=True),
        planned_start=start,
        site_code=_text(data, "site_code", required=True, limit=64),
        assigned_site=_text(data, "assigned_site", required=True, limit=64),
        steward=_text(data, "steward", limit=64),
        rules_version=_text(data, "rules_version", limit=64),
        created_at=_moment(data),
    ).on_conflict_ignore().execute()


def apply_remote_event(data: dict[str, Any]) -> None:
    """An event of a project held here, from another workstation. Checked whole before
    anything is written: a bad one raises ``RecordRejected`` and is parked."""
    event_id = _text(data, "id", required=True, limit=64)
    if ProjectEvent.get_or_none(ProjectEvent.id == event_id) is not None:
        return
    project = Project.get_or_none(Project.id == _text(data, "project_id", required=True, limit=64))
    if project is None:
        raise RecordRejected("the event's project is not held here")
    try:
        kind = EventKind(str(data.get("kind")))
    except ValueError as exc:
        raise RecordRejected("kind is not a checklist event") from exc
    day = _day(data, "day", required=False)
    item_code = _text(data, "item_code", limit=64)
    actor = _text(data, "actor", limit=64)
    site_code = _text(data, "site_code", limit=64)
    payload: dict[str, Any] = {}
    if kind is EventKind.ATTRIBUTES:
        attributes = data.get("attributes")
        if not isinstance(attributes, dict) or not all(
            isinstance(v, bool | int | float | str) for v in attributes.values()
        ):
            raise RecordRejected("attributes is not an object of plain values")
        payload["attributes"] = attributes
    elif kind in (EventKind.START, EventKind.DONE, EventKind.LATE, EventKind.STAGE_DONE):
        if day is None:
            raise RecordRejected(f"a {kind.value} event needs its day")
        if kind is EventKind.STAGE_DONE:
            stage = data.get("stage")
            if not isinstance(stage, int) or not 1 <= stage <= 4:
                raise RecordRejected("stage_done names a stage 1 to 4")
            payload["stage"] = stage
    elif kind is EventKind.ISSUE:
        payload.update(difficulty=_text(data, "difficulty", limit=500),
                       department=_text(data, "department", limit=100))  # fmt: skip
    elif kind is EventKind.OUTCOME:
        payload.update(issue_id=_text(data, "issue_id", limit=64),
                       outcome=_text(data, "outcome", limit=500))  # fmt: skip
    if kind is EventKind.ATTRIBUTES:
        project.attributes = json.dumps(payload["attributes"], ensure_ascii=False, sort_keys=True)
    elif kind is EventKind.START:
        project.planned_start = day
    if kind in (EventKind.ATTRIBUTES, EventKind.START):
        project.save()
        audit.record(PROJECT_CHANGED, actor=actor, row=project)
    ProjectEvent.insert(
        id=event_id,
        project_id=project.id,
        kind=kind.value,
        item_code=item_code,
        day=day,
        data=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        actor=actor,
        site_code=site_code,
        created_at=_moment(data),
    ).on_conflict_ignore().execute()
