"""Rating statistics over 1,000,000 ratings, and card-entry throughput by keyboard.

    .venv/bin/python bench/ratings.py [--ratings 1000000] [--cards 40]

1. A fresh workstation store (core and feedback migrations, as the app runs them)
   gets N synthetic ratings written straight with ``executemany`` (40 windows, 120
   staff, 300 items, 18 months, levels skewed to good, 8% default, 3% follow-up,
   30% real name), plus a rectification case and events for every real-name bad
   review, some of them handled; then the rating tally is rebuilt (the workstation
   keeps it rating by rating). Generating is not timed.
2. ``stats.breakdown(("window", "month"))``, the full breakdown the statistics
   screen shows (counts, 满意率, 差评率, 回访率, 整改率, 主动评价率 per window and
   month), is timed cold (first query of a fresh connection) and warm (best of 3);
   the budget (≤ 1 s) is the cold figure. The same breakdown scanning the ratings'
   covering index instead of the tally is timed too (``stats_scan_s``: what a date
   range or a staff/item/department breakdown costs) and must give equal rows.
3. The card-entry screen is driven by Pilot in a headless app: each card is a level
   digit, one or two tag letters and Enter (the sticky fields stay), so keystrokes
   per card and seconds per card are what a clerk's keyboard alone needs, with
   Textual's own processing of every key included.

Last line: JSON {"stats_1m_s", "stats_warm_s", "stats_scan_s", "keys_per_card",
"s_per_card", ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _runtime(data_dir: Path) -> object:
    from core.config import resolve_paths, save_site_config
    from core.demo import seed_demo
    from core.runtime import Runtime

    runtime = Runtime.open(resolve_paths(data_dir))
    runtime.config.site_code = seed_demo()
    runtime.config.mode = "demo"
    runtime.config.enabled_plugins = ["feedback"]
    save_site_config(runtime.paths.site_config, runtime.config)
    runtime.apply_policy()
    return runtime


def _generate(db: sqlite3.Connection, count: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    windows = [f"W{n:02d}" for n in range(40)]
    staff = [f"{5000 + n}" for n in range(120)]
    items = [f"11370300MB{n:08d}" for n in range(300)]
    departments = [f"D{n:02d}" for n in range(19)]
    months = [f"{2025 + (m // 12)}-{m % 12 + 1:02d}" for m in range(18)]
    levels = [5] * 60 + [4] * 20 + [3] * 10 + [2] * 6 + [1] * 4
    channels = ["web", "sms", "device", "card", "kiosk", "qr"]
    columns = (
        "id, site_code, unit_site, target, case_no, item_code, item_name, department, "
        "window_no, staff_no, channel, mode, level, tags, tagset_version, text, real_name, "
        "applicant_name, applicant_id, applicant_phone, kind, follow_up_of, rated_on, "
        "rating_month, actor, created_at, self_rated"
    )
    sql = f"INSERT INTO rating ({columns}) VALUES ({', '.join('?' * 27)})"
    bad_real: list[tuple[object, ...]] = []
    batch: list[tuple[object, ...]] = []
    for n in range(count):
        roll = rng.random()
        kind = "default" if roll < 0.08 else ("follow_up" if roll < 0.11 else "active")
        level = 3 if kind == "default" else rng.choice(levels)
        month = rng.choice(months)
        real = kind == "active" and rng.random() < 0.3
        rating_id = str(uuid.UUID(int=n + 1))
        item = rng.randrange(300)
        batch.append(
            (
                rating_id, "370303-ZWFW", "370303-ZWFW", "case", f"37030320260101{n:06d}",
                items[item], "", departments[item % 19], rng.choice(windows), rng.choice(staff),
                rng.choice(channels), "onsite", level, "[]", "2026.1", "", real,
                "", "", "", kind, "", f"{month}-15", month, "1001", f"{month}-15 10:00:00",
                False,
            )
        )  # fmt: skip
        if real and level <= 2:
            row = batch[-1]
            bad_real.append((rating_id, month, row[8], row[9], row[5], row[7]))
        if len(batch) == 50_000:
            db.executemany(sql, batch)
            batch.clear()
    if batch:
        db.executemany(sql, batch)
    cases, events = [], []
    for index, (rating_id, month, window, staff_no, item, department) in enumerate(bad_real):
        case_id = str(uuid.UUID(int=10**12 + index))
        cases.append(
            (case_id, "rating", rating_id, "370303-ZWFW", "370303-ZWFW", window, staff_no, item,
             department, "", 2, 1, f"{month}-15", month, f"{month}-15", f"{month}-16",
             f"{month}-22", 0, "1001", f"{month}-15 10:00:00")
        )  # fmt: skip
        states = ["pending_callback", "called_back", "rectifying", "rectified"]
        for step, state in enumerate(states[: 1 + index % 4]):
            events.append(
                (str(uuid.UUID(int=2 * 10**12 + 4 * index + step)), case_id,
                 states[step - 1] if step else "", state, "", "1001", f"{month}-15",
                 f"{month}-15 1{step}:00:00")
            )  # fmt: skip
    db.executemany(
        "INSERT INTO rectification_case (id, source, source_id, site_code, unit_site, "
        "window_no, staff_no, item_code, department, summary, level, real_name, rated_on, "
        "rating_month, opened_on, callback_due, rectify_due, due_estimate, actor, created_at) "
        f"VALUES ({', '.join('?' * 20)})",
        cases,
    )
    db.executemany(
        "INSERT INTO rectification_event (id, case_id, from_state, to_state, note, actor, "
        "happened_on, created_at) VALUES (?,?,?,?,?,?,?,?)",
        events,
    )
    db.commit()
    return len(cases)


def bench_stats(data_dir: Path, count: int) -> dict[str, float]:
    runtime = _runtime(data_dir)
    path = runtime.paths.database  # type: ignore[attr-defined]
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA synchronous=OFF")  # generating is not what is measured
    started = time.perf_counter()
    cases = _generate(raw, count)
    from plugins.feedback import tally

    tally.rebuild()  # the workstation keeps it rating by rating; a bulk load rebuilds it
    raw.execute("ANALYZE")
    raw.commit()
    raw.close()
    generated = time.perf_counter() - started
    runtime.shutdown()  # type: ignore[attr-defined]

    runtime = _runtime(data_dir)  # a fresh connection: cold page cache in SQLite
    from plugins.feedback import stats

    started = time.perf_counter()
    rows = stats.breakdown(("window", "month"))
    cold = time.perf_counter() - started
    warm = min(_timed(lambda: stats.breakdown(("window", "month"))) for _ in range(3))
    # The same breakdown scanning the ratings' covering index (a date range or a
    # dimension the tally does not hold takes this path).
    started = time.perf_counter()
    scanned = stats.breakdown(("window", "month"), use_tally=False)
    scan = time.perf_counter() - started
    if scanned != rows:
        raise SystemExit("the tally and the ratings disagree")
    total = sum(r.total for r in rows)
    runtime.shutdown()  # type: ignore[attr-defined]
    return {
        "stats_1m_s": round(cold, 3),
        "stats_warm_s": round(warm, 3),
        "stats_scan_s": round(scan, 3),
        "groups": len(rows),
        "ratings": total,
        "cases": cases,
        "generate_s": round(generated, 1),
    }


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


async def _drive_cards(data_dir: Path, cards: int) -> dict[str, float]:
    from plugins.feedback.models import Rating
    from plugins.feedback.ui.rating_entry import RatingEntryScreen
    from workstation.app import SihaoApp

    runtime = _runtime(data_dir)
    app = SihaoApp(runtime, watch=False)  # type: ignore[arg-type]
    rng = random.Random(3)
    keys_total = 0
    async with app.run_test(size=(150, 50)) as pilot:
        from core.auth import Session
        from core.models import Staff

        # A clerk of window A03 keys the cards of window A01 (nobody keys their own).
        clerk = Staff.get_by_id("1002")
        session = Session("1002", clerk.name, "clerk", clerk.site_id, clerk.window_id)
        app.signed_in(session)
        await pilot.pause()
        screen = RatingEntryScreen(runtime)
        app.push_screen(screen)  # channel 评议卡
        await pilot.pause()
        from textual.widgets import Select

        screen.query_one("#window", Select).value = "A01"
        await pilot.pause()
        started = time.perf_counter()
        for _ in range(cards):
            level = rng.choice("5554432")
            tags = rng.sample("abc", rng.choice((1, 2)))
            keys = [level, *tags, "enter"]
            keys_total += len(keys)
            await pilot.press(*keys)
        await pilot.pause()
        elapsed = time.perf_counter() - started
    saved = Rating.select().count()
    runtime.shutdown()  # type: ignore[attr-defined]
    if saved != cards:
        raise SystemExit(f"only {saved} of {cards} cards saved")
    return {
        "keys_per_card": round(keys_total / cards, 2),
        "s_per_card": round(elapsed / cards, 3),
        "cards": cards,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--cards", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sihao-bench-ratings-") as tmp:
        result = bench_stats(Path(tmp) / "stats", args.ratings)
        print(f"stats: {json.dumps(result)}", file=sys.stderr)
        entry = asyncio.run(_drive_cards(Path(tmp) / "entry", args.cards))
        print(f"entry: {json.dumps(entry)}", file=sys.stderr)
    result.update(entry)
    result["sqlite"] = sqlite3.sqlite_version
    print(json.dumps(result))


if __name__ == "__main__":
    main()
