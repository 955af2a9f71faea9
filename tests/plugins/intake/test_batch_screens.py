"""The batch screens driven by Pilot through the real app: from an item's action to
the import (a bad row listed with its column, fixed on screen), the package review
with an exception, and the batch issue with its progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, DirectoryTree, Input, ProgressBar, Static

from core.config import save_site_config
from core.runtime import Runtime
from plugins.intake.batch_models import BatchCertificate, BatchRow, BatchState, IntakeBatch
from tests.conftest import make_runtime
from tests.plugins.intake.batch_files import workbook
from tests.plugins.intake.helpers import FOOD, GOOD_ID
from tests.workstation.helpers import sign_in, wait_for
from workstation.app import SihaoApp

S1 = "仅销售预包装食品（含保健食品等特殊食品）"
S2 = "含热食类食品制售"
HEADER = [
    "姓名/单位名称",
    "证件号码/统一社会信用代码",
    "法定代表人",
    "手机号码",
    "申请日期",
    S1,
    S2,
]


def person_id(n: int) -> str:
    from stdnum.cn import ric

    body = f"37030319900101{n:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def screens_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["lookup", "intake"])
    rt.config.plugin_settings["intake"] = {"batch_inbox": False}
    save_site_config(rt.paths.site_config, rt.config)
    rt.apply_policy()
    yield rt
    rt.shutdown()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_import_fix_review_and_issue_at_the_counter(
    screens_runtime: Runtime, tmp_path: Path, size: tuple[int, int]
) -> None:
    rows = [HEADER]
    for n in range(1, 6):
        rows.append([f"申请人{n}", person_id(n), "", f"1381234567{n}", "", "是", ""])
    rows[3][3] = "1381234"  # row 4: a short mobile
    path = workbook(tmp_path / "名单.xlsx", rows)
    app = SihaoApp(screens_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        from plugins.lookup.ui.item_screen import ItemScreen

        await app.push_screen(ItemScreen(screens_runtime, FOOD))
        await pilot.pause()
        action = next(
            a for a in screens_runtime.item_actions({"code": FOOD}) if a.id == "intake.batch_import"
        )
        action.run({"code": FOOD}, screens_runtime)  # what the item's action button does
        assert await wait_for(
            pilot, lambda: app.screen.id == "batch-import" and bool(app.screen.query("#item-code"))
        )
        await pilot.pause()
        assert app.screen.query_one("#item-code", Input).value == FOOD
        assert app.screen.query_one("#file-path", Input).has_focus
        await pilot.press("f2")  # browse to the file
        tree = app.screen.query_one("#file-tree", DirectoryTree)
        assert tree.display and tree.has_focus
        tree.path = tmp_path
        assert await wait_for(
            pilot, lambda: any(str(n.label) == "名单.xlsx" for n in tree.root.children)
        )
        line = next(i for i, n in enumerate(tree.root.children) if str(n.label) == "名单.xlsx")
        tree.cursor_line = line + 1  # below the root
        await pilot.press("enter")
        field = app.screen.query_one("#file-path", Input)
        assert await wait_for(pilot, lambda: field.value == str(path) and field.has_focus)
        assert not tree.display
        await pilot.press("enter")
        problems = app.screen.query_one("#problems", DataTable)
        assert await wait_for(pilot, lambda: problems.row_count == 1, timeout=15)
        assert [str(c) for c in problems.get_row_at(0)][:2] == ["4", "手机号码"]
        summary = str(app.screen.query_one("#import-summary", Static).render())
        assert "通过 4 行，未通过 1 行" in summary and "名单-错误行.xlsx" in summary
        assert (tmp_path / "名单-错误行.xlsx").exists()
        problems.focus()
        await pilot.press("enter")  # open row 4 to fix it
        mobile = app.screen.query_one("#fix-3", Input)
        assert await wait_for(pilot, lambda: mobile.value == "1381234")
        mobile.value = "13812345674"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: problems.row_count == 0)
        batch = IntakeBatch.get()
        assert BatchRow.select().where(BatchRow.batch_id == batch.id).count() == 5

        # 打包审核: row 2 excepted with its reason, the package approved.
        await sign_in_again(pilot, app, "3001")
        app.open_screen("intake.batch_review")
        assert await wait_for(
            pilot, lambda: app.screen.id == "batch-review" and bool(app.screen.query("#rows"))
        )
        await pilot.pause()
        batches = app.screen.query_one("#batches", DataTable)
        assert batches.row_count == 1
        batches.focus()
        await pilot.press("enter")
        table = app.screen.query_one("#rows", DataTable)
        assert await wait_for(pilot, lambda: table.row_count == 5)
        assert GOOD_ID not in str(table.get_row_at(0)) and "*" in str(table.get_row_at(0)[2])
        app.screen.query_one("#reason", Input).value = "经营场所未通过核查"
        table.focus()
        await pilot.press("x")  # row 2: the first row of the table
        await pilot.pause()
        assert app.screen.exceptions == {2: "经营场所未通过核查"}  # type: ignore[attr-defined]
        await pilot.press("ctrl+a")
        message = app.screen.query_one("#review-message", Static)
        assert await wait_for(pilot, lambda: "办件" in str(message.render()), timeout=30)
        assert "生成 5 个办件" in str(message.render())
        assert IntakeBatch.get().state == BatchState.DECIDED
        assert BatchRow.select().where(BatchRow.case_id == "").count() == 0

        # 批量发证 with its progress bar.
        app.open_screen("intake.batch_issue")
        assert await wait_for(
            pilot,
            lambda: app.screen.id == "batch-issue" and bool(app.screen.query("#issue-batches")),
        )
        await pilot.pause()
        issue_table = app.screen.query_one("#issue-batches", DataTable)
        assert issue_table.row_count == 1
        issue_table.focus()
        await pilot.press("ctrl+i")
        bar = app.screen.query_one("#issue-progress", ProgressBar)
        assert await wait_for(
            pilot, lambda: IntakeBatch.get().state == BatchState.ISSUED, timeout=60
        )
        assert await wait_for(pilot, lambda: bar.total == 4 and bar.progress == 4)
        assert BatchCertificate.select().count() == 4
        text = str(app.screen.query_one("#issue-message", Static).render())
        assert "共 4 份" in text and "合并打印" in text


async def sign_in_again(pilot: Any, app: SihaoApp, staff_no: str) -> None:
    """Sign out (F10) and in as someone else: the reviewer."""
    await pilot.press("f10")
    assert await wait_for(pilot, lambda: app.runtime.session is None)
    await pilot.pause()
    await sign_in(pilot, staff_no)
