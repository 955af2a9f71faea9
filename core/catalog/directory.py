"""The directory of service points (halls and points at four levels), without any UI.

Shared by the staff lookup and the hall kiosk: the points in order, a point's
chain up to the city, the places a text names, and the nearest point that handles
an item. Points are catalog dicts (``core.catalog.store.service_points``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.catalog import store
from core.catalog.search import normalise

LEVEL_ORDER = {"市": 0, "区县": 1, "镇街": 2, "村社区": 3}


def points_in_order() -> list[dict[str, Any]]:
    """Every point, each followed by the points under it (city, districts, towns, villages)."""
    points = store.service_points()
    children: dict[str, list[dict[str, Any]]] = {}
    known = {p["code"] for p in points}
    roots = []
    for point in points:
        if point["parent"] and point["parent"] in known:
            children.setdefault(point["parent"], []).append(point)
        else:
            roots.append(point)
    ordered: list[dict[str, Any]] = []

    def walk(point: dict[str, Any]) -> None:
        ordered.append(point)
        for child in sorted(children.get(point["code"], []), key=lambda p: p["code"]):
            walk(child)

    for root in sorted(roots, key=lambda p: (LEVEL_ORDER.get(p["level"], 9), p["code"])):
        walk(root)
    return ordered


def chain(code: str) -> list[dict[str, Any]]:
    """The point and its parents up to the city (stops on a loop or a missing parent)."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    current = store.get_point(code)
    while current is not None and current["code"] not in seen:
        found.append(current)
        seen.add(current["code"])
        current = store.get_point(current["parent"]) if current["parent"] else None
    return found


def find_places(text: str) -> list[dict[str, Any]]:
    """Points whose name, district, town or village matches ``text``; lowest level first."""
    q = normalise(text)
    if not q:
        return []
    matches = []
    for point in store.service_points():
        fields = [point["name"], point["district"], point["town"], point["village"]]
        if any(q in normalise(f) for f in fields if f):
            exact = q in (normalise(point["village"]), normalise(point["town"]))
            matches.append((not exact, -LEVEL_ORDER.get(point["level"], 0), point["code"], point))
    return [m[-1] for m in sorted(matches, key=lambda m: m[:3])]


def handles(point: dict[str, Any], item: dict[str, Any] | None) -> bool:
    """Whether ``point`` handles ``item``: by item code, department code or short name."""
    if item is None:
        return True
    wanted = set(point["handles"])
    if item["code"] in wanted or item.get("department") in wanted:
        return True
    department = store.get_department(item.get("department", ""))
    return department is not None and bool({department["short"], department["name"]} & wanted)


@dataclass
class NearestPoint:
    place: dict[str, Any]  # the point where the person is
    point: dict[str, Any]  # the nearest point that handles the item (or the place itself)
    steps_up: int  # 0: right there; 1: its parent…
    chain: list[dict[str, Any]]


def nearest_point(place_code: str, item: dict[str, Any] | None = None) -> NearestPoint | None:
    """Walk up from ``place_code`` to the first point that handles ``item``.

    The city centre handles what no point below it does, so the walk ends at the
    top of the chain when nothing nearer lists the item.
    """
    points = chain(place_code)
    if not points:
        return None
    for steps, point in enumerate(points):
        if handles(point, item):
            return NearestPoint(points[0], point, steps, points)
    return NearestPoint(points[0], points[-1], len(points) - 1, points)
