"""The reminder worker at city scale, on PostgreSQL: a daily due pass over 1,000,000
licences, then 10,000 sends through a provider that fails and stalls.

    .venv/bin/python bench/reminders.py [--licences 1000000] [--sends 10000] [--workers 2]

1. A fresh PostgreSQL database (server and plugin migrations, as the server runs
   them) gets N licences by ``COPY`` (expiry dates spread evenly over three years
   from today, four licence types, one with 60/30/7-day lead times, the others
   the statutory 30; 1% without a mobile, 0.5% of holders opted out). Not timed.
2. Yesterday's due pass runs first (the catch-up of everything already within
   its lead time: ``catch_up_pass_s``), then today's, the daily pass the worker
   makes: ``due_pass_1m_s`` (budget ≤ 3 s), with how many rows it wrote.
3. ``--sends`` of the queued rows are sent by ``--workers`` threads, each with its
   own HTTP adapter, through the loopback fake provider (data/sms_fake.py) failing
   20% of calls with 500 and answering 1% after 1.5 s while the adapter waits 1 s
   (the message went out; the worker saw a timeout). Backoff and pauses are
   shortened to fit a benchmark (0.05 s base). ``send_rps`` is rows marked sent per
   second of wall time; ``sent_twice`` counts messages that reached a phone twice
   (the provider's deliveries by number and text, and rows whose id differs from
   the provider's), ``lost`` the rows not sent when the queue ran dry.

Last line: JSON {"due_pass_1m_s", "send_rps", "sent_twice", "lost", ...}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FAIL, SLOW = 0.2, 0.01
SITES = ["370303-ZWFW", "370302-ZWFW", "370304-ZWFW", "370305-ZWFW"]
TYPES = ["食品经营许可证", "药品经营许可证", "排污许可证", "公共场所卫生许可证"]


def _load(count: int, today: dt.date, seed: int = 7) -> None:
    """N licences by COPY, straight into the register."""
    from server import db

    rng = random.Random(seed)
    conn = db.database.connection()
    buffer = io.StringIO()
    for n in range(count):
        until = today + dt.timedelta(days=n % 1095)
        mobile = "" if rng.random() < 0.01 else f"13{rng.randrange(10**9):09d}"
        site = SITES[n % len(SITES)]
        buffer.write(
            "\t".join(
                [
                    TYPES[n % len(TYPES)],
                    f"L{n:08d}",
                    "370303-SCJG-XK-001-03",
                    "org",
                    f"淄博第{n}号餐饮有限公司",
                    f"H{n:08d}",
                    "张三丰",
                    mobile,
                    until.isoformat(),
                    (until - dt.timedelta(days=1826)).isoformat(),
                    site,
                    "",
                    "import",
                    dt.datetime(2026, 12, 1).isoformat(),
                ]
            )
            + "\n"
        )
    buffer.seek(0)
    with conn.cursor() as cur:
        cur.copy_from(
            buffer,
            "reminders_licence",
            columns=(
                "licence_type", "licence_no", "item_code", "holder_kind", "holder_name",
                "holder_id", "legal_rep", "mobile", "valid_until", "issued_on", "site_code",
                "case_no", "source", "updated_at",
            ),
        )  # fmt: skip
        cur.execute(
            "INSERT INTO reminders_optout (holder_id, reason, at) "
            "SELECT holder_id, 'bench', now() FROM reminders_licence WHERE id % 200 = 0"
        )
        cur.execute("ANALYZE reminders_licence")
    conn.commit()


def _send(sends: int, workers: int, today: dt.date) -> dict[str, object]:
    from data.sms_fake import FakeProvider, serve
    from plugins.reminders import gateways, worker
    from plugins.reminders.server_models import QUEUED, SENT, Sms
    from server import db, jobs

    # Keep the first ``sends`` queued rows; park the rest where no pass looks.
    # (A reminder of a licence that expired yesterday fails as "expired": not a send.)
    sendable = (Sms.state == QUEUED) & (Sms.valid_until >= today)
    keep = [row.id for row in Sms.select(Sms.id).where(sendable).order_by(Sms.id).limit(sends)]
    with db.transaction():
        Sms.update(state="parked").where((Sms.state == QUEUED) & Sms.id.not_in(keep)).execute()
    timing = worker.Timing(
        backoff_base=dt.timedelta(seconds=0.05),
        backoff_cap=dt.timedelta(seconds=1),
        pause_base=dt.timedelta(seconds=0.1),
        pause_cap=dt.timedelta(seconds=1),
        lease=dt.timedelta(seconds=30),
    )
    provider = FakeProvider(fail_rate=FAIL, slow_rate=SLOW, slow_seconds=1.5)
    with serve(provider) as fake:
        started = time.perf_counter()
        stopping = threading.Event()

        def run() -> None:
            gateway = gateways.HttpGateway(fake.url, fake.key, timeout=1.0)
            context = jobs.JobContext("reminders.send", stopping)
            try:
                while not stopping.is_set():
                    with db.request_connection():
                        worker.send_pass(context, gateway, timing=timing, batch=20)
                        left = Sms.select().where(Sms.id.in_(keep) & (Sms.state != SENT)).count()
                    if left == 0:
                        return
                    time.sleep(0.02)
            finally:
                gateway.close()
                db.database.close()

        threads = [threading.Thread(target=run) for _ in range(workers)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 1800
        for thread in threads:
            thread.join(max(1.0, deadline - time.monotonic()))
        stopping.set()
        elapsed = time.perf_counter() - started
        rows = list(Sms.select(Sms.key, Sms.state, Sms.gateway_id).where(Sms.id.in_(keep)))
        delivered = {key: d.message_id for key, d in fake.by_key.items()}
        sent = [r for r in rows if r.state == SENT]
        mismatched = sum(1 for r in sent if delivered.get(r.key) != r.gateway_id)
        # Two reminders of one licence (60 and 30 days) may read alike: count by key.
        by_key: dict[str, int] = {}
        for d in fake.deliveries:
            by_key[d.key] = by_key.get(d.key, 0) + 1
        twice = sum(1 for n in by_key.values() if n > 1)
        lost = sum(1 for r in rows if r.state != SENT or r.key not in delivered)
        return {
            "send_rps": round(len(sent) / elapsed, 1),
            "send_s": round(elapsed, 2),
            "sent": len(sent),
            "sent_twice": twice + mismatched,
            "repeated_calls": fake.repeated_calls(),
            "lost": lost,
            "provider_calls": fake.calls,
            "provider_deliveries": len(fake.deliveries),
            "pauses": int(worker._setting(worker.PAUSES_KEY) or 0),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--licences", type=int, default=1_000_000)
    parser.add_argument("--sends", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from plugins.reminders import register, rules, worker
    from plugins.reminders.server_models import Sms
    from server import admin, db
    from server.app import migrate_database
    from server.plugins import load_host
    from server.testing import postgres_database

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    today = rules.china_today(now)
    with postgres_database("sihao_bench_reminders") as url:
        db.bind(db.make_database(url, max_connections=8))
        migrate_database(load_host())
        for code in SITES:
            admin.add_site(code, f"{code} 政务服务中心", "district", region_code=code[:6])
        register.save_rules(
            rules.parse_rules(
                {
                    "quiet_hours": {"start": "00:00", "end": "00:00"},
                    "rules": [{"licence_type": TYPES[0], "lead_days": [60, 30, 7]}],
                }
            )
        )
        t0 = time.perf_counter()
        _load(args.licences, today - dt.timedelta(days=1))
        load_s = time.perf_counter() - t0

        yesterday = now - dt.timedelta(days=1)
        t0 = time.perf_counter()
        caught_up = worker.due_pass(yesterday)
        catch_up_s = time.perf_counter() - t0
        db.database.execute_sql("ANALYZE reminders_sms")
        t0 = time.perf_counter()
        written = worker.due_pass(now)
        due_s = time.perf_counter() - t0
        again = worker.due_pass(now)  # a second pass the same day writes nothing
        print(
            f"loaded {args.licences} licences in {load_s:.1f} s; catch-up pass {caught_up} rows "
            f"in {catch_up_s:.2f} s; daily pass {written} rows in {due_s:.2f} s "
            f"(again: {again})",
            file=sys.stderr,
        )
        figures = _send(args.sends, args.workers, today)
        result = {
            "due_pass_1m_s": round(due_s, 3),
            "send_rps": figures["send_rps"],
            "sent_twice": figures["sent_twice"],
            "lost": figures["lost"],
            "licences": args.licences,
            "due_written": written,
            "due_again": again,
            "catch_up_pass_s": round(catch_up_s, 3),
            "catch_up_written": caught_up,
            "outbox_rows": Sms.select().count(),
            **{k: v for k, v in figures.items() if k not in ("send_rps", "sent_twice", "lost")},
            "workers": args.workers,
        }
        db.database.close()
        db.database.obj.close_all()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
