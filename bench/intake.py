"""Batch intake: import and check a 10,000-row workbook, issue 1,000 certificates.

    .venv/bin/python bench/intake.py [--rows 10000] [--issue 1000]

- ``import_10k_s``: `import_file` of a generated 10,000-row XLSX (2% bad rows, the
  faults of data/generate_batch.py: wrong check characters, credit codes with
  letters never used, empty names, short mobiles, duplicates, organisations
  without a legal representative) into a batch: read, every row checked, good rows
  and problems stored, the error file written beside it.
- ``issue_1k_s``: `issue` of a decided 1,000-row batch whose cases are open (the
  review opened them): 1,000 certificates numbered, each case moved to 办结 with
  its number, one PDF each and the combined print file. Opening the cases at the
  review is reported apart (``review_1k_s``: the decision and 1,000 cases through
  the intake service).
- ``lost``: good rows of the file not stored plus bad rows neither refused nor in
  the error file; ``duplicated``: certificates or numbers issued more than once, or
  more than one 办结 step a case. Both must be 0.
- ``rss_mb``: the process's peak resident memory; ``child_rss_mb`` that of the child
  process that lays out the combined print file while the issue runs.

Budgets: import ≤ 4 s, issue ≤ 20 s, rss ≤ 250 MB, lost = duplicated = 0.
Also the CPU seconds of each (``*_cpu_s``: what is ours when other work loads
the shared cores) and the load average at the start.

Last line: JSON {"import_10k_s", "issue_1k_s", "rss_mb", "lost", "duplicated",
"import_cpu_s", "issue_cpu_s", "review_1k_s", "rows", "bad_rows", "certificates",
"load", "child_rss_mb", "child_cpu_s", "processes"}. ``--processes N`` sets the
site setting ``batch_issue_processes`` (default 0: everything in this process). ``issue_cpu_s`` is this process's CPU time
only; ``child_cpu_s`` the child's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FOOD = "370303-SCJG-XK-001-01"
SITUATIONS = ["仅销售预包装食品（含保健食品等特殊食品）", "含热食类食品制售"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--issue", type=int, default=1_000)
    parser.add_argument(
        "--processes", type=int, default=0, help="the site setting batch_issue_processes"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]

    from core.config import resolve_paths, save_site_config
    from core.demo import seed_demo
    from core.i18n import set_language
    from core.runtime import Runtime
    from data import generate_batch

    set_language("zh_CN")
    work = Path(tempfile.mkdtemp(prefix="sihao-bench-intake-"))
    paths = resolve_paths(work / "data")
    runtime = Runtime.open(paths)
    runtime.config.site_code = seed_demo()
    runtime.config.mode = "demo"  # the lookup imports the demo catalog at start
    runtime.config.enabled_plugins = ["lookup", "intake"]
    runtime.config.plugin_settings["intake"] = {
        "batch_inbox": False,
        "batch_issue_processes": args.processes,
    }
    save_site_config(paths.site_config, runtime.config)
    runtime.apply_policy()
    runtime.startup()

    from openpyxl import load_workbook

    from plugins.intake import batch_import, batch_issue, batch_review
    from plugins.intake.batch_models import BatchCertificate, BatchProblem, BatchRow
    from plugins.intake.models import CaseStep

    big = work / f"{FOOD} 名单.xlsx"
    faults = generate_batch.write_xlsx(big, args.rows, SITUATIONS, bad_share=0.02)
    batch_import.import_file(  # warm-up: imports of openpyxl and stdnum, once a day
        runtime, _small(work, generate_batch), item_code=FOOD
    )
    started, cpu = time.perf_counter(), time.process_time()
    result = batch_import.import_file(runtime, big, actor="bench")
    import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.batch is not None
    bad_planted = sum(1 for f in faults if f)
    kept = BatchRow.select().where(BatchRow.batch_id == result.batch.id).count()
    refused = {
        p.row_no for p in BatchProblem.select().where(BatchProblem.batch_id == result.batch.id)
    }
    in_error_file = {
        row[0]
        for row in load_workbook(result.error_file, read_only=True).active.iter_rows(
            min_row=2, values_only=True
        )
        if row and row[0] is not None
    }
    lost = (args.rows - bad_planted - kept) + len(refused ^ in_error_file)
    lost += abs(bad_planted - len(refused))

    small = work / f"{FOOD} 发证.xlsx"
    generate_batch.write_xlsx(small, args.issue, SITUATIONS, bad_share=0, seed=7)
    batch = batch_import.import_file(runtime, small, actor="bench").batch
    assert batch is not None
    started = time.perf_counter()
    decided = batch_review.decide(batch, "approve", reviewer="bench")
    batch_review.open_cases(runtime, decided, actor="bench")
    review_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    issued = batch_issue.issue(runtime, decided, actor="bench", out_dir=work / "certs")
    issue_s, issue_cpu = time.perf_counter() - started, time.process_time() - cpu
    certs = list(BatchCertificate.select().where(BatchCertificate.batch_id == batch.id))
    numbers = {c.cert_no for c in certs}
    files = [p for p in (work / "certs").glob(f"{batch.batch_no}-*.pdf") if p != issued.combined]
    decided_steps = (
        CaseStep.select()
        .join(BatchRow, on=(BatchRow.case_id == CaseStep.case_id))
        .where((BatchRow.batch_id == batch.id) & (CaseStep.to_state == "decided"))
        .count()
    )
    duplicated = (len(certs) - len(numbers)) + max(0, decided_steps - args.issue)
    lost += (args.issue - len(certs)) + (args.issue - len(files))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The combined print file is laid out in a child process while this one issues.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_rss_mb = children.ru_maxrss / 1024
    child_cpu_s = children.ru_utime + children.ru_stime
    runtime.shutdown()
    out = {
        "import_10k_s": round(import_s, 3),
        "issue_1k_s": round(issue_s, 3),
        "rss_mb": round(rss_mb, 1),
        "lost": lost,
        "duplicated": duplicated,
        "import_cpu_s": round(import_cpu, 3),
        "issue_cpu_s": round(issue_cpu, 3),
        "review_1k_s": round(review_s, 3),
        "rows": args.rows,
        "bad_rows": len(refused),
        "certificates": issued.total,
        "load": round(load, 1),
        "child_rss_mb": round(child_rss_mb, 1),
        "child_cpu_s": round(child_cpu_s, 3),
        "processes": args.processes,
    }
    print(
        f"import {args.rows} rows: {out['import_10k_s']} s ({out['bad_rows']} refused); "
        f"review {args.issue}: {out['review_1k_s']} s; issue {issued.total}: "
        f"{out['issue_1k_s']} s; peak RSS {out['rss_mb']} MB; lost {lost}, duplicated "
        f"{duplicated}; load {out['load']}"
    )
    print(json.dumps(out))


def _small(work: Path, generate_batch: object) -> Path:
    path = work / f"{FOOD} warm.xlsx"
    generate_batch.write_xlsx(path, 20, SITUATIONS, bad_share=0, seed=1)  # type: ignore[attr-defined]
    return path


if __name__ == "__main__":
    main()
