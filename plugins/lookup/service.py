"""What the lookup screens show, without any UI: situations, bundles, the directory.

Items, bundles and points are catalog dicts (``core.catalog.store`` readers), the
same shape files and sync carry. The search itself is ``core.catalog.search``; the
shared instance lives in ``runtime.extras["catalog.search"]`` for every plugin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from core.catalog import store
from core.catalog.formats import CatalogImportError, load_catalog
from core.catalog.search import SearchService, normalise
from core.i18n import _

log = logging.getLogger(__name__)

EXTRAS_KEY = "catalog.search"
SHARED = "部门共享"


def search_service(runtime: Any) -> SearchService:
    """The shared lookup, created on first use and parked in ``runtime.extras``."""
    service = runtime.extras.get(EXTRAS_KEY)
    if not isinstance(service, SearchService):
        service = SearchService()
        runtime.extras[EXTRAS_KEY] = service
    return service


# -- an item and its situations ------------------------------------------------------
@dataclass(frozen=True)
class MaterialLine:
    key: str
    name: str
    form: str
    copies: int
    source: str
    required: bool
    situations: list[str]  # names of the situations it is limited to ([] = every one)

    @property
    def bring(self) -> bool:
        """The applicant brings it (departments share the others)."""
        return self.source != SHARED


def _applies(limited_to: list[str], chosen: set[str]) -> bool:
    return not chosen or not limited_to or bool(chosen & set(limited_to))


def conditions(item: dict[str, Any], chosen: set[str]) -> list[tuple[str, list[str]]]:
    """(situation name, its conditions) for the chosen situations (all if none chosen)."""
    return [
        (s["name"], list(s["conditions"]))
        for s in item.get("situations", [])
        if not chosen or s["code"] in chosen
    ]


def materials(item: dict[str, Any], chosen: set[str]) -> list[MaterialLine]:
    """The materials for the chosen situations: those limited to others are left out."""
    names = {s["code"]: s["name"] for s in item.get("situations", [])}
    return [
        MaterialLine(
            key=m["key"],
            name=m["name"],
            form=m["form"],
            copies=int(m["copies"]),
            source=m["source"],
            required=bool(m["required"]),
            situations=[names.get(c, c) for c in m["situations"]],
        )
        for m in item.get("materials", [])
        if _applies(m["situations"], chosen)
    ]


def _material_line(n: int, m: MaterialLine) -> str:
    extra = "" if m.required else _("(if applicable)")
    if m.form == "电子":
        amount = m.form
    else:
        amount = _("{form}, {copies} copy/copies").format(form=m.form, copies=m.copies)
    return f"{n}. {m.name}（{amount}）{extra}"


def materials_text(item: dict[str, Any], chosen: set[str]) -> str:
    """The materials list as plain text, for the clipboard or a message to the applicant."""
    lines = [_("Materials for {name}").format(name=item["name"])]
    situation_names = [s["name"] for s in item.get("situations", []) if s["code"] in chosen]
    if situation_names:
        lines.append(_("Situation: {names}").format(names="、".join(situation_names)))
    found = materials(item, chosen)
    bring = [m for m in found if m.bring]
    shared = [m for m in found if not m.bring]
    lines.append(_("Please bring:"))
    lines.extend(_material_line(n, m) for n, m in enumerate(bring, 1))
    if shared:
        lines.append(_("No need to bring (shared between departments):"))
        lines.extend(f"- {m.name}" for m in shared)
    if item.get("phone"):
        lines.append(_("Enquiries: {phone}").format(phone=item["phone"]))
    return "\n".join(lines)


def days_text(item: dict[str, Any]) -> str:
    if item.get("on_the_spot"):
        return _("done on the spot")
    return _("legal {legal} working days, promised {promised}").format(
        legal=item.get("legal_days", 0), promised=item.get("promised_days", 0)
    )


# -- bundles -------------------------------------------------------------------------
@dataclass
class CombinedMaterial:
    key: str
    name: str
    form: str
    copies: int
    source: str
    items: list[str] = field(default_factory=list)  # names of the items needing it
    conditional: bool = True  # only in some situations of every item needing it

    @property
    def bring(self) -> bool:
        return self.source != SHARED


@dataclass
class BundleView:
    code: str
    name: str
    description: str
    items: list[dict[str, Any]]  # in the order they are done
    missing: list[str]  # item codes the catalog no longer has
    materials: list[CombinedMaterial]

    @property
    def promised_days(self) -> int:
        return sum(int(i.get("promised_days", 0)) for i in self.items)


def bundle_days_text(view: BundleView) -> str:
    """How long the bundle takes: items done on the spot add no working days, and a
    bundle of only those is said to be done on the spot, not "0 working days"."""
    spot = sum(1 for i in view.items if i.get("on_the_spot"))
    if view.items and spot == len(view.items):
        return _("{n} items, all done on the spot").format(n=len(view.items))
    text = _("{n} items; promised working days added up: {days}").format(
        n=len(view.items), days=view.promised_days
    )
    if spot:
        text += _(" ({spot} of them done on the spot)").format(spot=spot)
    return text


def bundle_view(bundle: dict[str, Any]) -> BundleView:
    """A bundle's items in order and one materials list: a shared key appears once."""
    items = store.get_items(bundle["items"])
    have = {i["code"] for i in items}
    combined: dict[str, CombinedMaterial] = {}
    for item in items:
        for m in item.get("materials", []):
            entry = combined.get(m["key"])
            if entry is None:
                entry = combined[m["key"]] = CombinedMaterial(
                    m["key"], m["name"], m["form"], int(m["copies"]), m["source"]
                )
            else:
                entry.copies = max(entry.copies, int(m["copies"]))
                if m["source"] != SHARED:  # anyone needing it from the applicant wins
                    entry.source = m["source"]
            if not m["situations"]:
                entry.conditional = False
            if item["name"] not in entry.items:
                entry.items.append(item["name"])
    return BundleView(
        code=bundle["code"],
        name=bundle["name"],
        description=bundle.get("description", ""),
        items=items,
        missing=[c for c in bundle["items"] if c not in have],
        materials=list(combined.values()),
    )


