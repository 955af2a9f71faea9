"""A synthetic rule graph for the checklist benchmark: ``items`` items, ``deps``
dependencies, acyclic by construction (an item needs only items before it, chosen
among the 50 before it, so the graph is deep as well as wide), stages in order, a
tenth of the items parallel, every item needed by every project of type ``social``.
"""

from __future__ import annotations

import random
from typing import Any

WINDOW = 50


def synthetic_rules(items: int = 10_000, deps: int = 30_000, *, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    per_item = [min(i, WINDOW) for i in range(items)]
    base = [0] * items
    remaining = deps
    # Three needs each where possible, then whatever is left on the items that can take it.
    for i in range(items):
        base[i] = min(per_item[i], 3, remaining)
        remaining -= base[i]
    i = items - 1
    while remaining > 0 and i >= 0:
        if base[i] < per_item[i]:
            base[i] += 1
            remaining -= 1
        i -= 1
    rows = []
    for i in range(items):
        needs = rng.sample(range(max(0, i - WINDOW), i), base[i]) if base[i] else []
        rows.append({
            "code": f"I{i:05d}",
            "name": f"事项{i}",
            "stage": 1 + (4 * i) // items,
            "department": f"部门{i % 17}",
            "days": rng.randint(1, 15),
            "needs": [f"I{n:05d}" for n in needs],
            "parallel": i % 10 == 0,
            "materials": [f"材料{rng.randint(0, 499)}", "营业执照"],
        })  # fmt: skip
    return {
        "version": f"synthetic-{items}-{deps}",
        "stages": [{"stage": s, "name": f"阶段{s}", "lead": ""} for s in (1, 2, 3, 4)],
        "project_types": [{"code": "social", "name": "社会投资", "promised": {"1": 20}}],
        "attributes": [],
        "items": rows,
    }
