"""Working days: deadlines in 行政许可法 terms (art. 82), with 调休 make-up days.

Which calendar decides a year, in order:
1. a holiday table for that year distributed by the central server (or imported by
   IT), the authority once published;
2. the ``chinesecalendar`` package, which knows the official calendar up to the
   year of its release (2026 for 1.11) and raises for later years;
3. weekends only, flagged: every result computed this way says so, and the UI
   shows it, because a deadline may fall on a public holiday nobody told us about.

Counting follows the law: the day a period starts is not counted, so a deadline of
N working days from day D is the N-th working day after D.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import peewee

from core.db import BaseModel
from core.i18n import _


class HolidayDay(BaseModel):
    """A day whose status differs from the weekday rule, from the official table."""

    day = peewee.DateField(primary_key=True)
    is_workday = peewee.BooleanField()  # True: a make-up working weekend (调休)
    name = peewee.CharField(default="")
    source = peewee.CharField(default="server")


class HolidayYear(BaseModel):
    """Marks a year whose official table we hold (a year can have no rows of its own)."""

    year = peewee.IntegerField(primary_key=True)
    source = peewee.CharField(default="server")
    published = peewee.CharField(default="")


class Basis(StrEnum):
    TABLE = "table"
    PACKAGE = "chinesecalendar"
    WEEKENDS_ONLY = "weekends-only"

    @property
    def label(self) -> str:
        return {
            Basis.TABLE: _("official holiday table"),
            Basis.PACKAGE: _("official calendar"),
            Basis.WEEKENDS_ONLY: _("weekends only: no holiday table for this year"),
        }[self]


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    working_days: int
    fallback_years: tuple[int, ...]  # years counted on weekends only

    @property
    def is_estimate(self) -> bool:
        return bool(self.fallback_years)


class WorkingCalendar:
    """Answers "is this a working day" from the best source for each year."""

    def __init__(self, *, use_table: bool = True) -> None:
        self._use_table = use_table
        self._years: dict[int, tuple[Basis, dict[dt.date, bool]]] = {}

    def invalidate(self) -> None:
        """Forget cached years (after the server sent a new holiday table)."""
        self._years.clear()

    def _year(self, year: int) -> tuple[Basis, dict[dt.date, bool]]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        result = self._load_year(year)
        self._years[year] = result
        return result

    def _load_year(self, year: int) -> tuple[Basis, dict[dt.date, bool]]:
        if self._use_table and HolidayYear.get_or_none(HolidayYear.year == year) is not None:
            rows = HolidayDay.select().where(
                (HolidayDay.day >= dt.date(year, 1, 1)) & (HolidayDay.day <= dt.date(year, 12, 31))
            )
            return Basis.TABLE, {row.day: row.is_workday for row in rows}
        try:
            import chinese_calendar  # ~15 ms; only when a deadline is first computed

            chinese_calendar.is_workday(dt.date(year, 1, 1))
        except NotImplementedError:
            return Basis.WEEKENDS_ONLY, {}
        exceptions: dict[dt.date, bool] = {}
        day = dt.date(year, 1, 1)
        while day.year == year:
            official = chinese_calendar.is_workday(day)
            if official != (day.weekday() < 5):
                exceptions[day] = official
            day += dt.timedelta(days=1)
        return Basis.PACKAGE, exceptions

    def basis(self, year: int) -> Basis:
        return self._year(year)[0]

    def is_workday(self, day: dt.date) -> bool:
        _basis, exceptions = self._year(day.year)
        if day in exceptions:
            return exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> Deadline:
        """The N-th working day after ``start`` (the start day itself is not counted)."""
        if days < 0:
            raise ValueError("days must be zero or more")
        fallback: set[int] = set()
        current = start
        counted = 0
        while counted < days:
            current += dt.timedelta(days=1)
            if self.basis(current.year) is Basis.WEEKENDS_ONLY:
                fallback.add(current.year)
            if self.is_workday(current):
                counted += 1
        return Deadline(current, days, tuple(sorted(fallback)))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


def import_holiday_table(
    year: int, days: list[tuple[dt.date, bool, str]], source: str = "server"
) -> int:
    """Replace one year's table; the caller holds the transaction."""
    for day, _is_workday, _name in days:
        if day.year != year:
            raise ValueError(f"{day} is not in {year}")
    HolidayDay.delete().where(
        (HolidayDay.day >= dt.date(year, 1, 1)) & (HolidayDay.day <= dt.date(year, 12, 31))
    ).execute()
    for day, is_workday, name in days:
        HolidayDay.create(day=day, is_workday=is_workday, name=name, source=source)
    HolidayYear.insert(year=year, source=source).on_conflict_replace().execute()
    return len(days)
