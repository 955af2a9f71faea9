"""One-thing (一件事) bundles: pick one, see its items in order and one materials list.

Materials shared by several items (the same ``key``) are listed once, with the
items that need them; the copies asked for are the most any item asks. Whether the
applicant brings a material comes right after its name, and long names are capped
(``columns.py``), so that column shows on 80 and 120 columns alike. Under the
list are the actions plugins offer on a bundle (``sihao_item_actions`` with the
bundle target: print its guide…); each gets the bundle's catalog dict.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.widget import Widget
from textual.widgets import Button, DataTable, Static

from core.catalog import store
from core.i18n import _
from core.registry import BUNDLE_TARGET, ItemAction
from plugins.lookup import service
from plugins.lookup.ui.columns import fit_column
from workstation.screens.base import SihaoScreen


class BundlesScreen(SihaoScreen):
    CSS_PATH = "lookup.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, runtime: Any, initial: str = "") -> None:
        super().__init__(runtime, id="lookup-bundles")
        self.bundles = store.bundles()
        self.initial = initial
        self.view: service.BundleView | None = None
        self.current: dict[str, Any] | None = None
        self.actions: list[ItemAction] = []

    def compose_body(self) -> Iterable[Widget]:
        yield Static(_("One-thing bundles"), classes="screen-title")
        with Horizontal(id="bundles-main"):
            with Vertical(id="bundle-side"):
                yield DataTable(id="bundle-list", cursor_type="row")
                yield Vertical(id="bundle-actions")
            with Vertical(id="bundle-detail"):
                yield Static("", id="bundle-title")
                yield Static(_("Items, in the order they are done"), classes="side-title")
                yield DataTable(id="bundle-items", cursor_type="row")
                yield Static(_("Materials (shared ones listed once)"), classes="side-title")
                yield DataTable(id="bundle-materials", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        listing = self.query_one("#bundle-list", DataTable)
        listing.add_columns(_("Bundle"), _("Items"))
        for bundle in self.bundles:
            listing.add_row(bundle["name"], str(len(bundle["items"])), key=bundle["code"])
        self.query_one("#bundle-items", DataTable).add_columns(
            _("Order"), _("Item"), _("Department"), _("Promised days")
        )
        self.query_one("#bundle-materials", DataTable).add_columns(
            _("Material"), _("Bring?"), _("Form"), _("Copies"), _("Needed for")
        )
        if self.bundles:
            self._add_actions()
            codes = [b["code"] for b in self.bundles]
            row = codes.index(self.initial) if self.initial in codes else 0
            listing.move_cursor(row=row)
            self.show_bundle(codes[row])
            listing.focus()
        else:
            self.query_one("#bundle-title", Static).update(_("The catalog has no bundles."))

    def show_bundle(self, code: str) -> None:
        bundle = store.get_bundle(code)
        if bundle is None:
            return
        self.current = bundle
        view = self.view = service.bundle_view(bundle)
        title = f"[b]{view.name}[/b]  {view.description}\n" + service.bundle_days_text(view)
        if view.missing:
            title += "\n" + _("Not in the local catalog: {codes}").format(
                codes="、".join(view.missing)
            )
        self.query_one("#bundle-title", Static).update(title)
        departments = {d["code"]: d["short"] or d["name"] for d in store.departments()}
        items = self.query_one("#bundle-items", DataTable)
        items.clear()
        for n, item in enumerate(view.items, 1):
            items.add_row(
                str(n),
                item["name"],
                departments.get(item["department"], item["department"]),
                _("on the spot") if item["on_the_spot"] else str(item["promised_days"]),
                key=item["code"],
            )
        materials = self.query_one("#bundle-materials", DataTable)
        materials.clear()
        for m in view.materials:
            materials.add_row(
                m.name,
                (_("bring") if m.bring else _("no need to bring (shared)"))
                + (_(" (in some situations)") if m.conditional else ""),
                m.form,
                str(m.copies),
                "、".join(m.items),
                key=m.key,
            )
        self._fit()

    def _fit(self) -> None:
        narrow = self.app.size.width < 100
        fit_column(self.query_one("#bundle-list", DataTable), show_through=1)
        fit_column(self.query_one("#bundle-items", DataTable), show_through=3, column=1)
        fit_column(self.query_one("#bundle-materials", DataTable), show_through=1 if narrow else 3)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "bundle-list" and event.row_key.value:
            self.show_bundle(str(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "bundle-items" and event.row_key.value:
            from plugins.lookup.ui.item_screen import ItemScreen

            self.app.push_screen(ItemScreen(self.runtime, str(event.row_key.value)))

    # -- actions on the bundle ---------------------------------------------------------
    def _add_actions(self) -> None:
        box = self.query_one("#bundle-actions", Vertical)
        self.actions = self.runtime.item_actions(self.bundles[0], BUNDLE_TARGET)
        for n, action in enumerate(self.actions):
            label = action.label + (f" ({action.key})" if action.key else "")
            box.mount(Button(label, id=f"bundle-action-{n}", classes="item-action"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("bundle-action-"):
            event.stop()
            self.run_action(self.actions[int(button_id.rsplit("-", 1)[1])])

    def on_key(self, event: Key) -> None:
        for action in self.actions:
            if action.key and event.key == action.key:
                event.stop()
                self.run_action(action)
                return

    def run_action(self, action: ItemAction) -> None:
        if self.current is None:
            return
        try:
            action.run(dict(self.current), self.runtime)
        except Exception as exc:  # another plugin's action must not close the screen
            self.runtime.host.fail(action.plugin, exc, f"bundle action {action.id}")
            self.notify(
                _("The action {label} failed and its plugin was switched off.").format(
                    label=action.label
                ),
                severity="error",
            )
