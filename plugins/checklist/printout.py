"""The checklist printed for the client: a dated PDF through the document toolkit.

One A4 document per project: the project and its enterprise, the earliest possible
completion and the critical path, the items stage by stage (lead department,
promised working days, earliest start and finish, slack, status), the materials
merged (one line per material, naming every item that needs it), and the joint
consultation's open difficulties. Printed words are Chinese whatever the steward's
UI language: the reader is the client. The date it was printed is in its title and
in every page's footer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.documents import Document, Footer, PageSetup, PaperSize, font_from_settings
from plugins.checklist.models import Project
from plugins.checklist.rules import Rules
from plugins.checklist.schedule import Plan, Status
from plugins.checklist.service import Issue

STATUS_WORDS = {Status.PLANNED: "计划", Status.DONE: "已办结", Status.LATE: "延期"}


def _site_name(code: str) -> str:
    from core.models import Site

    site = Site.get_or_none(Site.code == code) if code else None
    return str(site.name) if site is not None else (code or "政务服务中心")


def checklist_pdf(
    runtime: Any,
    project: Project,
    plan: Plan,
    rules: Rules,
    issues: list[Issue],
    *,
    printed_at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> bytes:
    printed_at = printed_at or dt.datetime.now()
    today = today or printed_at.date()
    site = _site_name(runtime.config.site_code)
    doc = Document(
        title=f"{project.name} 批前清单 {printed_at:%Y-%m-%d}",
        footer=Footer(
            site=site,
            catalog_version=f"清单规则 {rules.version}",
            document_id=project.id,
            printed_at=printed_at,
        ),
        page=PageSetup(size=PaperSize.A4, header=f"{site} · 项目管家 · 批前清单"),
        font=font_from_settings(runtime.settings("documents")),
    )
    type_name = (
        rules.types[project.project_type].name
        if project.project_type in rules.types
        else project.project_type
    )
    doc.title_block(f"{project.name} 批前清单")
    start_line = plan.start.isoformat()
    if plan.start_moved:
        start_line += f"（计划 {plan.requested_start.isoformat()} 为休息日，顺延）"
    doc.fields(
        [
            ("建设单位", project.enterprise),
            ("统一社会信用代码", project.credit_code),
            ("项目类型", type_name),
            ("计划开工准备日", start_line),
            ("最早可完成日期", f"{plan.completion.isoformat()}（共 {plan.total_days} 个工作日）"),
            ("打印日期", f"{printed_at:%Y-%m-%d}"),
        ]
    )
    if plan.estimate_years:
        years = "、".join(str(y) for y in plan.estimate_years)
        doc.paragraph(f"注：{years} 年的法定节假日尚未公布，按双休日估算。", small=True)
    names = {i.code: i.name for i in plan.items}
    doc.heading("关键路径", level=1)
    doc.paragraph(" → ".join(names[c] for c in plan.critical_path) or "—")
    for stage, items in plan.by_stage().items():
        info = rules.stages.get(stage)
        title = f"第{'一二三四'[stage - 1]}阶段 {info.name if info else ''}"
        if info and info.lead:
            title += f"（牵头：{info.lead}）"
        doc.heading(title, level=1)
        rows = []
        for item in items:
            status = STATUS_WORDS[item.status]
            if item.overdue(today):
                status = "逾期"
            rows.append([
                item.name + ("（并联）" if item.parallel else ""),
                item.department,
                str(item.days),
                item.start.isoformat(),
                item.finish.isoformat(),
                "关键" if item.critical else str(item.slack),
                status,
            ])  # fmt: skip
        doc.table(
            ["事项", "牵头部门", "承诺工作日", "最早开始", "最早完成", "机动日", "状态"],
            rows,
            widths=[0.3, 0.17, 0.1, 0.12, 0.12, 0.08, 0.11],
        )
    doc.heading("申请材料（合并）", level=1)
    doc.table(
        ["序号", "材料名称", "用于事项"],
        [[str(n), m.name, "、".join(m.items)] for n, m in enumerate(plan.materials, 1)],
        widths=[0.08, 0.32, 0.6],
    )
    open_issues = [i for i in issues if i.open]
    doc.heading("集中会诊：待解决的难点", level=1)
    if open_issues:
        doc.table(
            ["难点", "负责解决的部门", "解决时限"],
            [
                [i.difficulty, i.department, i.due.isoformat() if i.due else "—"]
                for i in open_issues
            ],
            widths=[0.55, 0.25, 0.2],
        )
    else:
        doc.paragraph("无。")
    return doc.build()
