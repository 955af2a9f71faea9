"""The checklist of one project: items by stage, merged materials, dates, critical path.

Free of Textual and of the store: ``compute`` takes the rules, the project's type,
attributes, planned start and the real dates known so far, and a working calendar
(``core.workdays.WorkingCalendar``: weekends, statutory holidays and 调休 make-up days).

Dates in working days. Every date is a working-day offset from the start day (the
planned start, moved to the next working day when it is not one): offset 0 is the
start day, offset k the k-th working day after it, as ``add_working_days`` counts
(the day a period starts is not counted, 行政许可法 art. 82). An item that can start
at offset s with a promise of d working days finishes at s + d; an item that needs
others' results starts when the last of them finishes (the client applies the day
the result arrives). The whole computation is integer arithmetic on offsets (a
critical-path pass forward and backward over a topological order); dates are looked
up once from a list of the working days after the start, so 10,000 items with
30,000 dependencies take well under a second (bench/checklist.py).

Real dates move the forecast: an item marked done on a day finishes at that day's
offset, one marked late with an expected day finishes then, and everything after it
moves. A dependency on an item the project does not need (its conditions do not
hold) is no dependency.

Parallel items (并联: 环评, 节能审查…) are ordinary nodes with the same
predecessors as the main line: they lengthen the critical path only when they take
longer than the main line between the same two points, which the slack shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from core.workdays import Basis, WorkingCalendar
from plugins.checklist.rules import AttributeValue, Item, Rules


class Status(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    LATE = "late"  # expected later than promised: the forecast uses the new day


@dataclass(frozen=True)
class Actual:
    """A real date for an item: done on ``day``, or late and expected on ``day``."""

    status: Status
    day: dt.date


@dataclass
class PlannedItem:
    code: str
    name: str
    stage: int
    department: str
    days: int
    parallel: bool
    needs: tuple[str, ...]  # the needed items this project has
    materials: tuple[str, ...]
    es: int = 0  # earliest start (working-day offset)
    ef: int = 0  # earliest finish
    ls: int = 0  # latest start without delaying completion
    lf: int = 0
    start: dt.date = dt.date.min
    finish: dt.date = dt.date.min
    status: Status = Status.PLANNED

    @property
    def slack(self) -> int:
        return self.ls - self.es

    @property
    def critical(self) -> bool:
        return self.slack == 0

    def overdue(self, today: dt.date) -> bool:
        return self.status is not Status.DONE and self.finish < today


@dataclass(frozen=True)
class Material:
    name: str
    items: tuple[str, ...]  # names of the items that need it, in checklist order


@dataclass
class Plan:
    requested_start: dt.date
    start: dt.date  # the first working day on or after the requested start
    items: list[PlannedItem]
    completion: dt.date
    total_days: int  # working days from start to completion
    critical_path: list[str] = field(default_factory=list)  # item codes, in order
    materials: list[Material] = field(default_factory=list)
    estimate_years: tuple[int, ...] = ()  # counted on weekends only: no official calendar

    @property
    def start_moved(self) -> bool:
        return self.start != self.requested_start

    def by_stage(self) -> dict[int, list[PlannedItem]]:
        stages: dict[int, list[PlannedItem]] = {}
        for item in self.items:
            stages.setdefault(item.stage, []).append(item)
        return dict(sorted(stages.items()))

    def overdue(self, today: dt.date) -> list[PlannedItem]:
        return [i for i in self.items if i.overdue(today)]

    def item(self, code: str) -> PlannedItem | None:
        return next((i for i in self.items if i.code == code), None)

    def stage_span(self, stage: int) -> int:
        """Working days the stage takes in this plan (first start to last finish)."""
        items = [i for i in self.items if i.stage == stage]
        if not items:
            return 0
        return max(i.ef for i in items) - min(i.es for i in items)


class Days:
    """Working days from a start day: offset ↔ date, from one list built on demand."""

    def __init__(self, calendar: WorkingCalendar, requested: dt.date) -> None:
        self.calendar = calendar
        start = requested
        while not calendar.is_workday(start):
            start += dt.timedelta(days=1)
        self.start = start
        self._days = [start]
        self._fallback: set[int] = set()

    def date(self, offset: int) -> dt.date:
        if offset < 0:
            day = self.start
            for _n in range(-offset):
                day -= dt.timedelta(days=1)
                while not self.calendar.is_workday(day):
                    day -= dt.timedelta(days=1)
            return day
        days = self._days
        if offset >= len(days):
            is_workday, basis = self.calendar.is_workday, self.calendar.basis
            day = days[-1]
            year = 0
            while offset >= len(days):
                day += dt.timedelta(days=1)
                if day.year != year:
                    year = day.year
                    if basis(year) is Basis.WEEKENDS_ONLY:
                        self._fallback.add(year)
                if is_workday(day):
                    days.append(day)
        return days[offset]

    def offset(self, day: dt.date) -> int:
        """The offset of ``day`` (a day off counts as the working day before it)."""
        if day >= self.start:
            # Working days after start up to and including day.
            if day <= self._days[-1]:
                import bisect

                return bisect.bisect_right(self._days, day) - 1
            return self.calendar.working_days_between(self.start, day)
        return -self.calendar.working_days_between(day, self.start)

    @property
    def fallback_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._fallback))


def compute(
    rules: Rules,
    project_type: str,
    attributes: dict[str, AttributeValue],
    start: dt.date,
    calendar: WorkingCalendar,
    actuals: dict[str, Actual] | None = None,
) -> Plan:
    """The project's checklist with dates (see the module's docstring)."""
    selected = rules.select(project_type, attributes)
    return schedule(selected, project_type, start, calendar, actuals)


def schedule(
    selected: Sequence[Item],
    project_type: str,
    start: dt.date,
    calendar: WorkingCalendar,
    actuals: dict[str, Actual] | None = None,
) -> Plan:
    actuals = actuals or {}
    days = Days(calendar, start)
    codes = {item.code for item in selected}
    items = [
        PlannedItem(
            code=item.code,
            name=item.name,
            stage=item.stage_for(project_type),
            department=item.department,
            days=item.days_for(project_type),
            parallel=item.parallel,
            needs=tuple(n for n in item.needs if n in codes),
            materials=item.materials,
        )
        for item in selected
    ]
    order = _topological(items)
    index = {item.code: item for item in items}
    successors: dict[str, list[PlannedItem]] = {item.code: [] for item in items}
    for item in items:
        for need in item.needs:
            successors[need].append(item)
    # Forward pass.
    for item in order:
        item.es = max((index[n].ef for n in item.needs), default=0)
        actual = actuals.get(item.code)
        if actual is not None:
            item.status = actual.status
            item.ef = max(
                days.offset(actual.day), item.es if actual.status is Status.LATE else -(10**9)
            )
            if item.status is Status.DONE:
                item.es = min(item.es, item.ef)
        else:
            item.ef = item.es + item.days
    end = max((item.ef for item in items), default=0)
    # Backward pass.
    for item in reversed(order):
        item.lf = min((s.ls for s in successors[item.code]), default=end)
        item.ls = item.lf - (item.ef - item.es)
    for item in items:
        item.start = days.date(item.es)
        item.finish = days.date(item.ef)
    plan = Plan(
        requested_start=start,
        start=days.start,
        items=sorted(items, key=lambda i: (i.stage, i.es, i.ef)),
        completion=days.date(end),
        total_days=end,
        critical_path=_critical_path(order, successors, end),
        materials=merge_materials(items),
        estimate_years=days.fallback_years,
    )
    return plan


def _topological(items: list[PlannedItem]) -> list[PlannedItem]:
    """Kahn's algorithm, keeping the rules' order among items that are free together."""
    index = {item.code: item for item in items}
    waiting = {item.code: len(item.needs) for item in items}
    users: dict[str, list[str]] = {item.code: [] for item in items}
    for item in items:
        for need in item.needs:
            users[need].append(item.code)
    ready = [item.code for item in items if not item.needs]
    order: list[PlannedItem] = []
    head = 0
    while head < len(ready):
        code = ready[head]
        head += 1
        order.append(index[code])
        for user in users[code]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    if len(order) != len(items):  # rules are checked for cycles on import: never here
        raise ValueError("the items' dependencies go round in a circle")
    return order


def _critical_path(
    order: list[PlannedItem], successors: dict[str, list[PlannedItem]], end: int
) -> list[str]:
    """One chain of items without slack from the start to completion."""
    if not order:
        return []
    first = [i for i in order if i.critical and not i.needs]
    if not first:
        first = [i for i in order if i.critical]
    if not first:
        return []
    chain = [min(first, key=lambda i: i.es)]
    while chain[-1].ef < end:
        nxt = [s for s in successors[chain[-1].code] if s.critical and s.es == chain[-1].ef]
        if not nxt:
            break
        chain.append(nxt[0])
    return [i.code for i in chain]


def merge_materials(items: Iterable[PlannedItem]) -> list[Material]:
    """One line per material, naming every item that needs it, first-needed first."""
    # A dict per material as an ordered set: 营业执照 is needed by nearly every item.
    merged: dict[str, dict[str, None]] = {}
    for item in sorted(items, key=lambda i: (i.stage, i.es)):
        for material in item.materials:
            merged.setdefault(material, {})[item.name] = None
    return [Material(name, tuple(names)) for name, names in merged.items()]


def gantt(plan: Plan, width: int, *, label_width: int = 16) -> list[str]:
    """The plan as text bars, one line per item: ``█`` critical, ``▓`` other, ``✓``
    done, ``·`` slack; scaled so the whole project fits ``width`` columns."""
    bar_width = max(10, width - label_width - 1)
    span = max(plan.total_days, 1)
    lo = min((i.es for i in plan.items), default=0)
    span = max(span - min(lo, 0), 1)
    scale = bar_width / span
    lines = []
    for item in plan.items:
        label = _cut(item.name, label_width)
        first = int((item.es - min(lo, 0)) * scale)
        last = max(first + 1, int((item.ef - min(lo, 0)) * scale))
        slack_end = min(bar_width, max(last, int((item.lf - min(lo, 0)) * scale)))
        mark = "✓" if item.status is Status.DONE else "█" if item.critical else "▓"
        bar = " " * first + mark * (last - first) + "·" * (slack_end - last)
        lines.append(f"{label} {bar[:bar_width]}")
    return lines


def _cut(text: str, columns: int) -> str:
    """Pad or cut to ``columns`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    def width(char: str) -> int:
        return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1

    if sum(width(c) for c in text) <= columns:
        out = text
    else:
        out, used = "", 0
        for char in text:
            if used + width(char) > columns - 1:
                break
            out += char
            used += width(char)
        out += "…"
    return out + " " * max(0, columns - sum(width(c) for c in out))
