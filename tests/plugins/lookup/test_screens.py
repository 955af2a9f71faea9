"""The lookup screens driven through the real app with Pilot, on the demo catalog."""

from __future__ import annotations

from typing import Any

from textual.widgets import (
    Button,
    DataTable,
    Input,
    Select,
    SelectionList,
    Static,
    TabbedContent,
)

from core.plugins import hookimpl
from core.registry import ItemAction
from core.roles import ALL_ROLES
from core.runtime import Runtime
from tests.workstation.helpers import sign_in, wait_for
from workstation.app import SihaoApp

FOOD = "食品经营许可（新设）"


def _cells(table: DataTable, column: int = 0) -> list[str]:
    return [str(table.get_row_at(r)[column]) for r in range(table.row_count)]


async def test_typing_a_query_then_opening_the_item(lookup_runtime: Runtime) -> None:
    from core.catalog import store

    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.search")
        await pilot.pause()
        assert app.screen.id == "lookup"
        table = app.screen.query_one("#lookup-results", DataTable)
        await pilot.press(*"开饭")
        await pilot.pause()
        assert FOOD in _cells(table)[:3]
        await pilot.press("店")
        await pilot.pause()
        names = _cells(table)
        assert FOOD in names[:3] and "个体工商户注册登记" in names
        # Every keystroke re-searches: initials narrow to the business licence items.
        query = app.screen.query_one("#lookup-query", Input)
        query.value = ""
        await pilot.press(*"spjy")
        await pilot.pause()
        assert _cells(table)[0].startswith("食品经营许可")
        query.value = ""
        await pilot.press(*"开饭店")
        await pilot.pause()
        # The bundle of that name is offered and opens on Ctrl+B.
        status = str(app.screen.query_one("#lookup-status", Static).render())
        assert "一件事：开饭店" in status
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.screen.id == "lookup-bundles"
        assert "开饭店" in str(app.screen.query_one("#bundle-title", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.id == "lookup-item"
        title = str(app.screen.query_one("#item-title", Static).render())
        assert _cells(table)[0] in title
        # Every field group is a tab.
        tabs = app.screen.query_one("#item-tabs", TabbedContent)
        assert tabs.tab_count == 7
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.id == "lookup"
        # Filters alone list every item that fits; with text they narrow the results.
        query.value = ""
        app.screen.query_one("#filter-online", Select).value = "no"
        await pilot.pause()
        offline = {i["name"] for i in store.iter_items() if not i["online"]}
        assert table.row_count > 0 and set(_cells(table)) <= offline
        app.screen.query_one("#filter-department", Select).value = "ga"
        await pilot.pause()
        assert all(c == "公安" for c in _cells(table, 1))


class _OtherPlugin:
    """Another plugin offering an action on every item (as guides or intake will)."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    @hookimpl
    def sihao_item_actions(self, item: Any, context: Any) -> list[ItemAction]:
        return [
            ItemAction(
                id="other.print",
                label="打印指南",
                run=lambda item, context: self.ran.append(item["code"]),
                roles=ALL_ROLES,
            )
        ]


async def test_situation_picker_narrows_materials_and_copy(lookup_runtime: Runtime) -> None:
    other = _OtherPlugin()
    lookup_runtime.host.register_object("other", other)
    lookup_runtime.config.enabled_plugins.append("other")  # the policy keeps it on
    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await sign_in(pilot, "1001")
        from core.catalog import store
        from plugins.lookup.ui.item_screen import ItemScreen

        item = next(
            i
            for i in store.iter_items()
            if len(i["situations"]) >= 2
            and any(m["situations"] for m in i["materials"])
            and any(m["source"] == "部门共享" for m in i["materials"])
        )
        await app.push_screen(ItemScreen(lookup_runtime, item["code"]))
        await pilot.pause()
        table = app.screen.query_one("#item-materials", DataTable)
        everything = _cells(table)
        assert len(everything) == len(item["materials"])
        bring_column = _cells(table, 4)
        assert "无需提交（部门共享）" in bring_column
        picker = app.screen.query_one("#situation-picker", SelectionList)
        first = item["situations"][0]["code"]
        picker.select(first)
        await pilot.pause()
        narrowed = _cells(table)
        expected = [
            m["name"] for m in item["materials"] if not m["situations"] or first in m["situations"]
        ]
        assert narrowed == expected and len(narrowed) < len(everything)
        conditions = str(app.screen.query_one("#item-conditions", Static).render())
        assert item["situations"][0]["name"] in conditions
        assert item["situations"][1]["name"] not in conditions
        # The lookup's own item action copies the narrowed list.
        labels = {str(b.label): b.id for b in app.screen.query(".item-action").results(Button)}
        copy = next(i for label, i in labels.items() if "复制材料清单" in label)
        await pilot.click(f"#{copy}")
        await pilot.pause()
        copied = app.clipboard
        assert item["name"] in copied and "无需提交" in copied
        for name in expected:
            assert name in copied
        left_out = set(m["name"] for m in item["materials"]) - set(expected)
        assert not any(f". {name}（" in copied for name in left_out)
        # Another plugin's action is offered too, and gets the item.
        printing = next(i for label, i in labels.items() if "打印指南" in label)
        await pilot.click(f"#{printing}")
        await pilot.pause()
        assert other.ran == [item["code"]]


async def test_bundle_lists_items_in_order_and_shared_materials_once(
    lookup_runtime: Runtime,
) -> None:
    from core.catalog import store

    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.bundles")
        await pilot.pause()
        listing = app.screen.query_one("#bundle-list", DataTable)
        assert "开办企业" in _cells(listing)
        row = _cells(listing).index("开办企业")
        listing.move_cursor(row=row)
        await pilot.pause()
        bundle = next(b for b in store.bundles() if b["name"] == "开办企业")
        items = app.screen.query_one("#bundle-items", DataTable)
        assert _cells(items, 1) == [i["name"] for i in store.get_items(bundle["items"])]
        materials = app.screen.query_one("#bundle-materials", DataTable)
        keys = [m["key"] for i in store.get_items(bundle["items"]) for m in i["materials"]]
        assert materials.row_count == len(set(keys)) < len(keys)
        names = _cells(materials)
        assert len(names) == len(set(names)) or len(set(keys)) == materials.row_count


async def test_directory_finds_a_village_and_the_nearest_point(lookup_runtime: Runtime) -> None:
    from core.catalog import store

    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await sign_in(pilot, "1001")  # startup has imported the demo catalog
        village = next(p for p in store.service_points() if p["level"] == "村社区")
        app.open_screen("lookup.directory")
        await pilot.pause()
        table = app.screen.query_one("#directory-points", DataTable)
        assert table.row_count == len(store.service_points())
        app.screen.query_one("#directory-query", Input).value = village["village"]
        await pilot.pause()
        assert _cells(table)[0] == village["name"]
        detail = app.screen.query_one("#directory-detail", Static)
        text = str(detail.render())
        town = store.get_point(village["parent"])
        assert town is not None and town["name"] in text and village["phone"] in text
        # An item the village does not handle: the walk goes up to a point that does.
        app.screen.query_one("#directory-item", Input).value = "建筑工程施工许可证核发"
        await pilot.pause()
        assert await wait_for(pilot, lambda: "施工许可" in str(detail.render()))
        text = str(detail.render())
        assert "最近" in text or "本网点" in text
