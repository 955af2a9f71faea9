"""Guides, bundle guides, the handbook and the QR wall laid out with the document
toolkit (core.documents: font, pages, footer, tables, flow chart, QR codes).

Printed words are Chinese whatever the clerk's UI language: the reader is a citizen.
Every document carries the toolkit's footer: site, printed at, catalog version, the
item (or bundle) code, page x / y, so a stale printout can be recognised. Guides
refuse personal data outright (``PersonalData.REFUSE``): they are about an item,
never a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.catalog import store
from core.documents import (
    Document,
    FlowStep,
    Font,
    Footer,
    PageSetup,
    PaperSize,
    PersonalData,
    font_from_settings,
)
from core.i18n import _
from plugins.guides import service
from plugins.guides.service import MaterialRow, SiteInfo

HANDBOOK_TITLE = "审批服务高频事项办事指南"
MATERIAL_HEADER = ["序号", "材料", "怎么准备", "份数", "空白表格或样本"]
MATERIAL_WIDTHS = [0.07, 0.4, 0.22, 0.08, 0.23]
AUDIENCES = ("个人", "企业", "个人和企业")


@dataclass(frozen=True)
class Setup:
    """What every document of one run shares: the site, the catalog, the settings."""

    site: SiteInfo
    catalog_version: str
    words: dict[str, str]
    url_template: str
    paper: PaperSize
    font: Font
    printed_at: datetime

    def footer(self, document_id: str) -> Footer:
        return Footer(
            site=self.site.name,
            catalog_version=self.catalog_version,
            document_id=document_id,
            printed_at=self.printed_at,
        )

    def page(self, paper: PaperSize | None = None) -> PageSetup:
        return PageSetup(size=paper or self.paper, header=f"{self.site.name} · 白话版办事指南")


def setup_for(runtime: Any, *, paper: str | None = None) -> Setup:
    """The shared parts, read once; a bad paper or URL setting is a GuideError."""
    settings = runtime.settings("guides")
    chosen = (paper or str(settings.get("paper", "A4"))).upper()
    if chosen not in PaperSize.__members__:
        raise service.GuideError(
            _("Paper {paper} is not available; use {choices}.").format(
                paper=chosen, choices="、".join(PaperSize.__members__)
            )
        )
    template = str(settings.get("qr_url_template") or service.DEFAULT_URL_TEMPLATE)
    service.guide_url(template, "check")  # a broken template is said before any work
    return Setup(
        site=service.site_info(runtime),
        catalog_version=store.catalog_version(),
        words=service.glossary(),
        url_template=template,
        paper=PaperSize(chosen),
        font=font_from_settings(runtime.settings("documents")),
        printed_at=datetime.now(),
    )


def _document(
    setup: Setup, title: str, document_id: str, paper: PaperSize | None = None
) -> Document:
    return Document(
        title=title,
        footer=setup.footer(document_id),
        page=setup.page(paper),
        font=setup.font,
        personal_data=PersonalData.REFUSE,
    )


# -- one item ------------------------------------------------------------------------
def _materials_table(doc: Document, rows: list[MaterialRow], *, bundle: bool = False) -> None:
    header = [*MATERIAL_HEADER, "哪些事项要用"] if bundle else MATERIAL_HEADER
    widths = [0.06, 0.32, 0.2, 0.07, 0.2, 0.15] if bundle else MATERIAL_WIDTHS
    body = []
    for n, row in enumerate(rows, 1):
        line = [str(n), row.name, row.how, row.copies, row.sample]
        if bundle:
            used = "、".join(f"第{i}项" for i in row.used_by)
            line.append(used + ("（部分情形）" if row.conditional else ""))
        body.append(line)
    doc.table(header, body, widths=widths)


def item_body(doc: Document, item: dict[str, Any], chosen: list[str], setup: Setup) -> list[str]:
    """Add an item's guide to ``doc``; return the texts printed (for the glossary)."""
    words = setup.words
    departments = service.department_names()
    situations = service.chosen_situations(item, chosen)
    printed: list[str] = [item["name"]]

    doc.heading("一、这件事是什么", level=2)
    facts = [
        ("事项名称", item["name"]),
        ("事项编码", item["code"]),
        ("事项类型", item["item_type"]),
        ("谁来办", departments.get(item["department"], item["department"])),
        ("实施机关", item["implementing_body"]),
        ("谁可以申请", "、".join(item["service_object"]) or "—"),
        ("办理时限", service.days_text(item)),
        ("要跑几次", service.visits_text(item["visits"], item["online"])),
        ("收费", service.fee_text(item)),
    ]
    if item["result_name"]:
        result = item["result_name"]
        if item["result_validity"]:
            result += f"（有效期：{item['result_validity']}）"
        facts.append(("办好后拿到", result))
    if item["legal_basis"]:
        facts.append(("办理依据", item["legal_basis"]))
    facts = [(k, v) for k, v in facts if v]
    doc.fields(facts, label_width=0.2)
    printed += [v for _k, v in facts]

    doc.heading("二、什么条件可以办", level=2)
    if chosen and item["situations"]:
        doc.paragraph("您的情形：" + "、".join(s["name"] for s in situations))
    shown = [s for s in situations if s["conditions"]]
    if not shown:
        doc.paragraph("目录中没有列出本事项的办理条件，请向窗口咨询。")
    for situation in shown:
        if len(item["situations"]) > 1 or chosen:
            doc.heading(situation["name"], level=3)
        doc.bullets(situation["conditions"])
        printed += situation["conditions"]

    doc.heading("三、要带什么材料", level=2)
    rows = service.material_rows(item, chosen, words)
    if rows:
        _materials_table(doc, rows)
        printed += [r.name for r in rows]
    else:
        doc.paragraph("目录中没有列出本事项的申请材料，请向窗口咨询。")

    doc.heading("四、怎么办（办理流程）", level=2)
    steps = item["steps"]
    if steps:
        doc.flow([FlowStep(s["name"], service.step_time(s), s["counts"]) for s in steps])
        apart = [s["name"] for s in steps if not s["counts"]]
        if apart:
            doc.paragraph(
                f"虚线框中的环节（{'、'.join(apart)}）不计入办结时限，所需时间另算。", small=True
            )
        printed += [s["name"] for s in steps]
    else:
        doc.paragraph("目录中没有列出本事项的办理步骤，请向窗口咨询。")

    doc.heading("五、在哪儿办、找谁问", level=2)
    where = service.where_rows(item, setup.site)
    doc.fields(where, label_width=0.2)
    url, caption = service.qr_target(item, setup.url_template)
    if item["online"] and item["online_url"]:
        doc.paragraph(f"网上办理：{item['online_url']}", small=True)
    doc.qr(url, caption=caption, size_mm=30)

    if item["faq"]:
        doc.heading("六、常见问题", level=2)
        for entry in item["faq"]:
            doc.paragraph(f"问：{entry['q']}\n答：{entry['a']}")
            printed += [entry["q"], entry["a"]]
    return printed


