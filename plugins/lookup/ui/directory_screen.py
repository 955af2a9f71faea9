"""The service-point directory across the four levels (市 → 区县 → 镇街 → 村社区).

Type a town or village to find the point there; with an item typed too, the
detail shows the nearest point that handles it, walking up the parent chain
(village → town → district → city).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from core.catalog import store
from core.i18n import _
from plugins.lookup import service
from plugins.lookup.ui.query_input import QueryInput
from workstation.screens.base import SihaoScreen

INDENT = {"市": "", "区县": "  ", "镇街": "    ", "村社区": "      "}


class DirectoryScreen(SihaoScreen):
    CSS_PATH = "lookup.tcss"

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="lookup-directory")
        self.search = service.search_service(runtime)
        self.selected: str = ""

    def compose_body(self) -> Iterable[Widget]:
        yield Static(_("Service points"), classes="screen-title")
        with Horizontal(id="directory-inputs"):
            # Keys in the order typed, as in the lookup box (query_input.py).
            yield QueryInput(
                placeholder=_("Town, street, village or community…"), id="directory-query"
            )
            yield QueryInput(
                placeholder=_("Optional: the item needed (name, pinyin or code)"),
                id="directory-item",
            )
        with Horizontal(id="directory-main"):
            yield DataTable(id="directory-points", cursor_type="row")
            yield VerticalScroll(Static("", id="directory-detail"), id="directory-side")

    def on_mount(self) -> None:
        table = self.query_one("#directory-points", DataTable)
        table.add_columns(_("Service point"), _("Level"), _("Phone"))
        self.fill()
        self.query_one("#directory-query", Input).focus()

    def fill(self) -> None:
        text = self.query_one("#directory-query", Input).value
        points = service.find_places(text) if text.strip() else service.points_in_order()
        table = self.query_one("#directory-points", DataTable)
        table.clear()
        for point in points:
            indent = "" if text.strip() else INDENT.get(point["level"], "")
            table.add_row(indent + point["name"], point["level"], point["phone"], key=point["code"])
        if points:
            self.show_point(points[0]["code"])
        else:
            self.selected = ""
            self.query_one("#directory-detail", Static).update(
                _("No service point matches. Try the town or street name.")
            )

    def wanted_item(self) -> dict[str, Any] | None:
        text = self.query_one("#directory-item", Input).value
        if not text.strip():
            return None
        hits = self.search.search(text, limit=1)
        return store.get_item(hits[0].code) if hits else None

    def show_point(self, code: str) -> None:
        self.selected = code
        point = store.get_point(code)
        if point is None:
            return
        lines = [
            f"[b]{point['name']}[/b]（{point['level']}）",
            _("Address: {address}").format(address=point["address"] or "—"),
            _("Hours: {hours}").format(hours=point["hours"] or "—"),
            _("Phone: {phone}").format(phone=point["phone"] or "—"),
            _("Handles: {handles}").format(handles="、".join(self._handled(point)) or "—"),
        ]
        up = service.chain(code)[1:]
        if up:
            lines.append(_("Above it: {chain}").format(chain=" › ".join(p["name"] for p in up)))
        item = self.wanted_item()
        item_text = self.query_one("#directory-item", Input).value.strip()
        if item is not None:
            nearest = service.nearest_point(code, item)
            if nearest is not None:
                lines.append("")
                lines.append(_("For {item}:").format(item=item["name"]))
                target = nearest.point
                if nearest.steps_up == 0:
                    lines.append(_("this point handles it."))
                else:
                    lines.append(_("nearest point: {name}").format(name=target["name"]))
                lines.append(
                    _("{address}, {hours}, phone {phone}").format(
                        address=target["address"] or "—",
                        hours=target["hours"] or "—",
                        phone=target["phone"] or "—",
                    )
                )
        elif item_text:
            lines.append("")
            lines.append(_("No item matches {text}.").format(text=item_text))
        self.query_one("#directory-detail", Static).update("\n".join(lines))

    @staticmethod
    def _handled(point: dict[str, Any]) -> list[str]:
        """What a point handles, item codes shown as item names."""
        names = {i["code"]: i["name"] for i in store.get_items(point["handles"])}
        return list(dict.fromkeys(names.get(entry, entry) for entry in point["handles"]))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "directory-query":
            self.fill()
        elif self.selected:
            self.show_point(self.selected)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self.show_point(str(event.row_key.value))
