"""The counter: from a colloquial query to a saved guide, driven by Pilot through the
real app, the lookup's detail view and the shell's print dialog."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, SelectionList

from core.runtime import Runtime
from tests.workstation.helpers import notifications, sign_in, wait_for
from workstation.app import SihaoApp
from workstation.widgets.print_dialog import PrintDialog

FOOD = "食品经营许可（新设）"


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.mark.parametrize("situation, other", [(0, 1), (1, 0)])
async def test_print_from_the_detail_view_with_a_situation_chosen(
    guides_runtime: Runtime, tmp_path: Path, situation: int, other: int
) -> None:
    app = SihaoApp(guides_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.search")
        await pilot.pause()
        await pilot.press(*"开小吃店")  # what people say, not the item's name
        table = app.screen.query_one("#lookup-results", DataTable)
        assert await wait_for(pilot, lambda: table.row_count > 0)
        assert str(table.get_row_at(0)[0]) == FOOD
        await pilot.press("enter")  # the first result
        assert await wait_for(pilot, lambda: app.screen.id == "lookup-item")
        picker = app.screen.query_one("#situation-picker", SelectionList)
        assert picker.has_focus
        if situation:
            await pilot.press("down")
        await pilot.press("space")
        await pilot.pause()
        item = app.screen.item  # type: ignore[attr-defined]
        assert picker.selected == [item["situations"][situation]["code"]]
        await pilot.press("ctrl+g")  # the guides plugin's item action
        assert await wait_for(pilot, lambda: isinstance(app.screen, PrintDialog), timeout=15)
        target = tmp_path / "guide.pdf"
        app.screen.query_one("#print-path", Input).value = str(target)
        await pilot.click("#print-save")
        assert await wait_for(
            pilot, lambda: target.exists() and app.screen.id == "lookup-item", timeout=15
        )
    text = _text(target)
    chosen, unchosen = item["situations"][situation], item["situations"][other]
    assert re.sub(r"\s+", "", chosen["conditions"][0]) in text
    assert re.sub(r"\s+", "", unchosen["conditions"][0]) not in text
    only_s2 = next(m["name"] for m in item["materials"] if m["situations"] == ["S2"])
    assert "平面布局图" in only_s2  # its end: a long name wraps inside its cell
    assert ("平面布局图" in text) == (chosen["code"] == "S2")


async def test_save_as_pdf_where_the_dialog_proposes_on_a_new_workstation(
    guides_runtime: Runtime,
) -> None:
    exports = Path(guides_runtime.paths.exports_dir)
    assert not exports.exists()  # nobody has saved anything here yet
    app = SihaoApp(guides_runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        from plugins.lookup.ui.item_screen import ItemScreen

        await app.push_screen(ItemScreen(guides_runtime, "370303-SCJG-XK-001-01"))
        await pilot.pause()
        button = next(
            b
            for b in app.screen.query(".item-action").results(Button)
            if "打印办事指南" in str(b.label)
        )
        assert 0 < button.region.bottom <= 22  # in view above the status bar at 80x24
        await pilot.click(f"#{button.id}")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PrintDialog), timeout=15)
        proposed = Path(app.screen.query_one("#print-path", Input).value)
        assert proposed.parent == exports
        await pilot.click("#print-save")
        assert await wait_for(pilot, proposed.exists, timeout=15)
    assert "食品经营许可（新设）办事指南" in _text(proposed)


async def test_a_guide_that_cannot_be_made_is_a_sentence_and_the_screen_stays(
    guides_runtime: Runtime, tmp_path: Path
) -> None:
    guides_runtime.config.plugin_settings["documents"] = {"font": str(tmp_path / "gone.ttc")}
    app = SihaoApp(guides_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        from plugins.lookup.ui.item_screen import ItemScreen

        await app.push_screen(ItemScreen(guides_runtime, "370303-SCJG-XK-001-01"))
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen.id == "lookup-item"
        said = [n for n in notifications(app) if "无法生成办事指南" in n]
        assert said and "gone.ttc" in said[0]
        assert "guides" in guides_runtime.host.loaded()  # a refusal is not a crash


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_bundle_guide_from_the_bundles_view_fits_the_terminal(
    guides_runtime: Runtime, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = SihaoApp(guides_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.bundles")
        await pilot.pause()
        button = app.screen.query_one("#bundle-action-0", Button)
        assert "打印一件事指南" in str(button.label)
        region = button.region
        assert region.width > 0 and region.height > 0
        assert region.right <= size[0] and region.bottom <= size[1]
        await pilot.press("ctrl+g")
        assert await wait_for(pilot, lambda: isinstance(app.screen, PrintDialog), timeout=15)
        target = tmp_path / "bundle.pdf"
        app.screen.query_one("#print-path", Input).value = str(target)
        await pilot.click("#print-save")
        assert await wait_for(pilot, lambda: target.exists(), timeout=15)
    assert "（一件事）办事指南" in _text(target)
