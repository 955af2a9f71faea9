"""Past inspections: each with its findings and the case each finding opened, in the
state the case is in now, at 80x24 and 120x40."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from core.runtime import Runtime
from plugins.feedback import inspections, reference
from plugins.feedback.cases import CaseState
from plugins.feedback.inspections import FindingDraft, InspectionDraft
from plugins.feedback.models import Case
from plugins.feedback.ui.inspection_history import InspectionHistoryScreen
from plugins.feedback.ui.inspection_screen import InspectionScreen
from tests.plugins.feedback.helpers import advance
from tests.workstation.helpers import open_as
from workstation.app import SihaoApp


def _log(runtime: Runtime, ref: str, findings: list[str], on: dt.date) -> None:
    indicators = reference.indicator_set()
    inspections.log_inspection(
        InspectionDraft(
            target_ref=ref,
            scores={i.code: "80" for i in indicators.indicators},
            findings=[FindingDraft("major", text) for text in findings],
        ),
        actor="3001",
        role="supervisor",
        site_code=runtime.config.site_code,
        indicators=indicators,
        calendar=runtime.calendar,
        case_settings=runtime.settings("feedback"),
        today=on,
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_past_inspections_with_findings_and_their_cases(
    fb_runtime: Runtime, size: tuple[int, int]
) -> None:
    _log(fb_runtime, "A01", ["叫号机故障", "导办标识缺失"], dt.date(2026, 11, 2))
    _log(fb_runtime, "A03", [], dt.date(2026, 11, 20))
    fixed = Case.get(Case.summary.contains("叫号机故障"))
    advance(fixed.id, CaseState.CALLED_BACK, CaseState.RECTIFIED, today=dt.date(2026, 11, 3))
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        form = await open_as(pilot, "3001", "feedback.inspection", InspectionScreen)
        await pilot.press("f9")  # from the inspection screen
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InspectionHistoryScreen)
        table = screen.query_one("#history", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        # Newest first: date, kind, what, score, inspector, findings, open cases.
        assert [(r[0], r[2], r[5], r[6]) for r in rows] == [
            ("2026-11-20", "窗口 A03 社会事务综合窗口", "0", "0"),
            ("2026-11-02", "窗口 A01 企业开办综合窗口", "2", "1"),
        ]
        assert rows[0][3] == "80.00" and rows[0][4] == "3001"
        await pilot.press("down")
        await pilot.pause()
        findings = screen.query_one("#history-findings", DataTable)
        shown = {str(findings.get_row_at(i)[1]): findings.get_row_at(i) for i in range(2)}
        assert shown["叫号机故障"][2] == "已整改"
        assert shown["导办标识缺失"][2] == "待回访"
        assert all(str(row[3]) for row in shown.values())  # the rectification deadline
        # Both tables are on screen at this size.
        for selector in ("#history", "#history-findings"):
            region = screen.query_one(selector).region
            assert region.height >= 3 and region.bottom <= size[1] - 2, selector
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form
