"""The feedback screens at 80x24 and 120x40, in Chinese and in English: what was cut
off or garbled (the fifth tag and the date of a rating card; the statistics table,
its unlabelled sparkline and its scope drop-down) is on screen whole."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Select

from core.i18n import set_language
from core.runtime import Runtime
from plugins.feedback.ui.inspection_screen import InspectionScreen
from plugins.feedback.ui.rating_entry import RatingEntryScreen
from plugins.feedback.ui.stats_screen import StatsScreen
from tests.plugins.feedback.helpers import rate
from tests.workstation.helpers import open_as
from workstation.app import SihaoApp

SIZES = [(80, 24), (120, 40)]
LANGUAGES = ["zh_CN", "en"]


def screen_text(app: SihaoApp) -> list[str]:
    """The terminal as the clerk sees it, one string per row."""
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
async def test_rating_card_shows_every_tag_and_the_date(
    fb_runtime: Runtime, size: tuple[int, int], language: str
) -> None:
    set_language(language)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        screen = await open_as(pilot, "3001", "feedback.rating_entry", RatingEntryScreen)
        # A long window name chosen keeps its row one line high.
        screen.query_one("#window", Select).value = "A01"
        await pilot.pause()
        assert screen.query_one("#window").region.height == 1
        await pilot.press("2")  # five tags at level 2: [a] to [e]
        await pilot.pause()
        text = "\n".join(screen_text(app))
        for key, tag in zip("abcde", screen.tagset.tags_for("card", 2), strict=True):
            assert f"[{key}]☐{tag}" in text, (key, text)
        assert dt.date.today().isoformat() in text  # the date field, whole
        date = screen.query_one("#rated-on").region
        assert date.right <= size[0] and date.width >= 10
        # Every field of the card is on screen, with a few saved cards under it.
        for selector in ("#case-no", "#item-code", "#comment", "#applicant-phone"):
            region = screen.query_one(selector).region
            assert region.width > 0 and region.bottom <= size[1] - 2, selector
        assert screen.query_one("#recent").region.height >= 4


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
async def test_statistics_fit_and_say_what_they_show(
    fb_runtime: Runtime, size: tuple[int, int], language: str
) -> None:
    from core.catalog.models import Item

    item = Item.create(
        code="11370300MB28504420", name="食品经营许可（新办）", department="市场监管"
    )
    rate(fb_runtime, 5, on=dt.date(2026, 10, 12), item_code=item.code)
    rate(fb_runtime, 2, on=dt.date(2026, 11, 9))
    set_language(language)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        screen = await open_as(pilot, "3001", "feedback.stats", StatsScreen)
        text = screen_text(app)
        # The trend is labelled; no rows of bare blocks above it.
        label = "各月满意率" if language == "zh_CN" else "Satisfaction rate by month"
        trend_row = next(i for i, line in enumerate(text) if label in line)
        assert "2026-10" in text[trend_row + 1] and "2026-11" in text[trend_row + 2]
        assert not any(set(line.strip()) <= set("▁▂▃▄▅▆▇█") and line.strip() for line in text)
        # At 120 columns every column of the table is on screen.
        table = screen.query_one("#stats-table", DataTable)
        if size[0] >= 120:
            assert table.virtual_size.width <= table.size.width
            header = next(line for line in text if "A01" not in line and "%" not in line and
                          (("自评" in line) or ("Self" in line)))  # fmt: skip
            assert ("已作废" in header) or ("Voided" in header)
        # Grouped by item: names, and the ratings of no item named so.
        screen.query_one("#group-by", Select).value = "item"
        screen.query_one("#period", Select).clear()
        await pilot.pause()
        keys = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        none = "（未填事项）" if language == "zh_CN" else "(no item)"
        assert sorted(keys) == sorted([f"{item.name}（{item.code}）", none])
        # The scope drop-down opens over the rows below without mixing with them.
        screen.query_one("#scope", Select).focus()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        server = "本站及下级站点（中心服务器）" if language == "zh_CN" else "This site and below"
        line = next(line for line in text if server in line)
        assert "│" in line  # inside the drop-down's own frame
        assert not any("窗本工作站" in line or "Window本" in line for line in text)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("screen_id", "kind"),
    [
        ("feedback.stats", StatsScreen),
        ("feedback.inspection", InspectionScreen),
        ("feedback.rating_entry", RatingEntryScreen),
    ],
)
async def test_the_footer_leaves_the_palette_key_whole(
    fb_runtime: Runtime, size: tuple[int, int], language: str, screen_id: str, kind: type
) -> None:
    """Five keys of a screen's own ran under the palette key at 80 columns and cut a
    character of 命令面板 in half; below 100 columns the footer is compact."""
    set_language(language)
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await open_as(pilot, "3001", screen_id, kind)
        await pilot.pause()
        footer = screen_text(app)[-1]
        assert footer.rstrip().endswith("^p 命令面板" if language == "zh_CN" else "^p palette")
        if size[0] < 100:
            assert all(footer.has_class("-compact") for footer in app.screen.query("Footer"))
        assert "f5" in footer or screen_id != "feedback.stats"  # its own keys are shown