def bundles_for(text: str) -> list[dict[str, Any]]:
    """Bundles whose name or one of whose words starts with what was typed (2+ chars)."""
    q = normalise(text)
    if len(q) < 2:
        return []
    return [
        b
        for b in store.bundles()
        if any(normalise(w).startswith(q) for w in [b["name"], *b["keywords"]])
    ]


def bundles_named(codes: Iterable[str]) -> list[dict[str, Any]]:
    """The bundles a phrase names (``Found.bundles``), in that order."""
    found = [store.get_bundle(code) for code in codes]
    return [b for b in found if b is not None]


# -- the directory -------------------------------------------------------------------
# Shared with the kiosk, so it lives in core; the names stay importable from here.
from core.catalog.directory import (  # noqa: E402, F401
    LEVEL_ORDER,
    NearestPoint,
    chain,
    find_places,
    handles,
    nearest_point,
    points_in_order,
)


# -- the demo catalog ----------------------------------------------------------------
def demo_catalog_path() -> Path | None:
    try:
        path = Path(str(resources.files("data.demo").joinpath("catalog.json")))
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    return path if path.is_file() else None


def seed_demo_catalog(runtime: Any) -> bool:
    """Import the demo catalog at a demo site whose catalog is empty. True if imported."""
    if getattr(runtime.config, "mode", "") != "demo" or not store.is_empty():
        return False
    path = demo_catalog_path()
    if path is None:
        return False
    try:
        store.replace_catalog(load_catalog(path), source="demo")
    except CatalogImportError as exc:
        log.error("the demo catalog was refused: %s", exc.summary())
        return False
    log.info("demo catalog imported from %s", path)
    return True
