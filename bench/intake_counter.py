"""The counter's intake: taking cases, their receipts, the case list, and the
server's default-rating pass (the batch import and batch issue are bench/intake.py).

    .venv/bin/python bench/intake_counter.py [--cases 2000] [--receipts 40] [--delivered 20000] [--pg]

- take: ``service.take`` of the demo food licence, one case per transaction as at the
  counter (checks, number, promised date, materials, first step, audit entries,
  outbox rows, usage count; fsync each: synchronous=FULL), p50 and p95;
- advance: one step (审查) per transaction, p95;
- receipt: the 受理回执 rendered in memory after the first (fonts registered), p95;
- list: the case list of the site over every case taken;
- default ratings: ``--delivered`` delivered cases on a fresh server database
  (SQLite, or PostgreSQL with ``--pg``), a quarter of them rated; one pass of the
  job, then a second pass that must make nothing.

Last line: JSON {"take_p50_ms", "take_p95_ms", "advance_p95_ms", "receipt_p95_s",
"list_ms", "defaults_made", "defaults_s", "second_pass_made", "rss_mb"}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def counter(cases: int, receipts: int, tmp: Path) -> dict[str, float]:
    from core.catalog import store
    from plugins.intake import documents, service
    from plugins.intake.service import CaseState
    from tests.conftest import make_runtime
    from tests.plugins.intake.helpers import FOOD, PERSON, marks

    runtime = make_runtime(tmp / "ws", plugins=["lookup", "intake"])
    runtime.apply_policy()
    runtime.startup()
    item = store.get_item(FOOD)
    assert item is not None
    today = dt.date(2026, 9, 28)
    counter_ = service.Counter(runtime.config.site_code, "1001", "A01")
    draft = service.IntakeDraft(FOOD, PERSON, ("S2",), marks(item, ("S2",)))
    took: list[float] = []
    made = []
    for _n in range(cases):
        started = time.perf_counter()
        made.append(service.take(draft, item, counter_, runtime.calendar, today=today))
        took.append(time.perf_counter() - started)
    moved: list[float] = []
    for case in made[: min(500, len(made))]:
        started = time.perf_counter()
        service.advance(case.id, CaseState.REVIEWING, actor="1001",
                        site_code=counter_.site_code, today=today)  # fmt: skip
        moved.append(time.perf_counter() - started)
    documents.receipt(runtime, made[0])  # fonts and reportlab: once per process
    rendered: list[float] = []
    for case in made[1 : receipts + 1]:
        started = time.perf_counter()
        documents.receipt(runtime, case)
        rendered.append(time.perf_counter() - started)
    started = time.perf_counter()
    listed = service.list_cases(counter_.site_code, today=today, limit=cases)
    list_s = time.perf_counter() - started
    assert len(listed) == cases
    runtime.shutdown()
    return {
        "take_p50_ms": round(statistics.median(took) * 1000, 2),
        "take_p95_ms": round(_p(took, 0.95) * 1000, 2),
        "advance_p95_ms": round(_p(moved, 0.95) * 1000, 2),
        "receipt_p95_s": round(_p(rendered, 0.95), 3) if rendered else 0.0,
        "list_ms": round(list_s * 1000, 1),
    }


def default_ratings(delivered: int, url: str) -> dict[str, float]:
    from plugins.intake.server import RatedCase, ServerCase, make_default_ratings
    from server import admin, db
    from server.app import migrate_database
    from server.jobs import JobContext
    from server.plugins import load_host

    db.bind(db.make_database(url))
    host = load_host()
    migrate_database(host)
    site = admin.seed_demo()
    day = dt.date.today() - dt.timedelta(days=30)
    rows = [
        {
            "case_id": f"bench-{n:07d}", "case_no": f"{site}-{day:%Y%m%d}-BNCH-{n:05d}",
            "site": site, "workstation": "bench", "item_code": "370303-SCJG-XK-001-01",
            "item_name": "食品经营许可（新设）", "outcome": "accepted", "taken_on": day,
            "month": day.strftime("%Y-%m"), "state": "delivered", "step": 3,
            "delivered_on": day + dt.timedelta(days=3), "window_no": "A01", "staff_no": "1001",
        }
        for n in range(delivered)
    ]  # fmt: skip
    with db.transaction():
        for start in range(0, len(rows), 500):
            ServerCase.insert_many(rows[start : start + 500]).execute()
        rated = [{"case_no": r["case_no"]} for r in rows[::4]]
        for start in range(0, len(rated), 500):
            RatedCase.insert_many(rated[start : start + 500]).execute()
    started = time.perf_counter()
    with db.request_connection():
        made = make_default_ratings(JobContext("intake.default_ratings"), host)
    seconds = time.perf_counter() - started
    with db.request_connection():
        again = make_default_ratings(JobContext("intake.default_ratings"), host)
    return {"defaults_made": made, "defaults_s": round(seconds, 2), "second_pass_made": again}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--receipts", type=int, default=40)
    parser.add_argument("--delivered", type=int, default=20000)
    parser.add_argument("--pg", action="store_true", help="the server's pass on PostgreSQL")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        figures.update(counter(args.cases, args.receipts, Path(tmp)))
        if args.pg:
            from server.testing import postgres_database

            with postgres_database("sihao_bench_intake") as url:
                figures.update(default_ratings(args.delivered, url))
        else:
            figures.update(default_ratings(args.delivered, f"sqlite:///{tmp}/server.db"))
    figures["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
