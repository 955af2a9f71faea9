"""The document toolkit on its own: a typical guide, and a guide with 60 materials.

    .venv/bin/python bench/documents.py --runs 50

A "typical guide" is what the guides plugin prints most: title, a few paragraphs,
the item's details, a 12-row materials table, a 5-step flow chart with one step
outside the deadline, and a QR code, on A4, rendered to bytes in memory (writing
the file is the disk's business). The first render of a process pays for the
reportlab imports and the font registration; it is reported apart (``first_s``)
and left out of the percentiles, which are what a clerk waits for at the counter.
Budget (DESIGN.md): a guide in ≤ 0.08 s at p95.

Last line: JSON {"guide_p50_s", "guide_p95_s", "long_p95_s", "first_s", "runs"}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.documents import Document, FlowStep, Footer, PageSetup  # noqa: E402

STEPS = [
    FlowStep("申请"),
    FlowStep("受理", "1个工作日"),
    FlowStep("审查", "3个工作日"),
    FlowStep("现场核查", "5个工作日", counts=False),
    FlowStep("决定", "1个工作日"),
]


def guide(materials: int, n: int = 0) -> bytes:
    code = f"370300-000-XK-{n:04d}"  # a new item each time: no cached QR code
    doc = Document(
        title="食品经营许可 办事指南",
        footer=Footer(
            site="张店区政务服务中心",
            catalog_version="2026.12.01-3",
            document_id=code,
            printed_at=datetime(2026, 12, 7, 9, 30),
        ),
        page=PageSetup(header="淄博市政务服务 · 白话版办事指南"),
    )
    doc.title_block("食品经营许可（新设）白话版办事指南")
    doc.heading("一、谁可以办")
    doc.paragraph("在张店区开饭店、小吃店、食堂的个人或企业，从事食品销售和餐饮服务的。")
    doc.fields(
        [
            ("事项编码", code),
            ("实施机关", "张店区行政审批服务局"),
            ("承诺办结时限", "5个工作日"),
            ("收费", "不收费"),
            ("咨询电话", "0533-2512345"),
        ]
    )
    doc.heading("二、要带的材料")
    doc.table(
        ["序号", "材料名称", "形式", "份数"],
        [
            [str(i), f"材料{i}：营业执照副本复印件（加盖公章）", "复印件", "1"]
            for i in range(1, materials + 1)
        ],
        widths=[0.1, 0.6, 0.15, 0.15],
    )
    doc.heading("三、怎么办")
    doc.flow(STEPS)
    doc.qr(f"https://zwfw.zibo.gov.cn/item/{code}", caption="扫码在线办理")
    return doc.build()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    start = time.perf_counter()
    guide(12)
    first = time.perf_counter() - start
    typical, long = [], []
    for n in range(1, args.runs + 1):
        start = time.perf_counter()
        guide(12, n)
        typical.append(time.perf_counter() - start)
    for n in range(max(5, args.runs // 5)):
        start = time.perf_counter()
        guide(60, 1000 + n)
        long.append(time.perf_counter() - start)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]

    print(
        json.dumps(
            {
                "guide_p50_s": round(statistics.median(typical), 4),
                "guide_p95_s": round(p95(typical), 4),
                "long_p95_s": round(p95(long), 4),
                "first_s": round(first, 3),
                "runs": args.runs,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
