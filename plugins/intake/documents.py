"""The papers of the counter, made with the document toolkit (core.documents):

- 受理回执 (receipt): the case number, item, applicant, the day taken, the promised
  completion date in working days, the materials as received, shared (不用带) or
  owed by a promised date (容缺), and, when a plugin offers one
  (``sihao_rating_link``), a QR code to rate this one case;
- 一次性告知书 (one-time notice): everything missing in one list, so the applicant
  comes back once;
- 不予受理通知书 (notice of non-acceptance): the reason.

Printed words are Chinese whatever the clerk's UI language: the reader is a citizen.
No full ID number or mobile number is printed: they are masked here, and the
toolkit's ``PersonalData.MASK`` would mask any that slipped through.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from core.documents import Document, Footer, PageSetup, PaperSize, PersonalData, font_from_settings
from core.masking import mask_id, mask_phone
from plugins.intake import service
from plugins.intake.models import IntakeCase
from plugins.intake.service import ApplicantKind, MaterialStatus

log = logging.getLogger(__name__)

RECEIPT = "受理回执"
NOTICE = "一次性告知书"
REFUSAL = "不予受理通知书"


def site_name(site_code: str) -> str:
    from core.models import Site

    site = Site.get_or_none(Site.code == site_code) if site_code else None
    return str(site.name) if site is not None else (site_code or "政务服务中心")


def title_of(case: IntakeCase) -> str:
    return {"accepted": RECEIPT, "notified": NOTICE, "refused": REFUSAL}[str(case.outcome)]


def rating_link(runtime: Any, case: IntakeCase) -> str | None:
    """The address a plugin offers for rating this case (first answer), or None; a
    plugin that fails is switched off by the host and the receipt has no QR code."""
    for _plugin, link in runtime.host.call(
        "sihao_rating_link", case=service.case_ref(case), context=runtime
    ):
        if isinstance(link, str) and link:
            return link
    return None


def _date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def _applicant_rows(case: IntakeCase) -> list[tuple[str, str]]:
    person = case.applicant_kind == ApplicantKind.PERSON.value
    rows = [
        ("申请人", f"{case.applicant_name}（{'自然人' if person else '法人'}）"),
        ("身份证号码" if person else "统一社会信用代码", mask_id(str(case.applicant_id))),
    ]
    if not person:
        rows.append(("法定代表人", str(case.legal_rep)))
    rows.append(("联系电话", mask_phone(str(case.mobile))))
    return rows


def _document(runtime: Any, case: IntakeCase, title: str) -> Document:
    site = site_name(case.site_code)
    from core.catalog import store

    return Document(
        title=f"{title} {case.case_no}",
        footer=Footer(
            site=site,
            catalog_version=store.catalog_version(),
            document_id=case.case_no,
            printed_at=None,
        ),
        page=PageSetup(size=PaperSize.A4, header=f"{site} · {title}"),
        font=font_from_settings(runtime.settings("documents")),
        personal_data=PersonalData.MASK,
    )


def _material_rows(case: IntakeCase) -> list[list[str]]:
    rows = []
    for n, material in enumerate(service.materials(case.id), 1):
        status = MaterialStatus(material.status)
        what = status.label
        if status is MaterialStatus.PENDING:
            what = f"容缺受理：{material.promise}，{_date(material.due_on)}前补交"
        rows.append([str(n), str(material.name), what])
    return rows


def receipt(runtime: Any, case: IntakeCase) -> bytes:
    """受理回执 of an accepted case."""
    doc = _document(runtime, case, RECEIPT)
    doc.title_block(RECEIPT)
    promised = "当场办结" if not case.promised_days else f"{case.promised_days}个工作日"
    doc.fields(
        [
            ("办件编号", str(case.case_no)),
            ("事项名称", str(case.item_name)),
            ("事项编码", str(case.item_code)),
            *_applicant_rows(case),
            ("受理日期", _date(case.taken_on)),
            ("承诺办结时限", promised),
            ("承诺办结日期", _date(case.promised_on)),
            ("受理窗口", f"{case.window_no or '—'}（工号 {case.staff_no}）"),
        ]
    )
    if case.due_estimate:
        doc.paragraph(
            "注：承诺办结日期按周末计算（该年度法定节假日安排尚未公布），如遇节假日顺延。",
            small=True,
        )
    doc.heading("材料收取情况", level=2)
    doc.table(["序号", "材料名称", "情况"], _material_rows(case), widths=[0.08, 0.6, 0.32])
    pending = [m for m in service.materials(case.id) if m.status == MaterialStatus.PENDING.value]
    if pending:
        doc.paragraph(
            "容缺受理的材料请在补交日期前送达；逾期未补交的，按相关规定处理。", small=True
        )
    doc.paragraph(f"请凭本回执及办件编号 {case.case_no} 查询办理进度、领取结果。")
    link = rating_link(runtime, case)
    if link:
        doc.qr(link, caption="扫码评价本次服务（好差评）", size_mm=30)
    return bytes(doc.build())


def notice(runtime: Any, case: IntakeCase) -> bytes:
    """一次性告知书 (everything missing) or 不予受理通知书 (the reason)."""
    if case.outcome == "accepted":
        return receipt(runtime, case)
    title = title_of(case)
    doc = _document(runtime, case, title)
    doc.title_block(title)
    doc.fields(
        [
            ("编号", str(case.case_no)),
            ("事项名称", str(case.item_name)),
            *_applicant_rows(case),
            ("日期", _date(case.taken_on)),
        ]
    )
    if case.outcome == "notified":
        missing = [
            m for m in service.materials(case.id) if m.status == MaterialStatus.MISSING.value
        ]
        doc.paragraph(
            f"您申请办理的“{case.item_name}”尚缺以下材料。请备齐以下全部材料后再来办理，"
            "我们一次性告知，您只需再跑一次："
        )
        doc.table(
            ["序号", "所缺材料"],
            [[str(n), str(m.name)] for n, m in enumerate(missing, 1)],
            widths=[0.1, 0.9],
        )
        shared = [m for m in service.materials(case.id) if m.status == MaterialStatus.SHARED.value]
        if shared:
            doc.paragraph(
                "以下材料由部门共享，不用带：" + "、".join(str(m.name) for m in shared), small=True
            )
    else:
        doc.paragraph(f"您申请办理的“{case.item_name}”，经审查不予受理，理由如下：")
        doc.paragraph(str(case.reason))
        doc.paragraph("如对本决定不服，可依法申请行政复议或者提起行政诉讼。", small=True)
    doc.paragraph("咨询电话：0533-2512345（12345政务服务便民热线）", small=True)
    return bytes(doc.build())


def paper_of(runtime: Any, case: IntakeCase) -> tuple[str, bytes]:
    """(title, PDF) of the paper a case's outcome gives the applicant."""
    title = title_of(case)
    return title, receipt(runtime, case) if case.outcome == "accepted" else notice(runtime, case)
