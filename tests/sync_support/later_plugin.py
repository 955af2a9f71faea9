"""A plugin a site switches on later (``e2elater``): it handles the pulled kind
``e2e.later`` and remembers what it got, in order.

A module (not an object) so the host can unload it and load it again by import,
the way it does a real plugin when a policy turns it off and on.
"""

from __future__ import annotations

from typing import Any

from core.plugins import hookimpl

NAME = "e2elater"
KIND = "e2e.later"

pulled: dict[str, Any] = {}
seen: list[tuple[str, str]] = []  # (op, id), in the order the hook got them
broken = False  # raise on every change of its kind (a bug, until it is fixed)


@hookimpl
def sihao_apply_change(kind: str, id: str, op: str, data: Any) -> bool | None:
    if kind != KIND:
        return None
    if broken:
        raise RuntimeError(f"cannot apply {id}")
    seen.append((op, id))
    if op == "delete":
        pulled.pop(id, None)
    else:
        pulled[id] = data
    return True


def reset() -> None:
    global broken
    broken = False
    pulled.clear()
    seen.clear()
