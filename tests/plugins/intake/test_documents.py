"""The counter's papers made for real and read back with poppler (and zbar for the
QR code): the receipt's promised date across National Day, the one-time notice of
everything missing, the notice of non-acceptance, and no full ID or mobile number."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

from core.plugins import hookimpl
from core.runtime import Runtime
from plugins.intake import documents
from plugins.intake.service import MaterialStatus, Outcome
from tests.core.documents.pdf import decode_qr
from tests.plugins.intake.helpers import GOOD_ID, org, take


def _text(tmp_path: Path, data: bytes, name: str = "paper.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"\s+", "", out)


def test_receipt_promises_the_date_after_national_day_and_masks_the_applicant(
    intake_runtime: Runtime, tmp_path: Path
) -> None:
    case = take(intake_runtime, today=dt.date(2026, 9, 28), food_rules=MaterialStatus.PENDING)
    title, pdf = documents.paper_of(intake_runtime, case)
    assert title == "受理回执"
    text = _text(tmp_path, pdf)
    assert "受理回执" in text and case.case_no in text
    assert "承诺办结时限3个工作日" in text
    assert "承诺办结日期2026年10月8日" in text  # not 10月1日: National Day is off
    assert "受理日期2026年9月28日" in text
    assert "370303********1234" in text and GOOD_ID not in text
    assert "138****5678" in text and "13812345678" not in text
    assert "容缺受理：三日内补交，2026年10月6日前补交" in text
    assert "部门共享（不用带）" in text
    assert "扫码评价" not in text  # no plugin offers a rating link: no QR, no error


class RatingLink:
    @hookimpl
    def sihao_rating_link(self, case: Any, context: Any) -> str:
        return f"https://pj.zibo.example/r/{case.case_no}"


def test_receipt_carries_the_rating_link_as_a_qr_code(
    intake_runtime: Runtime, tmp_path: Path
) -> None:
    intake_runtime.host.register_object("kiosk_link", RatingLink())
    case = take(intake_runtime, today=dt.date(2026, 10, 12))
    path = tmp_path / "receipt.pdf"
    path.write_bytes(documents.receipt(intake_runtime, case))
    assert decode_qr(path, 1, tmp_path) == [f"https://pj.zibo.example/r/{case.case_no}"]


def test_one_time_notice_lists_everything_missing_once(
    intake_runtime: Runtime, tmp_path: Path
) -> None:
    case = take(
        intake_runtime,
        applicant=org(),
        outcome=Outcome.NOTIFIED,
        premises=MaterialStatus.MISSING,
        food_layout=MaterialStatus.MISSING,
    )
    title, pdf = documents.paper_of(intake_runtime, case)
    text = _text(tmp_path, pdf)
    assert title == "一次性告知书" and "一次性告知书" in text
    assert "经营场所使用证明（不动产权证书或租赁合同）" in text
    assert "与食品经营相适应的主要设备设施" in text
    assert "食品经营许可申请书" not in text.split("所缺材料", 1)[1].split("以下材料由部门共享")[0]
    assert "法定代表人李四" in text
    assert org().id_number not in text and "139****5678" in text


def test_notice_of_non_acceptance_gives_the_reason(intake_runtime: Runtime, tmp_path: Path) -> None:
    case = take(intake_runtime, outcome=Outcome.REFUSED, reason="经营场所位于居民住宅楼内")
    title, pdf = documents.paper_of(intake_runtime, case)
    text = _text(tmp_path, pdf)
    assert title == "不予受理通知书"
    assert "经营场所位于居民住宅楼内" in text and GOOD_ID not in text
