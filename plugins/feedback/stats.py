"""Rating statistics (convention of DOMAIN.md "Ratings", *configurable* by site):

- 满意率 = (5 + 4 + 3) / all ratings
- 差评率 = (2 + 1) / all ratings
- 回访率 = real-name bad reviews called back / real-name bad reviews
- 整改率 = real-name bad reviews handled (已整改, 已反馈, 已复核 or 解释说明) / real-name bad reviews
- 主动评价率 = active ratings / cases, where every case gets exactly one rating that
  is either active or default (a case nobody rated counts as 默认 基本满意), so the
  cases are the active plus the default ratings; follow-ups (追评) are not cases.

"Default ratings left out" removes them from all / 满意率 / 差评率, never from the
cases behind 主动评价率 (that would make it 100% by construction).

One ``GROUP BY`` over the ratings for the counts (covered by the index on window,
month, level, kind, real_name: bench/ratings.py), one over the real-name bad
reviews joined to their cases' latest state (a window function) for the handled
counts; the two are merged in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.db import database

DIMENSIONS: dict[str, str] = {
    "site": "r.unit_site",
    "window": "r.window_no",
    "staff": "r.staff_no",
    "item": "r.item_code",
    "department": "r.department",
    "day": "r.rated_on",
    "month": "r.rating_month",
    "year": "substr(r.rating_month, 1, 4)",
}
PERIODS = ("day", "month", "year")


@dataclass(frozen=True)
class StatRow:
    key: tuple[str, ...]
    total: int = 0
    satisfied: int = 0
    bad: int = 0
    active: int = 0
    cases: int = 0
    real_name_bad: int = 0
    called_back: int = 0
    handled: int = 0

    @staticmethod
    def _rate(numerator: int, denominator: int) -> float | None:
        return numerator / denominator if denominator else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.total)

    @property
    def bad_rate(self) -> float | None:
        return self._rate(self.bad, self.total)

    @property
    def callback_rate(self) -> float | None:
        return self._rate(self.called_back, self.real_name_bad)

    @property
    def rectification_rate(self) -> float | None:
        return self._rate(self.handled, self.real_name_bad)

    @property
    def active_rate(self) -> float | None:
        return self._rate(self.active, self.cases)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


def _where(
    date_from: dt.date | None, date_to: dt.date | None, site: str | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if date_from is not None:
        clauses.append("r.rated_on >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        clauses.append("r.rated_on <= ?")
        params.append(date_to.isoformat())
    if site:
        clauses.append("r.unit_site = ?")
        params.append(site)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def breakdown(
    group_by: tuple[str, ...] = ("month",),
    *,
    include_default: bool = True,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    site: str | None = None,
    db: Any = None,
) -> list[StatRow]:
    """Statistics grouped by ``group_by`` (names from DIMENSIONS), sorted by key."""
    for name in group_by:
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}")
    db = db or database
    columns = [DIMENSIONS[name] for name in group_by]
    select_keys = ", ".join(columns) + ", " if columns else ""
    group = (" GROUP BY " + ", ".join(columns)) if columns else ""
    where, params = _where(date_from, date_to, site)
    counted = f"(r.kind != 'default' OR {1 if include_default else 0})"
    sql = (
        f"SELECT {select_keys}"
        f"sum({counted}), sum({counted} AND r.level >= 3), sum({counted} AND r.level <= 2), "
        "sum(r.kind = 'active'), sum(r.kind != 'follow_up'), "
        f"sum({counted} AND r.real_name AND r.level <= 2) "
        f"FROM rating r{where}{group}"
    )
    rows: dict[tuple[str, ...], dict[str, int]] = {}
    for record in db.execute_sql(sql, params).fetchall():
        key = tuple(str(v) for v in record[: len(columns)])
        total, satisfied, bad, active, cases, rn_bad = (int(v or 0) for v in record[len(columns) :])
        if total == 0 and cases == 0:
            continue
        rows[key] = {
            "total": total,
            "satisfied": satisfied,
            "bad": bad,
            "active": active,
            "cases": cases,
            "real_name_bad": rn_bad,
        }
    handled_sql = (
        f"SELECT {select_keys}"
        "sum(s.to_state != 'pending_callback'), "
        "sum(s.to_state IN ('rectified', 'fed_back', 'reviewed', 'explained')) "
        "FROM rating r JOIN rectification_case c ON c.source = 'rating' AND c.source_id = r.id "
        "JOIN (SELECT case_id, to_state, row_number() OVER "
        "(PARTITION BY case_id ORDER BY created_at DESC, id DESC) AS n FROM rectification_event) s "
        "ON s.case_id = c.id AND s.n = 1"
        f"{where}{' AND' if where else ' WHERE'} r.real_name AND r.level <= 2"
        f"{group}"
    )
    for record in db.execute_sql(handled_sql, params).fetchall():
        key = tuple(str(v) for v in record[: len(columns)])
        if key in rows:
            rows[key]["called_back"] = int(record[len(columns)] or 0)
            rows[key]["handled"] = int(record[len(columns) + 1] or 0)
    return [StatRow(key, **values) for key, values in sorted(rows.items())]


def total(**kwargs: Any) -> StatRow:
    rows = breakdown((), **kwargs)
    return rows[0] if rows else StatRow(())


def bars(values: list[tuple[str, float | None]], width: int = 30) -> list[str]:
    """A horizontal bar chart in text: one line per label, bar scaled to 0–100%."""
    lines = []
    for label, rate in values:
        if rate is None:
            lines.append(f"{label}  {'':<{width}}  —")
            continue
        filled = rate * width
        full = int(filled)
        partial = " ▏▎▍▌▋▊▉"[int((filled - full) * 8)] if full < width else ""
        bar = ("█" * full + partial).ljust(width)
        lines.append(f"{label}  {bar}  {percent(rate)}")
    return lines
