from __future__ import annotations

import datetime as dt

from core.db import atomic
from core.runtime import Runtime
from core.workdays import Basis, WorkingCalendar, import_holiday_table


def test_national_day_and_make_up_days(runtime: Runtime) -> None:
    calendar = WorkingCalendar()
    assert calendar.basis(2026) is Basis.PACKAGE
    assert not calendar.is_workday(dt.date(2026, 10, 1))
    assert calendar.is_workday(dt.date(2026, 9, 30))
    assert calendar.is_workday(dt.date(2026, 10, 10))  # a Saturday worked (调休)
    # 2026-09-30 + 3 working days: Oct 1-7 are off; Oct 8, 9 and Saturday Oct 10.
    deadline = calendar.add_working_days(dt.date(2026, 9, 30), 3)
    assert not deadline.is_estimate
    assert deadline.due == dt.date(2026, 10, 10)


def test_start_day_is_not_counted_and_weekends_skip() -> None:
    calendar = WorkingCalendar(use_table=False)
    friday = dt.date(2026, 11, 27)
    assert calendar.add_working_days(friday, 1).due == dt.date(2026, 11, 30)
    assert calendar.add_working_days(friday, 0).due == friday
    assert calendar.working_days_between(friday, dt.date(2026, 12, 4)) == 5


def test_unknown_year_falls_back_visibly() -> None:
    calendar = WorkingCalendar(use_table=False)
    assert calendar.basis(2027) is Basis.WEEKENDS_ONLY
    deadline = calendar.add_working_days(dt.date(2026, 12, 30), 5)
    assert deadline.fallback_years == (2027,)
    assert deadline.is_estimate


def test_distributed_table_wins(runtime: Runtime) -> None:
    with atomic():
        import_holiday_table(
            2027, [(dt.date(2027, 1, 1), False, "元旦"), (dt.date(2027, 2, 7), True, "春节调休")]
        )
    calendar = WorkingCalendar()
    assert calendar.basis(2027) is Basis.TABLE
    assert not calendar.is_workday(dt.date(2027, 1, 1))
    assert calendar.is_workday(dt.date(2027, 2, 7))  # a Sunday worked
    deadline = calendar.add_working_days(dt.date(2026, 12, 31), 1)
    assert deadline.due == dt.date(2027, 1, 4) and not deadline.is_estimate
