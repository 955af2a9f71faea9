"""What a plain-language guide says, without any UI or PDF: UI-free and cheap to import.

A guide is read by a citizen, not a clerk, so the catalog's terms are turned into
what to do: a material's form and source come out as 带原件 / 不用带，窗口调取
(the glossary's words, catalog data a bureau edits: docs/catalog-format.md), and
other terms the guide uses are explained in a short list at its end. Only the
chosen situations' conditions and materials are shown; a material limited to
situations nobody chose is left out.

``render.py`` lays these pieces out with the document toolkit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from core.catalog import store
from core.i18n import _

log = logging.getLogger(__name__)

SHARED = "部门共享"
# Used when the catalog's glossary has no entry for a material's form or source: a
# guide must say what to do with every material, glossary or not.
BUILT_IN_WORDS = {
    "原件": "带原件",
    "复印件": "带复印件",
    "电子": "电子版即可，可在网上提交",
    "部门共享": "不用带，窗口调取",
    "申请人": "自己准备",
}
MATERIAL_WORDS = frozenset(BUILT_IN_WORDS)
# Which form asks most of the applicant, for a material several items of a bundle
# need in different forms: the bundle's list asks for the most demanding one.
FORM_WEIGHT = {"电子": 0, "复印件": 1, "原件": 2}
NO_SAMPLE = ("", "无", "不涉及")

DEFAULT_URL_TEMPLATE = "https://zwfw.zibo.gov.cn/bszn/{code}"


class GuideError(Exception):
    """A guide cannot be made; ``str()`` is the sentence for the clerk."""


# -- the glossary --------------------------------------------------------------------
def glossary() -> dict[str, str]:
    """The catalog's glossary over the built-in words for material forms and sources."""
    return {**BUILT_IN_WORDS, **store.glossary()}


def terms_used(texts: list[str], words: dict[str, str]) -> list[tuple[str, str]]:
    """(term, plain words) of each glossary term found in ``texts``, longest first
    where one term holds another (法定办结时限 before 办结), material words left out
    (the materials table already prints them as what to do)."""
    joined = "\n".join(texts)
    found = [
        (term, plain)
        for term, plain in words.items()
        if term not in MATERIAL_WORDS and term in joined
    ]
    return sorted(found, key=lambda pair: (-len(pair[0]), pair[0]))


# -- an item and the chosen situations -----------------------------------------------
@dataclass(frozen=True)
class MaterialRow:
    key: str
    name: str
    how: str  # what to do, in plain words (带原件, 不用带，窗口调取…)
    copies: str  # "1份", "—" for a shared one
    sample: str  # where a blank form or sample is, or "—"
    bring: bool
    used_by: tuple[int, ...] = ()  # a bundle's list: the items (1-based) that need it
    conditional: bool = False  # needed only in some situations


def resolve_situations(item: dict[str, Any], wanted: list[str]) -> list[str]:
    """Situation codes for ``wanted`` (codes or names); an unknown one is a GuideError
    listing what the item has."""
    by_name = {s["name"]: s["code"] for s in item["situations"]}
    codes = {s["code"] for s in item["situations"]}
    chosen = []
    for value in wanted:
        code = value if value in codes else by_name.get(value)
        if code is None:
            have = "、".join(f"{s['code']} {s['name']}" for s in item["situations"]) or _("none")
            raise GuideError(
                _("Item {code} has no situation {value}. Its situations: {have}.").format(
                    code=item["code"], value=value, have=have
                )
            )
        if code not in chosen:
            chosen.append(code)
    return chosen


def chosen_situations(item: dict[str, Any], chosen: list[str]) -> list[dict[str, Any]]:
    """The situations to print: those chosen, or every one when none was."""
    return [s for s in item["situations"] if not chosen or s["code"] in chosen]


def _applies(limited_to: list[str], chosen: list[str]) -> bool:
    return not chosen or not limited_to or bool(set(chosen) & set(limited_to))


def how_to_bring(material: dict[str, Any], words: dict[str, str]) -> str:
    if material["source"] == SHARED:
        return words.get(SHARED, BUILT_IN_WORDS[SHARED])
    how = words.get(material["form"], BUILT_IN_WORDS.get(material["form"], material["form"]))
    return how if material["required"] else how + "（有这种情况才需要）"


