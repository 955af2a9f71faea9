"""The pre-approval checklist: the demo rules for a 社会投资 project, and a synthetic
rule graph of 10,000 items with 30,000 dependencies.

    .venv/bin/python bench/checklist.py

- ``checklist_ms``: a 社会投资 project on the demo rules with every attribute that
  brings items (环评 report, 节能审查, 水土保持, 洪评, 人防, 消防, 融资辅导): select
  its items, work out every item's earliest and latest dates in working days on the
  official calendar, the critical path, slack and merged materials
  (``schedule.compute``); median of 200 runs after one warm-up (the warm-up pays
  the calendar's year tables once, as a workstation does on its first checklist of
  the day; reported apart as ``first_ms``).
- ``graph_10k_s``: check the synthetic rules whole (``rules.parse``: types,
  references, cycles), then compute the plan of a project needing every item:
  median of 5 runs. ``parse_10k_s`` and ``compute_10k_s`` split it.

Budgets: checklist ≤ 30 ms, 10k graph ≤ 1 s. Last line: JSON {"checklist_ms",
"graph_10k_s", "first_ms", "parse_10k_s", "compute_10k_s", "items_demo",
"critical_demo"}.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ATTRIBUTES = {
    "land_area": 60000, "floor_area": 30000, "investment": 50000, "energy_use": 1500,
    "industry": "工业", "env_category": "报告书", "new_land": True, "flood_zone": True,
    "civil_air_defence": True, "fire_special": True, "wants_financing": True,
}  # fmt: skip


def main() -> None:
    from core.workdays import WorkingCalendar
    from data.generate_checklist_rules import synthetic_rules
    from plugins.checklist import rules, schedule

    calendar = WorkingCalendar(use_table=False)
    demo = rules.demo_rules()
    start = dt.date(2026, 3, 2)
    began = time.perf_counter()
    plan = schedule.compute(demo, "social", ATTRIBUTES, start, calendar)
    first_ms = (time.perf_counter() - began) * 1000
    times = []
    for _ in range(200):
        began = time.perf_counter()
        plan = schedule.compute(demo, "social", ATTRIBUTES, start, calendar)
        times.append((time.perf_counter() - began) * 1000)
    checklist_ms = statistics.median(times)

    data = synthetic_rules(10_000, 30_000, seed=1)
    deps = sum(len(i["needs"]) for i in data["items"])
    parse_s, compute_s, total_s = [], [], []
    for _ in range(5):
        big_calendar = WorkingCalendar(use_table=False)  # fresh: the years are paid each run
        began = time.perf_counter()
        parsed = rules.parse(data)
        parsed_at = time.perf_counter()
        big = schedule.compute(parsed, "social", {}, start, big_calendar)
        done = time.perf_counter()
        parse_s.append(parsed_at - began)
        compute_s.append(done - parsed_at)
        total_s.append(done - began)
    result = {
        "checklist_ms": round(checklist_ms, 3),
        "graph_10k_s": round(statistics.median(total_s), 3),
        "first_ms": round(first_ms, 2),
        "parse_10k_s": round(statistics.median(parse_s), 3),
        "compute_10k_s": round(statistics.median(compute_s), 3),
        "items_demo": len(plan.items),
        "critical_demo": len(plan.critical_path),
        "items_10k": len(big.items),
        "deps_10k": deps,
        "completion_10k": big.completion.isoformat(),
    }
    print(f"demo 社会投资: {len(plan.items)} items, completion {plan.completion}, "
          f"critical path {len(plan.critical_path)} items")  # fmt: skip
    print(f"synthetic: {len(big.items)} items, {deps} dependencies, {big.total_days} working days")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