def _glossary_list(doc: Document, printed: list[str], words: dict[str, str]) -> None:
    used = service.terms_used(printed, words)
    if used:
        doc.heading("看不懂的词", level=2)
        # one paragraph of lines: a dozen one-line paragraphs cost a dozen layouts
        doc.paragraph("\n".join(f"• {term}：{plain}" for term, plain in used))


def guide_document(item: dict[str, Any], chosen: list[str], setup: Setup) -> Document:
    """The plain-language guide of one item for the chosen situation codes."""
    doc = _document(setup, f"{item['name']} 办事指南", item["code"])
    doc.title_block(f"{item['name']} 办事指南")
    printed = item_body(doc, item, chosen, setup)
    printed += [service.days_text(item), "法定办结时限", "工作日"]
    _glossary_list(doc, printed, setup.words)
    return doc


def item_guide(
    runtime: Any, code: str, situations: Iterable[str] = ()
) -> tuple[dict[str, Any], bytes]:
    """(item, PDF) of ``code``'s guide for ``situations`` (codes or names)."""
    item = store.get_item(code)
    if item is None:
        raise service.GuideError(
            _(
                "Item code {code} is not in this workstation's catalog: check the code,"
                " or sync the catalog first."
            ).format(code=code)
        )
    chosen = service.resolve_situations(item, list(situations))
    return item, guide_document(item, chosen, setup_for(runtime)).build()


# -- a one-thing bundle --------------------------------------------------------------
def bundle_document(bundle: dict[str, Any], setup: Setup) -> Document:
    guide = service.bundle_guide(bundle, setup.words)
    departments = service.department_names()
    doc = _document(setup, f"{bundle['name']} 一件事办事指南", bundle["code"])
    doc.title_block(f"{bundle['name']}（一件事）办事指南")
    printed = [bundle["name"], bundle["description"]]
    if bundle["description"]:
        doc.paragraph(bundle["description"])
    doc.heading("一、要办的事项（按顺序）", level=2)
    doc.table(
        ["顺序", "事项", "谁来办", "办理时限", "要跑几次"],
        [
            [
                str(n),
                item["name"],
                departments.get(item["department"], item["department"]),
                service.days_text(item),
                service.visits_text(item["visits"], item["online"]),
            ]
            for n, item in enumerate(guide.items, 1)
        ],
        widths=[0.08, 0.34, 0.2, 0.24, 0.14],
    )
    if guide.missing:
        doc.paragraph(
            f"以下事项不在本机目录中，请向窗口咨询：{'、'.join(guide.missing)}", small=True
        )
    doc.heading("二、要带什么材料（几个事项都要的只列一次）", level=2)
    if guide.materials:
        _materials_table(doc, guide.materials, bundle=True)
        printed += [m.name for m in guide.materials]
    else:
        doc.paragraph("目录中没有列出这些事项的申请材料，请向窗口咨询。")
    doc.heading("三、怎么办（办理流程）", level=2)
    if guide.items:
        doc.flow(
            [
                FlowStep(
                    f"{n}. {item['name']}",
                    "当场办结" if item["on_the_spot"] else f"{item['promised_days']}个工作日",
                )
                for n, item in enumerate(guide.items, 1)
            ]
        )
    else:
        doc.paragraph("本一件事没有可办的事项，请向窗口咨询。")
    doc.heading("四、在哪儿办、找谁问", level=2)
    point = setup.site.point or {}
    doc.fields(
        [
            ("在哪儿办", f"{point['name']}，{point['address']}" if point else setup.site.name),
            ("什么时间", point.get("hours", "") or "请向窗口咨询"),
            ("咨询电话", point.get("phone", "") or "请向窗口咨询"),
        ],
        label_width=0.2,
    )
    for item in guide.items:
        printed += [s["name"] for s in item["steps"]]
    _glossary_list(doc, printed, setup.words)
    return doc


