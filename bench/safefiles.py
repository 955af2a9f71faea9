"""What the checks of core.safefiles cost on a legitimate file: a 10,000-item catalog.

    .venv/bin/python bench/safefiles.py --items 10000

1. The catalog is generated (data/generate_catalog.py) and written as a workbook
   and as JSON, both kept under the temp directory for the next run.
2. ``check_zip`` on the workbook (the zip-bomb check: the central directory only),
   timed over many runs, against opening the same workbook with openpyxl
   (read-only) and reading every row: the work it guards.
3. ``load_json`` on the JSON file against ``json.loads`` of the same bytes.

Last line: JSON {"zip_check_ms", "xlsx_read_ms", "zip_check_share", "load_json_ms",
"json_loads_ms", "json_ratio", ...}; zip_check_share is the check's cost as a
fraction of reading the workbook, json_ratio load_json / json.loads (below 1:
the checked loader is the faster).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FILES_VERSION = 1  # bump when the generator changes


def files(items: int) -> tuple[Path, Path]:
    from core.catalog.formats import dump_catalog
    from data.generate_catalog import generate_catalog

    folder = Path(tempfile.gettempdir()) / f"sihao-bench-safefiles-{items}-v{FILES_VERSION}"
    workbook, document = folder / "catalog.xlsx", folder / "catalog.json"
    if not (workbook.exists() and document.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        doc = generate_catalog(items)
        dump_catalog(doc, workbook)
        dump_catalog(doc, document)
    return workbook, document


def best_of(runs: int, work: object) -> float:
    """The median of ``runs`` timings in ms (the machine is shared: medians, not means)."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args(argv)

    from openpyxl import load_workbook

    from core import safefiles

    workbook, document = files(args.items)

    def read_workbook() -> None:
        book = load_workbook(workbook, read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        book.close()

    zip_check = best_of(200, lambda: safefiles.check_zip(workbook))
    xlsx_read = best_of(3, read_workbook)
    data = document.read_bytes()
    checked = best_of(7, lambda: safefiles.load_json(data))
    plain = best_of(7, lambda: json.loads(data))
    print(
        json.dumps(
            {
                "items": args.items,
                "xlsx_bytes": workbook.stat().st_size,
                "json_bytes": len(data),
                "zip_check_ms": round(zip_check, 4),
                "xlsx_read_ms": round(xlsx_read, 1),
                "zip_check_share": round(zip_check / xlsx_read, 6),
                "load_json_ms": round(checked, 1),
                "json_loads_ms": round(plain, 1),
                "json_ratio": round(checked / plain, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