def _sample(material: dict[str, Any]) -> str:
    sample = material["sample"]
    return "—" if sample in NO_SAMPLE else f"{sample}（窗口可领）"


def material_rows(
    item: dict[str, Any], chosen: list[str], words: dict[str, str]
) -> list[MaterialRow]:
    """The chosen situations' materials: what to bring first, then what is shared."""
    rows = [
        MaterialRow(
            key=m["key"],
            name=m["name"],
            how=how_to_bring(m, words),
            copies="—" if m["source"] == SHARED else f"{m['copies']}份",
            sample="—" if m["source"] == SHARED else _sample(m),
            bring=m["source"] != SHARED,
        )
        for m in item["materials"]
        if _applies(m["situations"], chosen)
    ]
    return [r for r in rows if r.bring] + [r for r in rows if not r.bring]


def days_text(item: dict[str, Any]) -> str:
    """Time limits in working days; 即办件 are done on the spot."""
    if item["on_the_spot"]:
        return "当场办结（即办件）"
    parts = []
    if item["legal_days"]:
        parts.append(f"法定办结时限 {item['legal_days']} 个工作日")
    if item["promised_days"]:
        parts.append(f"承诺办结时限 {item['promised_days']} 个工作日")
    return "；".join(parts) or "请向窗口咨询"


def step_time(step: dict[str, Any]) -> str:
    return f"{step['days']}个工作日" if step["days"] else ""


def visits_text(visits: int, online: bool) -> str:
    if visits == 0:
        return "不用跑，全程网上办" if online else "0 次"
    return f"最多跑 {visits} 次"


def fee_text(item: dict[str, Any]) -> str:
    standard = item["fee_standard"] or "不收费"
    return f"{standard}（依据：{item['fee_basis']}）" if item["fee_basis"] else standard


def audience(item: dict[str, Any]) -> str:
    """个人 / 企业 / 个人和企业, from the item's service objects."""
    objects = set(item["service_object"])
    if objects == {"自然人"}:
        return "个人"
    if objects == {"法人"}:
        return "企业"
    return "个人和企业"


# -- where, when, whom to call --------------------------------------------------------
@dataclass(frozen=True)
class SiteInfo:
    code: str
    name: str
    point: dict[str, Any] | None  # this site's entry in the service-point directory


def site_info(runtime: Any) -> SiteInfo:
    """This workstation's site and its service point in the directory (matched by
    the site's region code, which is the point's code in the catalog)."""
    from core.models import Site

    code = runtime.config.site_code
    site = Site.get_or_none(Site.code == code) if code else None
    name = site.name if site is not None else (code or "政务服务中心")
    point = store.get_point(site.region_code) if site is not None else None
    return SiteInfo(code, name, point)


def where_rows(item: dict[str, Any], site: SiteInfo) -> list[tuple[str, str]]:
    """Where, when and whom to call: the item's own entries, else this site's point."""
    point = site.point or {}
    here = f"{point['name']}，{point['address']}" if point.get("address") else ""
    rows = [
        ("在哪儿办", item["place"] or here or "请向窗口咨询"),
        ("什么时间", item["hours"] or point.get("hours", "") or "请向窗口咨询"),
        ("咨询电话", item["phone"] or point.get("phone", "") or "请向窗口咨询"),
    ]
    if here and item["place"] and point["address"] not in item["place"]:
        rows.insert(1, ("本服务中心", here))
    if item["complaint_phone"]:
        rows.append(("监督投诉电话", item["complaint_phone"]))
    return rows


# -- online addresses ------------------------------------------------------------------
def guide_url(template: str, code: str) -> str:
    """The item's online guide from the site's URL template (``{code}`` is replaced)."""
    if "{code}" not in template or not template.startswith(("https://", "http://")):
        raise GuideError(
            _(
                "The guide address setting {template!r} must start with https:// and hold"
                " {{code}}; ask IT to correct [plugin_settings.guides] qr_url_template."
            ).format(template=template)
        )
    return template.replace("{code}", quote(code, safe=""))


def qr_target(item: dict[str, Any], template: str) -> tuple[str, str]:
    """(URL, caption) of a guide's QR code: where to apply online, else the online guide."""
    if item["online"] and item["online_url"].startswith(("https://", "http://")):
        return item["online_url"], "扫码在网上办理"
    return guide_url(template, item["code"]), "扫码看本指南的网上版本"


