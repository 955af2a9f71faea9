"""Ranked item lookup over a synthetic catalog, against SQLite FTS5 in the same run.

    .venv/bin/python bench/lookup.py --items 100000

1. A child process generates the catalog (data/generate_catalog.py) and imports it
   into a fresh store (``core.catalog.store.replace_catalog``), so pypinyin and the
   generator's dicts never count toward this process's memory. The store is kept
   under the temp directory for the next run.
   It also draws the fixed query mix from the catalog (kept beside the store).
2. This process builds the lookup index from the store, as the workstation does,
   and runs the fixed mix of queries (1–8 hanzi, pinyin initials, full pinyin, codes,
   colloquial words), each timed on its own: p50/p95 in ms. Then a phrased mix, half
   as many again (a third of all queries): the catalog's own words said the way
   people say them (fillers and sentences around them, a homophone typed for one
   character, one syllable in pinyin, traditional characters), drawn from the store
   with a fixed seed: ``phrased_p95_ms``.
3. Resident memory (VmRSS) is read after both mixes, before step 4.
4. The same texts go into an FTS5 trigram table (name, keywords, pinyin, initials,
   code) and each query of 3 characters or more (the trigram tokenizer matches
   nothing shorter) runs as ``MATCH '"q"' ORDER BY rank LIMIT 20``.

Last line: JSON {"p50_ms", "p95_ms", "phrased_p95_ms", "cpu_p95_ms",
"phrased_cpu_p95_ms", "fts_p95_ms", "ratio", "rss_mb", ...}; p50/p95 are the exact
mix's wall times, the cpu_ ones the thread's CPU time for the same queries (a
loaded machine preempts a millisecond query; its CPU time does not change); ratio
is p95 / fts_p95 (below 1: faster than FTS5).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STORE_VERSION = 7  # bump when the generator, the query mix or the catalog tables change
QUERIES = 1000


def _build(db_path: Path, items: int) -> None:
    from core import migrate
    from core.catalog import store
    from core.db import open_database
    from data.generate_catalog import generate_catalog

    partial = db_path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    db = open_database(partial)
    migrate.run(db, "core", migrate.CORE_MIGRATIONS)
    store.replace_catalog(generate_catalog(items), source="bench")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    raw = sqlite3.connect(partial)
    mix = _queries(raw, QUERIES)
    raw.close()
    _mix_path(db_path).write_text(json.dumps(mix, ensure_ascii=False), encoding="utf-8")
    partial.rename(db_path)


def _mix_path(db_path: Path) -> Path:
    return db_path.with_suffix(".queries.json")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _queries(db: sqlite3.Connection, count: int, seed: int = 7) -> list[tuple[str, str]]:
    """A fixed mix of (kind, query) drawn from the catalog itself."""
    from core.catalog.search import normalise

    rng = random.Random(seed)
    rows = db.execute("SELECT code, name, pinyin, initials, keywords FROM item").fetchall()
    rng.shuffle(rows)
    keywords = sorted({k for r in rows[:5000] for k in json.loads(r[4])})
    mix: list[tuple[str, str]] = []
    kinds = ["hanzi"] * 8 + ["initials"] * 3 + ["pinyin"] * 3 + ["code"] * 3 + ["colloquial"] * 3
    for n in range(count):
        code, name, pinyin, initials, _kw = rows[n % len(rows)]
        pinyin, initials = pinyin.split("|")[0], initials.split("|")[0]  # the name's part
        kind = kinds[n % len(kinds)]
        if kind == "hanzi":
            text = normalise(name)
            size = min(len(text), 1 + n % 8)
            start = rng.randrange(0, len(text) - size + 1)
            mix.append((kind, text[start : start + size]))
        elif kind == "initials":
            size = min(len(initials), rng.choice([2, 3, 4, 5]))
            start = rng.choice([0, 0, rng.randrange(0, len(initials) - size + 1)])
            mix.append((kind, initials[start : start + size]))
        elif kind == "pinyin":
            syllables = pinyin.split()
            start = rng.choice([0, 0, rng.randrange(0, len(syllables))])
            mix.append((kind, "".join(syllables[start : start + rng.choice([1, 2, 3])])))
        elif kind == "code":
            mix.append((kind, code if n % 2 else code[: rng.choice([6, 11, 15])]))
        else:
            mix.append((kind, rng.choice(keywords)))
    return mix


FILLED = [
    "我想{t}",
    "我要{t}",
    "请问{t}怎么办理",
    "{t}需要什么材料",
    "想{t}要办什么手续",
    "{t}了怎么办",
    "怎么申请{t}",
    "你好我想问一下{t}去哪里办",
]


def _phrased(db: sqlite3.Connection, count: int, seed: int = 11) -> list[tuple[str, str]]:
    """Queries as people say them, made from the catalog's names and everyday words:
    a filler or sentence around a word, one character typed as a homophone, one
    syllable typed in pinyin, or the whole in traditional characters."""
    from opencc import OpenCC

    from core.catalog import phrases

    rng = random.Random(seed)
    words: list[tuple[str, list[str]]] = []  # (hanzi word, its syllables)
    for name, main, pinyin, keywords in db.execute(
        "SELECT name, main_name, pinyin, keywords FROM item LIMIT 20000"
    ):
        spoken = pinyin.split("|")
        for n, word in enumerate(json.loads(keywords), start=1):
            if n < len(spoken) and len(word) == len(spoken[n].split()):
                words.append((word, spoken[n].split()))
        syllables = spoken[0].split()
        if main and all(phrases._is_hanzi(c) for c in main) and name.startswith(main):
            words.append((main, syllables[: len(main)]))
    words = sorted(set((w, tuple(s)) for w, s in words))  # type: ignore[misc]
    by_sound: dict[str, list[str]] = {}
    for ch, syllable in phrases._syllables().items():
        by_sound.setdefault(syllable, []).append(ch)
    traditional = OpenCC("s2t").convert
    mix: list[tuple[str, str]] = []
    kinds = ["filler", "filler", "homophone", "mixed", "traditional"]
    for n in range(count):
        word, syllables = rng.choice(words)
        kind = kinds[n % len(kinds)]
        chars = list(word)
        at = rng.randrange(len(chars))
        if kind == "homophone":
            alike = [c for c in by_sound.get(syllables[at], []) if c != chars[at]]
            if alike:
                chars[at] = rng.choice(alike)
        elif kind == "mixed":
            chars[at] = syllables[at]
        text = "".join(chars)
        if kind == "traditional":
            text = traditional(text)
        mix.append((f"phrased-{kind}", rng.choice(FILLED).format(t=text)))
    return mix


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        _build(args.build, args.items)
        return 0

    db_path = Path(tempfile.gettempdir()) / f"sihao-bench-lookup-{args.items}-v{STORE_VERSION}.db"
    if not db_path.exists():
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--items", str(args.items), "--build", str(db_path)],
            check=True,
        )
        print(f"built store with {args.items} items in {time.perf_counter() - started:.1f} s")

    from core.catalog.search import SearchService
    from core.db import open_database

    db = open_database(db_path)
    service = SearchService()
    started = time.perf_counter()
    index = service.index()
    build_s = time.perf_counter() - started
    raw = sqlite3.connect(db_path)
    mix = [tuple(q) for q in json.loads(_mix_path(db_path).read_text(encoding="utf-8"))]

    phrased = _phrased(raw, len(mix) // 2)
    for _kind, query in mix[:50] + phrased[:50]:  # warm up (loads the phrase tables)
        service.search(query)
    timings: list[float] = []
    phrased_timings: list[float] = []
    cpu: dict[bool, list[float]] = {False: [], True: []}  # phrased or not -> CPU ms
    by_kind: dict[str, list[float]] = {}
    empty = 0
    phrased_empty = 0
    for kind, query in mix + phrased:
        t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        hits = service.search(query, limit=20)
        elapsed = (time.perf_counter_ns() - t0) / 1e6
        # CPU time too: on a shared machine a millisecond query is often preempted,
        # and its wall time then says more about the neighbours than about the code.
        cpu[kind.startswith("phrased")].append((time.thread_time_ns() - c0) / 1e6)
        if kind.startswith("phrased"):
            phrased_timings.append(elapsed)
            phrased_empty += not hits
        else:
            timings.append(elapsed)
            empty += not hits
        by_kind.setdefault(kind, []).append(elapsed)
    rss = _rss_mb()

    fts = sqlite3.connect(":memory:")
    fts.execute(
        "CREATE VIRTUAL TABLE f USING fts5(name, keywords, pinyin, initials, code,"
        " tokenize='trigram')"
    )
    fts.executemany(
        "INSERT INTO f(name, keywords, pinyin, initials, code) VALUES (?, ?, ?, ?, ?)",
        (
            (name, " ".join(json.loads(kw)), pinyin.replace(" ", ""), initials, code)
            for name, kw, pinyin, initials, code in raw.execute(
                "SELECT name, keywords, pinyin, initials, code FROM item"
            )
        ),
    )
    fts_timings: list[float] = []
    for _kind, query in mix:
        if len(query) < 3:
            continue
        expression = '"' + query.replace('"', '""') + '"'
        t0 = time.perf_counter_ns()
        fts.execute(
            "SELECT rowid FROM f WHERE f MATCH ? ORDER BY rank LIMIT 20", (expression,)
        ).fetchall()
        fts_timings.append((time.perf_counter_ns() - t0) / 1e6)

    p50 = _percentile(timings, 50)
    p95 = _percentile(timings, 95)
    fts_p95 = _percentile(fts_timings, 95)
    for kind, values in sorted(by_kind.items()):
        print(
            f"{kind:<11} n={len(values):<4} p50={_percentile(values, 50):.3f} ms"
            f" p95={_percentile(values, 95):.3f} ms max={max(values):.3f} ms"
        )
    print(
        f"index build {build_s:.2f} s for {len(index)} items; {empty} exact and"
        f" {phrased_empty} of {len(phrased)} phrased queries found nothing"
    )
    print(
        json.dumps(
            {
                "p50_ms": round(p50, 4),
                "p95_ms": round(p95, 4),
                "phrased_p95_ms": round(_percentile(phrased_timings, 95), 4),
                "cpu_p95_ms": round(_percentile(cpu[False], 95), 4),
                "phrased_cpu_p95_ms": round(_percentile(cpu[True], 95), 4),
                "fts_p95_ms": round(fts_p95, 4),
                "ratio": round(p95 / fts_p95, 3),
                "rss_mb": round(rss, 1),
                "items": len(index),
                "queries": len(timings),
                "phrased_queries": len(phrased_timings),
                "fts_queries": len(fts_timings),
                "sqlite": sqlite3.sqlite_version,
            }
        )
    )
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
