"""Sync benchmarks (DESIGN.md, "Performance budgets"; issue 4, "Measured").

    .venv/bin/python bench/sync.py [--quick] [--skip-fleet]

- pull_20k_s: a 20,000-item catalog pulled by a workstation (budget ≤ 5 s);
- push_rps: 10,000 records pushed from a workstation's real outbox, acknowledgements
  applied (budget ≥ 10,000 records/s);
- server_push_rps_*: the same 10,000 records in batches of 500 straight to the
  server (no outbox), on SQLite and PostgreSQL: what the server alone sustains;
- fleet: 200 enrolled workstations pushing and pulling at once against one server
  on PostgreSQL (uvicorn workers), 6,000 records/s offered for 30 s: aggregate
  records/s stored while all stations run (budget ≥ 5,000; fleet_rps_overall is the
  whole run, ramp and last round included), p99 request latency (≤ 1 s), lost and
  duplicated records (0) from what was sent against the records table.

The workstation-side figures (pull_20k_s, push_rps) come from ``client_side()``;
the server-side ones from bench/sync_server.py. Last line: JSON
{"pull_20k_s", "push_rps", "fleet_rps", "fleet_p99_s", "lost", "duplicated", ...}.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def client_side(quick: bool) -> dict[str, Any]:
    """pull_20k_s and push_rps from a real workstation store and sync client."""
    from bench import sync_client  # the workstation side: bench/sync_client.py

    return sync_client.client_side(quick)


def server_side(quick: bool, skip_fleet: bool) -> dict[str, Any]:
    from bench import sync_server

    figures: dict[str, Any] = {}
    records = 2_000 if quick else 10_000
    for backend in ("sqlite", "postgresql"):
        figures.update(sync_server.server_push(records=records, backend=backend))
        print(json.dumps(figures), flush=True)
    if not skip_fleet:
        if quick:
            figures.update(sync_server.fleet(stations=40, total_rate=1_000, duration=10, period=2))
        else:
            figures.update(sync_server.fleet())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument("--skip-fleet", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    figures = client_side(args.quick)
    figures.update(server_side(args.quick, args.skip_fleet))
    ordered = {
        key: figures.get(key)
        for key in ("pull_20k_s", "push_rps", "fleet_rps", "fleet_p99_s", "lost", "duplicated")
    }
    print(json.dumps({**ordered, **figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