# -- bundles ---------------------------------------------------------------------------
@dataclass
class BundleGuide:
    bundle: dict[str, Any]
    items: list[dict[str, Any]]
    missing: list[str]
    materials: list[MaterialRow] = field(default_factory=list)


def find_bundle(name: str) -> dict[str, Any]:
    """A bundle by code or name; an unknown one is a GuideError naming those there are."""
    bundles = store.bundles()
    for bundle in bundles:
        if name in (bundle["code"], bundle["name"]):
            return bundle
    have = "、".join(b["name"] for b in bundles) or _("none")
    raise GuideError(
        _("There is no one-thing bundle {name}. Bundles: {have}.").format(name=name, have=have)
    )


def bundle_guide(bundle: dict[str, Any], words: dict[str, str]) -> BundleGuide:
    """The bundle's items in order and one materials list: a material several items
    need (same key) is listed once, with the items that need it, the most copies any
    asks for and the most demanding form; shared only if every item can fetch it."""
    items = store.get_items(bundle["items"])
    found = {i["code"] for i in items}
    guide = BundleGuide(bundle, items, [c for c in bundle["items"] if c not in found])
    merged: dict[str, dict[str, Any]] = {}
    used: dict[str, list[int]] = {}
    conditional: dict[str, bool] = {}
    for n, item in enumerate(items, 1):
        for m in item["materials"]:
            key = m["key"]
            used.setdefault(key, []).append(n)
            # needed only in some situations: true only if so for every item using it
            conditional[key] = conditional.get(key, True) and bool(m["situations"])
            if key not in merged:
                merged[key] = dict(m)
                continue
            kept = merged[key]
            kept["copies"] = max(kept["copies"], m["copies"])
            if FORM_WEIGHT.get(m["form"], 0) > FORM_WEIGHT.get(kept["form"], 0):
                kept["form"] = m["form"]
            if m["source"] != SHARED:
                kept["source"] = m["source"]
            kept["required"] = kept["required"] or m["required"]
            if kept["sample"] in NO_SAMPLE:
                kept["sample"] = m["sample"]
    rows = []
    for key, m in merged.items():
        shared = m["source"] == SHARED
        rows.append(
            MaterialRow(
                key=key,
                name=m["name"],
                how=how_to_bring(m, words),
                copies="—" if shared else f"{m['copies']}份",
                sample="—" if shared else _sample(m),
                bring=not shared,
                used_by=tuple(dict.fromkeys(used[key])),
                conditional=conditional[key],
            )
        )
    guide.materials = [r for r in rows if r.bring] + [r for r in rows if not r.bring]
    return guide


# -- the handbook and the QR wall: which items ---------------------------------------
@dataclass
class Selection:
    items: list[dict[str, Any]]
    counted: int  # how many of them have a usage count at this site
    note: str = ""  # for the clerk: how the items were chosen


def select_items(top: int, category: str = "") -> Selection:
    """The ``top`` items handled most at this site (``core.catalog.store`` usage
    counts, bumped by intake and ratings), or those of ``category`` (a department's
    code, name or short name, or an item type). Items with no count follow in code
    order, so a new site still gets a full handbook; the note says so."""
    if top < 1:
        raise GuideError(_("--top must be 1 or more."))
    counts = store.usage_counts()
    items = list(store.iter_items())
    if category:
        departments = {
            d["code"] for d in store.departments() if category in (d["code"], d["name"], d["short"])
        }
        items = [i for i in items if i["department"] in departments or i["item_type"] == category]
        if not items:
            raise GuideError(
                _(
                    "No item belongs to {category}: give a department (code, name or short"
                    " name) or an item type such as 行政许可."
                ).format(category=category)
            )
    items.sort(key=lambda i: (-counts.get(i["code"], 0), i["code"]))
    chosen = items[:top]
    counted = sum(1 for i in chosen if counts.get(i["code"], 0) > 0)
    note = ""
    if counted < len(chosen):
        note = _(
            "{counted} of the {n} items have been handled at this site; the others follow"
            " in catalog order."
        ).format(counted=counted, n=len(chosen))
    return Selection(chosen, counted, note)


def department_names() -> dict[str, str]:
    return {d["code"]: d["name"] for d in store.departments()}
