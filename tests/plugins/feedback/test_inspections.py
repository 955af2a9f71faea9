"""Inspections and walk-throughs: supervisors and officers only, weighted score, findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from core.runtime import Runtime
from plugins.feedback import inspections, reference
from plugins.feedback.inspections import FindingDraft, InspectionDraft, InspectionError
from plugins.feedback.models import Case, Finding, Inspection, InspectionScore, WalkStep
from plugins.feedback.ui.inspection_screen import InspectionScreen
from plugins.feedback.ui.walk_screen import WalkScreen
from tests.workstation.helpers import notifications, open_as, sign_in
from workstation.app import SihaoApp
from workstation.screens.home import HomeScreen

# Weights 20, 15, 20, 10, 10, 25 (data/indicators.json, version 2026.1).
SCORES = {
    "guide": 90,
    "waiting": 60,
    "attitude": 80,
    "devices": 100,
    "signage": 70,
    "one_visit": 50,
}
# (20·90 + 15·60 + 20·80 + 10·100 + 10·70 + 25·50) / 100 = 7250 / 100
EXPECTED = 72.5


async def test_officer_logs_an_inspection_with_a_finding(
    fb_runtime: Runtime, tmp_path: Path
) -> None:
    photo = tmp_path / "等候区.jpg"
    photo.write_bytes(b"\xff\xd8\xff")
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        # 周洁, experience officer
        screen = await open_as(pilot, "4001", "feedback.inspection", InspectionScreen)
        await pilot.press(*"A01")
        for code, score in SCORES.items():
            await pilot.click(f"#score-{code}")
            await pilot.press(*str(score))
        await pilot.pause()
        assert "72.50" in str(screen.query_one("#weighted", Static).render())
        await pilot.click("#finding-text")
        await pilot.press(*"叫号屏故障，群众不知轮到谁")
        screen.query_one("#finding-attachment", Input).value = str(photo)
        await pilot.press("ctrl+f")
        assert screen.query_one("#findings", DataTable).row_count == 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "72.50" in str(screen.query_one("#inspection-error", Static).render())
    inspection = Inspection.get()
    assert inspection.weighted_score == EXPECTED
    assert inspection.target_label == "企业开办综合窗口"
    assert inspection.inspector == "4001" and inspection.inspector_role == "officer"
    assert InspectionScore.select().count() == 6
    finding = Finding.get()
    assert finding.attachment == str(photo) and finding.severity == "minor"
    case = Case.get(Case.source == "finding")
    assert case.source_id == finding.id and case.window_no == "A01"
    assert "叫号屏故障" in case.summary


async def test_clerk_cannot_log_an_inspection(fb_runtime: Runtime) -> None:
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        await sign_in(pilot, "1001")  # clerk
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query("#tile-feedback-inspection")
        assert app.screen.query("#tile-feedback-rating_entry")
        app.open_screen("feedback.inspection")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "您的岗位无权打开此功能。" in notifications(app)
    draft = InspectionDraft(
        target_kind="window", target_ref="A01", scores=dict.fromkeys(SCORES, "80")
    )
    with pytest.raises(InspectionError, match="只有督查人员"):
        inspections.log_inspection(
            draft,
            actor="1001",
            role="clerk",
            site_code=fb_runtime.config.site_code,
            indicators=reference.indicator_set(),
            calendar=fb_runtime.calendar,
            case_settings=fb_runtime.settings("feedback"),
        )
    assert Inspection.select().count() == 0


def test_bad_scores_and_findings_are_refused_with_reasons(fb_runtime: Runtime) -> None:
    scores = {k: str(v) for k, v in SCORES.items()}
    scores["waiting"] = "120"
    del scores["signage"]
    draft = InspectionDraft(
        target_kind="window",
        target_ref="Z99",
        scores=scores,
        findings=[FindingDraft("minor", "", "/no/such/file.jpg")],
    )
    with pytest.raises(InspectionError) as caught:
        inspections.log_inspection(
            draft,
            actor="3001",
            role="supervisor",
            site_code=fb_runtime.config.site_code,
            indicators=reference.indicator_set(),
            calendar=fb_runtime.calendar,
            case_settings=fb_runtime.settings("feedback"),
            today=dt.date(2026, 10, 12),
        )
    message = str(caught.value)
    assert "Z99" in message
    assert "等候时间" in message and "导办标识清晰" in message
    assert "/no/such/file.jpg" in message and "描述" in message
    assert Inspection.select().count() == 0 and Case.select().count() == 0


async def test_walk_through_times_each_step(fb_runtime: Runtime) -> None:
    now = [1000.0]
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        await sign_in(pilot, "3001")
        screen = WalkScreen(fb_runtime, clock=lambda: now[0])
        await app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#walk-target-ref", Input).value = "370303-ZWFW"
        screen.query_one("#walk-target-kind").value = "site"  # type: ignore[attr-defined]
        await pilot.click("#step-name")
        await pilot.press(*"取号", "enter")
        now[0] += 35
        await pilot.press(*"等候叫号", "enter")
        now[0] += 600
        await pilot.press(*"递交材料", "enter")
        now[0] += 240.4
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "3 个环节" in str(screen.query_one("#walk-error", Static).render())
    walk = Inspection.get()
    assert walk.mode == "walk" and walk.target_label == "张店区政务服务中心"
    assert walk.weighted_score is None
    steps = list(WalkStep.select().order_by(WalkStep.seq))
    assert [(s.name, s.seconds) for s in steps] == [
        ("取号", 35.0),
        ("等候叫号", 600.0),
        ("递交材料", 240.4),
    ]


async def test_scores_typed_ahead_of_the_screen_are_all_saved(fb_runtime: Runtime) -> None:
    """An officer types the six scores with Tab between them and Ctrl+S, all before the
    screen has caught up: the save waits for the last score to reach its field."""
    from textual import events

    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await open_as(pilot, "4001", "feedback.inspection", InspectionScreen)
        await pilot.press(*"A01")
        first = next(iter(SCORES))
        await pilot.click(f"#score-{first}")
        keys: list[str] = []
        for score in SCORES.values():
            keys += [*str(score), "tab"]
        for key in [*keys[:-1], "ctrl+s"]:
            character = {"tab": "\t"}.get(key, key if len(key) == 1 else None)
            app.post_message(events.Key(key, character))
        for _ in range(5):
            await pilot.pause()
        assert "72.50" in str(screen.query_one("#inspection-error", Static).render())
    assert Inspection.get().weighted_score == EXPECTED
