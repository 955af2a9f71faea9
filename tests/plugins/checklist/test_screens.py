"""A steward at the counter, driven by Pilot through the real app: a new project, an
attribute changed and the items it brings appearing at once, bad input said in a
sentence with everything typed kept, the project's checklist and Gantt chart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static

from core.drafts import load
from core.runtime import Runtime
from plugins.checklist.models import Project, ProjectEvent
from plugins.checklist.ui.project_form import ProjectFormScreen
from plugins.checklist.ui.project_screen import ProjectScreen
from plugins.checklist.ui.projects_screen import ProjectsScreen
from tests.plugins.checklist.conftest import CREDIT_CODE
from tests.workstation.helpers import open_as, sign_in, tile_ids, wait_for
from workstation.app import SihaoApp


def _codes(table: DataTable[str]) -> list[str]:
    return [str(table.coordinate_to_cell_key((r, 0)).row_key.value) for r in range(table.row_count)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_steward_creates_a_project_and_items_follow_the_attributes(
    cl_runtime: Runtime, size: tuple[int, int]
) -> None:
    app = SihaoApp(cl_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        screen = await open_as(pilot, "2001", "checklist.projects", ProjectsScreen)
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ProjectFormScreen))
        form = app.screen
        form.query_one("#name", Input).value = "淄博新材料产业园一期"
        form.query_one("#enterprise", Input).value = "淄博新材料科技有限公司"
        form.query_one("#credit-code", Input).value = CREDIT_CODE
        form.query_one("#type", Select).value = "social"
        form.query_one("#start", Input).value = "2026-03-02"
        form.query_one("#attr-env_category", Select).value = "报告表"
        await pilot.pause()
        preview = form.query_one("#form-preview", DataTable)
        assert await wait_for(pilot, lambda: "HPBB" in _codes(preview))
        assert "RFSJ" not in _codes(preview)  # no civil air defence works yet

        # The steward ticks 需修建人防工程: the civil air defence review appears at once.
        box = form.query_one("#attr-civil_air_defence", Checkbox)
        box.focus()
        await pilot.press("space")
        assert await wait_for(pilot, lambda: "RFSJ" in _codes(preview))
        summary = str(form.query_one("#preview-summary", Static).render())
        assert f"共 {preview.row_count} 个事项" in summary
        assert summary.endswith("+ 人防工程设计审查")  # said at the top of the form

        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ProjectScreen))
        project = Project.get()
        assert project.steward == "2001" and project.credit_code == CREDIT_CODE
        items = app.screen.query_one("#project-items", DataTable)
        assert "RFSJ" in _codes(items) and "HPBB" in _codes(items)
        gantt = str(app.screen.query_one("#project-gantt", Static).render())
        assert "█" in gantt
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProjectsScreen)
        table = screen.query_one("#projects-table", DataTable)
        assert table.row_count == 1


async def test_wrong_attribute_type_and_holiday_start_are_said_and_the_form_is_kept(
    cl_runtime: Runtime,
) -> None:
    app = SihaoApp(cl_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_as(pilot, "2001", "checklist.projects", ProjectsScreen)
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ProjectFormScreen))
        form = app.screen
        form.query_one("#name", Input).value = "华光路商业综合体"
        form.query_one("#enterprise", Input).value = "淄博华光置业有限公司"
        form.query_one("#credit-code", Input).value = CREDIT_CODE
        form.query_one("#type", Select).value = "social"
        form.query_one("#start", Input).value = "2026-10-03"  # National Day
        form.query_one("#attr-land_area", Input).value = "一万"
        await pilot.pause()
        error = form.query_one("#form-error", Static)
        assert await wait_for(pilot, lambda: "用地面积（平方米）必须是数字" in str(error.render()))
        note = str(form.query_one("#form-note", Static).render())
        assert "2026-10-03 不是工作日" in note and "2026-10-08" in note
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ProjectFormScreen)  # refused, nothing saved
        assert Project.select().count() == 0
        assert form.query_one("#attr-land_area", Input).value == "一万"
        # What was typed waits as a draft: leave and come back.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ProjectFormScreen))
        again = app.screen
        assert await wait_for(
            pilot, lambda: again.query_one("#name", Input).value == "华光路商业综合体"
        )
        assert again.query_one("#attr-land_area", Input).value == "一万"
        assert load("2001", "checklist.project") is not None
        # Corrected, it saves; the plan starts on the next working day.
        again.query_one("#attr-land_area", Input).value = "12000"
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ProjectScreen))
        project = Project.get()
        assert project.planned_start.isoformat() == "2026-10-03"
        note = str(app.screen.query_one("#project-note", Static).render())
        assert "2026-10-08" in note
        assert load("2001", "checklist.project") is None


async def test_changing_an_attribute_and_marking_an_item_done_move_the_plan(
    cl_runtime: Runtime,
) -> None:
    from plugins.checklist import service

    rules = service.current_rules()
    checked = service.check(
        service.ProjectForm(
            name="齐鲁化工新材料项目", enterprise="淄博齐鲁新材料有限公司", credit_code=CREDIT_CODE,
            project_type="social", attributes={"new_land": True}, planned_start="2026-03-02",
        ),
        rules, cl_runtime.calendar,
    )  # fmt: skip
    project = service.create_project(
        checked, rules, actor="2001", site_code=cl_runtime.config.site_code, role="steward"
    )
    app = SihaoApp(cl_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "2001")
        assert "tile-checklist-projects" in tile_ids(app)
        # Started in March 2026 and nothing marked done: every item is overdue by now.
        tile = app.screen.query_one("#tile-checklist-projects", Button)
        plan = service.plan_for(project, rules, cl_runtime.calendar)
        overdue = len(plan.overdue(dt.date.today()))
        assert overdue and f"{overdue} 项逾期" in str(tile.label) and tile.has_class("alert")
        await app.push_screen(ProjectScreen(cl_runtime, project.id))
        await pilot.pause()
        screen = app.screen
        items = screen.query_one("#project-items", DataTable)
        assert "JNSC" not in _codes(items)
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ProjectFormScreen))
        app.screen.query_one("#attr-energy_use", Input).value = "1500"
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: app.screen is screen)
        assert await wait_for(pilot, lambda: "JNSC" in _codes(items))
        kinds = [e.kind for e in ProjectEvent.select()]
        assert kinds == ["attributes"]
        # The first item done three working days late: everything after it moves.
        before = screen.plan.completion  # type: ignore[attr-defined]
        items.move_cursor(row=_codes(items).index("LXBA"))
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#dialog-day", Input).value = "2026-03-06"
        await pilot.press("enter")
        await pilot.pause()
        assert await wait_for(pilot, lambda: app.screen is screen)
        after = screen.plan.completion  # type: ignore[attr-defined]
        assert cl_runtime.calendar.working_days_between(before, after) == 3


async def test_the_checklist_prints_through_the_print_dialog(
    cl_runtime: Runtime, tmp_path: Path
) -> None:
    import subprocess

    from plugins.checklist import service
    from workstation.widgets.print_dialog import PrintDialog

    rules = service.current_rules()
    checked = service.check(
        service.ProjectForm(
            name="张店东部热电联产", enterprise="淄博热力有限公司", credit_code=CREDIT_CODE,
            project_type="government", attributes={"energy_use": "5000"}, planned_start="2026-03-02",
        ),
        rules, cl_runtime.calendar,
    )  # fmt: skip
    project = service.create_project(
        checked, rules, actor="2001", site_code=cl_runtime.config.site_code, role="steward"
    )
    app = SihaoApp(cl_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "2001")
        await app.push_screen(ProjectScreen(cl_runtime, project.id))
        await pilot.pause()
        await pilot.press("p")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PrintDialog), timeout=15)
        target = tmp_path / "checklist.pdf"
        app.screen.query_one("#print-path", Input).value = str(target)
        await pilot.click("#print-save")
        assert await wait_for(pilot, lambda: target.exists(), timeout=15)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "张店东部热电联产批前清单" in flat
    assert (
        "项目建议书及可行性研究报告审批" in flat and "节能审查" in flat
    )  # 政府投资, energy ≥ 1000
    assert "企业投资项目备案" not in flat  # social investment only


def test_english_sentences_with_lang_en(cl_runtime: Runtime) -> None:
    from core.i18n import set_language
    from plugins.checklist import service

    set_language("en")
    checked = service.check(
        service.ProjectForm(name="x", enterprise="y", credit_code=CREDIT_CODE, project_type="social",
                            attributes={"land_area": "一万"}, planned_start="2026-10-03"),
        service.current_rules(), cl_runtime.calendar,
    )  # fmt: skip
    assert checked.problems == ["用地面积（平方米） must be a number (digits only), not “一万”."]
    assert checked.notes == [
        "2026-10-03 is not a working day: the plan starts on the next one, 2026-10-08."
    ]


async def test_the_change_form_asks_before_sign_out_only_when_something_changed(
    cl_runtime: Runtime,
) -> None:
    from plugins.checklist import service

    rules = service.current_rules()
    checked = service.check(
        service.ProjectForm(name="周村古商城改造", enterprise="淄博周村文旅有限公司",
                            credit_code=CREDIT_CODE, project_type="small",
                            attributes={"land_area": "800", "flood_zone": True},
                            planned_start="2026-03-02"),
        rules, cl_runtime.calendar,
    )  # fmt: skip
    project = service.create_project(
        checked, rules, actor="2001", site_code=cl_runtime.config.site_code, role="steward"
    )
    app = SihaoApp(cl_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "2001")
        await app.push_screen(ProjectScreen(cl_runtime, project.id))
        await pilot.pause()
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ProjectFormScreen))
        form = app.screen
        await pilot.pause(0.3)
        assert form.query_one("#attr-land_area", Input).value == "800"
        assert form.query_one("#attr-flood_zone", Checkbox).value is True
        assert form.unsaved_input() is None
        form.query_one("#attr-land_area", Input).value = "900"
        await pilot.pause()
        assert form.unsaved_input() == "未保存的项目表单（已存为草稿）"
