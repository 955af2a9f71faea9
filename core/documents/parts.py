"""The plain data a document is described with (no reportlab here: cheap to import).

Printed text is for citizens: the fixed words on a page (footer labels, the flow
chart's lane titles) are Chinese whatever the clerk's UI language, like the domain
data around them. Only error sentences for the clerk go through gettext.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class PaperSize(enum.StrEnum):
    A3 = "A3"  # wall sheets (the QR wall of a hall)
    A4 = "A4"
    A5 = "A5"


class PersonalData(enum.StrEnum):
    """What a document does with an ID number or mobile number found in its text.

    ``MASK`` (the default) prints 370303********1239 and 138****5678 (receipts,
    notices); ``REFUSE`` stops with ``PersonalDataFound`` (guides, which carry none).
    """

    MASK = "mask"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Footer:
    """What every page says at its foot, so a stale printout can be recognised."""

    site: str  # the site's name, e.g. 张店区政务服务中心
    catalog_version: str = ""  # the catalog version the content came from
    document_id: str = ""  # item code, case number or document number
    printed_at: datetime | None = None  # None: the time of rendering (local time)


@dataclass(frozen=True)
class PageSetup:
    size: PaperSize = PaperSize.A4
    landscape: bool = False
    header: str = ""  # a line at the top of every page ("" for none)
    # Margins in millimetres. The footer sits inside the bottom margin, which must
    # therefore be at least 14 mm.
    top_mm: float = 18.0
    right_mm: float = 15.0
    bottom_mm: float = 20.0
    left_mm: float = 15.0


@dataclass(frozen=True)
class FlowStep:
    """One step of a procedure for the flow chart (申请 → 受理 → 审查 → 决定 → 送达).

    A step that does not count toward the legal deadline (听证, 检验, 检测, 鉴定,
    专家评审: 行政许可法 art. 45) has ``counts=False`` and is drawn apart, labelled.
    """

    name: str
    time_limit: str = ""  # as printed: "1个工作日", "当场办结", "" for none
    counts: bool = True
