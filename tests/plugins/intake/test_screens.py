"""The counter through the real app with Pilot: from the lookup to a printed receipt
(a refused form keeps its fields), and a case moved through its states from the case
list, at 80x24 and 120x40."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, SelectionList

from core.runtime import Runtime
from plugins.intake import service
from plugins.intake.models import IntakeCase
from plugins.intake.service import CaseState
from plugins.intake.ui.case_screen import CaseScreen
from plugins.intake.ui.cases_screen import CasesScreen
from plugins.intake.ui.intake_screen import IntakeScreen
from tests.plugins.intake.helpers import GOOD_ID, take
from tests.workstation.helpers import sign_in, wait_for
from workstation.app import SihaoApp
from workstation.widgets.print_dialog import PrintDialog

FOOD = "食品经营许可（新设）"
SIZES = [(80, 24), (120, 40)]


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


async def _type(pilot: object, app: SihaoApp, selector: str, text: str) -> None:
    app.screen.query_one(selector, Input).focus()
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press(*text)  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", SIZES)
async def test_counter_intake_from_lookup_to_a_printed_receipt(
    intake_runtime: Runtime, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = SihaoApp(intake_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.search")
        await pilot.pause()
        await pilot.press(*"开小吃店")
        table = app.screen.query_one("#lookup-results", DataTable)
        assert await wait_for(pilot, lambda: table.row_count > 0)
        assert str(table.get_row_at(0)[0]) == FOOD
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.screen.id == "lookup-item")
        await pilot.press("down", "space")  # the second situation: 含热食类食品制售 (S2)
        await pilot.press("ctrl+t")  # the intake plugin's item action
        assert await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        form = app.screen
        assert isinstance(form, IntakeScreen)
        assert form.chosen_situations() == ["S2"]
        materials = form.query_one("#intake-materials", DataTable)
        assert materials.row_count == len(service.checklist(form.item, ["S2"]))
        await _type(pilot, app, "#intake-name", "张三")
        await _type(pilot, app, "#intake-id", "370303198001011235")  # a wrong check digit
        await _type(pilot, app, "#intake-mobile", "13812345678")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)  # refused: still here, fields kept
        error = str(form.query_one("#intake-error").render())
        assert "校验码" in error or "校验" in error, error
        assert form.query_one("#intake-id", Input).has_class("invalid")
        assert form.query_one("#intake-name", Input).value == "张三"
        assert not IntakeCase.select().exists()
        field = form.query_one("#intake-id", Input)
        field.value = ""
        await _type(pilot, app, "#intake-id", GOOD_ID)
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PrintDialog), timeout=15)
        target = tmp_path / "receipt.pdf"
        app.screen.query_one("#print-path", Input).value = str(target)
        await pilot.click("#print-save")
        assert await wait_for(pilot, target.exists, timeout=15)
    case = IntakeCase.get()
    assert case.item_name == FOOD and case.window_no == "A01" and case.staff_no == "1001"
    text = _text(target)
    assert "受理回执" in text and case.case_no in text
    assert "370303********1234" in text and GOOD_ID not in text


@pytest.mark.parametrize("size", SIZES)
async def test_a_case_moved_through_its_states_from_the_case_list(
    intake_runtime: Runtime, size: tuple[int, int]
) -> None:
    case = take(intake_runtime)
    app = SihaoApp(intake_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("intake.cases")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        table = app.screen.query_one("#cases-table", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == case.case_no
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        screen = app.screen
        await pilot.press("1")  # 审查
        assert await wait_for(pilot, lambda: service.state_of(case.id) is CaseState.REVIEWING)
        await pilot.press("1")  # 办结 without a result: refused, said why
        await pilot.pause()
        assert service.state_of(case.id) is CaseState.REVIEWING
        assert "准予" in str(screen.query_one("#case-error").render())
        screen.query_one("#case-result", Select).value = "approved"
        screen.query_one("#case-licence", Input).value = "JY13703030009876"
        screen.query_one("#case-valid", Input).value = "2031-12-31"
        screen.query_one("#case-steps", DataTable).focus()
        await pilot.press("1")
        assert await wait_for(pilot, lambda: service.state_of(case.id) is CaseState.DECIDED)
        await pilot.press("1")  # 已送达
        assert await wait_for(pilot, lambda: service.state_of(case.id) is CaseState.DELIVERED)
        assert "已办结" not in str(screen.query_one("#case-next").render())
        steps = screen.query_one("#case-steps", DataTable)
        assert steps.row_count == 4
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        assert "已送达" in str(app.screen.query_one("#cases-table", DataTable).get_row_at(0)[1])
    assert service.steps(case.id)[2].licence_no == "JY13703030009876"
    assert service.verify_chain(case.id) is None


async def test_the_form_keeps_its_draft(intake_runtime: Runtime) -> None:
    app = SihaoApp(intake_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        await app.push_screen(IntakeScreen(intake_runtime, "370303-SCJG-XK-001-01"))
        await pilot.pause()
        await _type(pilot, app, "#intake-name", "李梅")
        picker = app.screen.query_one("#intake-situations", SelectionList)
        picker.select("S1")
        await pilot.pause()
        await pilot.press("escape")  # leaves the form: the draft is written
        await pilot.pause()
        await app.push_screen(IntakeScreen(intake_runtime, "370303-SCJG-XK-001-01"))
        await pilot.pause()
        form = app.screen
        assert form.query_one("#intake-name", Input).value == "李梅"
        assert form.chosen_situations() == ["S1"]  # type: ignore[attr-defined]


async def test_a_bundle_intake_picks_one_of_its_items(intake_runtime: Runtime) -> None:
    app = SihaoApp(intake_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.bundles")
        await pilot.pause()
        await pilot.press("ctrl+t")
        assert await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        form = app.screen
        assert isinstance(form, IntakeScreen) and form.bundle is not None
        items = list(form.bundle["items"])
        picker = form.query_one("#intake-item", Select)
        assert picker.value == items[0]
        picker.value = items[1]
        await pilot.pause()
        assert form.item_code == items[1]
        assert str(form.item["code"]) == items[1]


async def test_case_statistics_at_a_standalone_site(intake_runtime: Runtime) -> None:
    take(intake_runtime)
    take(intake_runtime, outcome=service.Outcome.REFUSED, reason="不符合条件")
    app = SihaoApp(intake_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "3001")
        app.open_screen("intake.stats")
        await pilot.pause()
        table = app.screen.query_one("#cases-table", DataTable)
        assert table.row_count == 1
        assert [str(c) for c in table.get_row_at(0)] == ["2026-09", "370303-ZWFW", FOOD, "2", "1"]
        assert "独立站点" in str(app.screen.query_one("#stats-note").render())


async def test_space_on_the_materials_goes_round_what_the_catalog_allows(
    intake_runtime: Runtime,
) -> None:
    app = SihaoApp(intake_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        await app.push_screen(
            IntakeScreen(intake_runtime, "370303-SCJG-XK-001-01", situations=["S2"])
        )
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IntakeScreen)
        keys = [m.key for m in form.checklist()]
        table = form.query_one("#intake-materials", DataTable)
        table.focus()
        table.move_cursor(row=keys.index("food_rules"))  # 容缺 allowed
        seen = []
        for _n in range(3):
            await pilot.press("space")
            seen.append(form.marks["food_rules"].value)
        assert seen == ["missing", "pending", "received"]
        table.move_cursor(row=keys.index("premises"))  # the applicant brings it
        await pilot.press("space", "space")
        assert form.marks["premises"].value == "received"  # missing, then back
        table.move_cursor(row=keys.index("business_licence"))  # 部门共享
        await pilot.press("space")
        assert form.marks["business_licence"].value == "received"
        await pilot.press("space")
        assert form.marks["business_licence"].value == "missing"