def bundle_guide(runtime: Any, name: str) -> tuple[dict[str, Any], bytes]:
    bundle = service.find_bundle(name)
    return bundle, bundle_document(bundle, setup_for(runtime)).build()


# -- the handbook --------------------------------------------------------------------
def handbook_document(selection: service.Selection, setup: Setup, *, scope: str) -> Document:
    """Cover, contents, then the items grouped by audience and department, each item
    on its own pages with its code in the footer; a bookmark per group, department
    and item."""
    departments = service.department_names()
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {a: {} for a in AUDIENCES}
    for item in selection.items:
        by_department = groups[service.audience(item)]
        by_department.setdefault(item["department"], []).append(item)
    doc = _document(setup, HANDBOOK_TITLE, "")
    doc.spacer(60)
    doc.title_block(f"《{HANDBOOK_TITLE}》")
    doc.paragraph(setup.site.name)
    doc.paragraph(f"{scope}，共 {len(selection.items)} 项")
    doc.paragraph(f"目录版本 {setup.catalog_version or '—'}    {setup.printed_at:%Y年%m月%d日}印")
    doc.page_break()
    doc.heading("目录", level=1)
    entries: list[tuple[str, str, int]] = []
    for group, by_department in groups.items():
        if not by_department:
            continue
        entries.append((f"{group}办事", f"g-{group}", 0))
        for department, items in by_department.items():
            entries.append((departments.get(department, department), f"d-{group}-{department}", 1))
            entries += [(item["name"], f"i-{item['code']}", 2) for item in items]
    doc.contents(entries)
    words = setup.words
    printed: list[str] = ["法定办结时限", "承诺办结时限", "工作日"]
    for group, by_department in groups.items():
        first_of_group = True
        for department, items in by_department.items():
            for n, item in enumerate(items):
                doc.section(item["code"])
                if first_of_group:
                    doc.bookmark(f"{group}办事", key=f"g-{group}", level=0)
                    first_of_group = False
                name = departments.get(department, department)
                if n == 0:
                    doc.bookmark(name, key=f"d-{group}-{department}", level=1)
                doc.bookmark(item["name"], key=f"i-{item['code']}", level=2)
                doc.paragraph(f"{group}办事 · {name}", small=True)  # where in the book
                doc.heading(item["name"], level=1)
                printed += item_body(doc, item, [], setup)
    # one list of words at the end of the book rather than one per item
    doc.section("", new_page=True)
    _glossary_list(doc, printed, words)
    return doc


def handbook(
    runtime: Any, *, top: int, category: str = "", paper: str | None = None
) -> tuple[service.Selection, bytes]:
    selection = service.select_items(top, category)
    scope = f"{category}类事项" if category else f"本中心办得最多的前 {top} 项"
    setup = setup_for(runtime, paper=paper)
    return selection, handbook_document(selection, setup, scope=scope).build()


# -- the QR wall ---------------------------------------------------------------------
def qrwall_document(selection: service.Selection, setup: Setup) -> Document:
    paper = setup.paper
    doc = _document(setup, "扫码看办事指南", "扫码墙", paper)
    doc.title_block("扫码看办事指南")
    doc.paragraph(f"{setup.site.name} · 用手机扫一扫，看看要带什么材料、怎么办")
    columns = 6 if paper is PaperSize.A3 else 4
    doc.qr_grid(
        [(service.guide_url(setup.url_template, i["code"]), i["name"]) for i in selection.items],
        columns=columns,
        size_mm=40,  # 34 mm codes were missed now and then by a 200 dpi scan of a full sheet
    )
    return doc


def qrwall(
    runtime: Any, *, top: int, category: str = "", paper: str = "A4"
) -> tuple[service.Selection, bytes]:
    selection = service.select_items(top, category)
    return selection, qrwall_document(selection, setup_for(runtime, paper=paper)).build()
