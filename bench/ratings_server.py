"""City statistics on the central server over 1,000,000 stored ratings (PostgreSQL).

    .venv/bin/python bench/ratings_server.py [--ratings 1000000]

A fresh PostgreSQL database (127.0.0.1:5432, as the tests use) gets the server's
migrations, the demo sites and N synthetic ratings written straight into
``records`` with one INSERT … SELECT over generate_series (the payload a
workstation pushes: unit, window, staff, item, department, day, month, level,
kind, real name); generating is not timed. Then:

- ``scan_s``: ``city_stats`` counting the stored ratings (the JSON parsed by the
  database), by window and month, the statistics screen's default breakdown;
- ``backfill_s``: the migration that fills ``feedback_rating_tally`` from them;
- ``tally_s``: the same breakdown answered from the tally (what a supervisor waits
  for), checked equal to the scan.

Last line: JSON {"ratings", "scan_s", "tally_s", "backfill_s", "tally_rows", ...}.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GENERATE = """
INSERT INTO records (workstation, site, kind, entity_id, mutation_id, client_seq, payload,
                     payload_version, created_at, received_at)
SELECT 'bench', %(site)s, 'feedback.rating', 'e' || g, 'm' || g, g,
  json_build_object(
    'unit_site', %(site)s, 'window_no', 'A0' || mod(g, 9), 'staff_no', (1000 + mod(g, 120))::text,
    'item_code', 'I' || mod(g, 300), 'department', 'D' || mod(g, 19),
    'rated_on', to_char(date '2025-06-01' + mod(g, 540), 'YYYY-MM-DD'),
    'rating_month', to_char(date '2025-06-01' + mod(g, 540), 'YYYY-MM'),
    'level', 1 + mod(g, 5), 'kind', CASE WHEN mod(g, 12) = 0 THEN 'default' ELSE 'active' END,
    'real_name', mod(g, 3) = 0)::text,
  1, now(), now()
FROM generate_series(1, %(n)s) g
"""


def run(ratings: int) -> dict[str, object]:
    from plugins.feedback import server as feedback_server
    from server import admin, db
    from server.app import migrate_database
    from server.testing import postgres_database

    figures: dict[str, object] = {"ratings": ratings}
    with postgres_database("sihao_bench_stats") as url:
        db.bind(db.make_database(url))
        migrate_database()
        site = admin.seed_demo()
        db.database.execute_sql(GENERATE, {"site": site, "n": ratings})
        db.database.execute_sql("ANALYZE records")
        by = ("window", "month")

        started = time.perf_counter()
        scanned = feedback_server.city_stats(by, site=site, use_tally=False)
        figures["scan_s"] = round(time.perf_counter() - started, 3)

        path = ROOT / "plugins" / "feedback" / "server_migrations" / "0001_rating_tally.py"
        spec = importlib.util.spec_from_file_location("rating_tally_migration", path)
        assert spec is not None and spec.loader is not None
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        db.database.execute_sql("DELETE FROM feedback_rating_tally")
        started = time.perf_counter()
        migration.up(None, db.database.obj)
        figures["backfill_s"] = round(time.perf_counter() - started, 3)
        figures["tally_rows"] = db.database.execute_sql(
            "SELECT count(*) FROM feedback_rating_tally"
        ).fetchone()[0]

        started = time.perf_counter()
        tallied = feedback_server.city_stats(by, site=site, use_tally=True)
        figures["tally_s"] = round(time.perf_counter() - started, 3)
        assert tallied == scanned, "the tally and the stored ratings disagree"
        figures["groups"] = len(tallied)
        db.database.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    args = parser.parse_args()
    print(json.dumps(run(args.ratings)))


if __name__ == "__main__":
    main()
