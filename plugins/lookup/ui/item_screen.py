"""One item, every field of its guide in tabs, with the situation picker beside them.

Ticking situations (办理情形) narrows the conditions and the materials to what this
applicant needs; materials that departments share are listed as "no need to bring".
The buttons under the picker are the item actions every enabled plugin offers
(``sihao_item_actions``): each gets the item dict with ``selected_situations``
set to the codes ticked here. An action that returns text puts it on the
clipboard (the lookup's own "Copy materials" does), and to a file as well when
the terminal may not take it (``clipboard.py``).

Below 100 columns the side panel narrows and the tab labels are short, so all
seven tabs show on 80 columns without the strip scrolling ("基本信息" was cut to
"本信息" when a later tab was chosen); the material name is capped so its form and
copies show (the whole name is in the line under the table).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
)

from core.catalog import store
from core.i18n import _
from core.registry import ItemAction
from plugins.lookup import service
from plugins.lookup.ui.clipboard import copy_text
from plugins.lookup.ui.columns import fit_column
from workstation.screens.base import SihaoScreen

SELECTED_SITUATIONS = "selected_situations"


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


class ItemScreen(SihaoScreen):
    CSS_PATH = "lookup.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, runtime: Any, code: str) -> None:
        super().__init__(runtime, id="lookup-item")
        self.code = code
        self.item: dict[str, Any] = store.get_item(code) or {}
        self.chosen: set[str] = set()
        self.actions: list[ItemAction] = []

    # -- layout --------------------------------------------------------------------
    def compose_body(self) -> Iterable[Widget]:
        item = self.item
        if not item:
            yield Static(
                _("Item {code} is no longer in the catalog.").format(code=self.code),
                id="item-missing",
                classes="screen-title",
            )
            return
        yield Static(f"{item['name']}  {item['code']}", id="item-title", classes="screen-title")
        with Horizontal(id="item-main"):
            with Vertical(id="item-side"):
                yield Static(_("Situations (tick the applicant's)"), classes="side-title")
                yield SelectionList[str](
                    *[(s["name"], s["code"]) for s in item["situations"]], id="situation-picker"
                )
                yield Static(_("Actions"), classes="side-title")
                yield Vertical(id="item-actions")
            with TabbedContent(id="item-tabs"):
                with TabPane(_("Basics"), id="tab-basic"):
                    yield VerticalScroll(Static(self._basics(), id="item-basic"))
                with TabPane(_("Conditions"), id="tab-conditions"):
                    yield VerticalScroll(Static("", id="item-conditions"))
                with TabPane(_("Materials"), id="tab-materials"):
                    yield Static("", id="materials-note")
                    yield DataTable(id="item-materials", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="material-detail")
                with TabPane(_("Steps"), id="tab-steps"):
                    yield Static(service.days_text(item), id="item-days")
                    yield DataTable(id="item-steps", cursor_type="row")
                with TabPane(_("Fees"), id="tab-fees"):
                    yield VerticalScroll(Static(self._fees(), id="item-fees"))
                with TabPane(_("Where"), id="tab-place"):
                    yield VerticalScroll(Static(self._place(), id="item-place"))
                with TabPane(_("Q&A"), id="tab-faq"):
                    yield VerticalScroll(Static(self._faq(), id="item-faq"))

    def _lines(self, rows: list[tuple[str, Any]]) -> str:
        return "\n".join(
            f"[b]{label}[/b]：{value if value not in ('', None) else '—'}" for label, value in rows
        )

    def _basics(self) -> str:
        item = self.item
        department = store.get_department(item["department"])
        bundles = [b["name"] for b in store.bundles_with_item(item["code"])]
        return self._lines(
            [
                (_("Item name"), item["name"]),
                (_("Item code"), item["code"]),
                (_("Main item"), f"{item['main_name']} {item['main_code']}".strip()),
                (_("Sub-item"), f"{item['sub_name']} {item['sub_code']}".strip()),
                (_("Handling type"), item["handling_type"]),
                (_("Item type"), item["item_type"]),
                (_("Department"), department["name"] if department else item["department"]),
                (_("Implementing body"), item["implementing_body"]),
                (_("Exercise level"), item["exercise_level"]),
                (_("Region code"), item["region_code"]),
                (_("Service object"), "、".join(item["service_object"])),
                (_("Legal basis"), item["legal_basis"]),
                (_("Everyday words"), "、".join(item["keywords"])),
                (_("One-thing bundles"), "、".join(bundles)),
            ]
        )

    def _fees(self) -> str:
        item = self.item
        return self._lines(
            [
                (_("Fee standard"), item["fee_standard"]),
                (_("Fee basis"), item["fee_basis"]),
                (_("Result"), item["result_name"]),
                (_("Result sample"), item["result_sample"]),
                (_("Validity"), item["result_validity"]),
            ]
        )

    def _place(self) -> str:
        item = self.item
        return self._lines(
            [
                (_("Place"), item["place"]),
                (_("Hours"), item["hours"]),
                (_("Enquiry phone"), item["phone"]),
                (_("Complaint phone"), item["complaint_phone"]),
                (_("Online"), _yes_no(item["online"])),
                (_("Online address"), item["online_url"]),
                (_("Visits needed"), item["visits"]),
            ]
        )

    def _faq(self) -> str:
        if not self.item["faq"]:
            return _("No questions recorded.")
        question, answer = _("Q"), _("A")
        return "\n\n".join(
            f"[b]{question}：{f['q']}[/b]\n{answer}：{f['a']}" for f in self.item["faq"]
        )

    # -- behaviour -----------------------------------------------------------------
    def on_mount(self) -> None:
        if not self.item:
            return
        materials = self.query_one("#item-materials", DataTable)
        materials.add_columns(
            _("Material"),
            _("Form"),
            _("Copies"),
            _("Source"),
            _("Bring?"),
            _("Required"),
            _("Situations"),
        )
        steps = self.query_one("#item-steps", DataTable)
        steps.add_columns(_("Step"), _("Working days"), _("Counts toward the time limit"))
        for n, step in enumerate(self.item["steps"], 1):
            steps.add_row(f"{n}. {step['name']}", str(step["days"]), _yes_no(step["counts"]))
        self.show_situation()
        self._add_actions()

    def _add_actions(self) -> None:
        box = self.query_one("#item-actions", Vertical)
        self.actions = self.runtime.item_actions(self.item)
        for n, action in enumerate(self.actions):
            label = action.label + (f" ({action.key})" if action.key else "")
            box.mount(Button(label, id=f"item-action-{n}", classes="item-action"))

    def show_situation(self) -> None:
        item = self.item
        lines = []
        for name, conditions in service.conditions(item, self.chosen):
            lines.append(f"[b]{name}[/b]")
            lines.extend(f"  • {c}" for c in conditions)
        self.query_one("#item-conditions", Static).update(
            "\n".join(lines) or _("No conditions recorded.")
        )
        table = self.query_one("#item-materials", DataTable)
        table.clear()
        found = service.materials(item, self.chosen)
        for line in found:
            table.add_row(
                line.name,
                line.form,
                str(line.copies),
                line.source,
                _("bring") if line.bring else _("no need to bring (shared)"),
                _yes_no(line.required),
                "、".join(line.situations) or _("all"),
                key=line.key,
            )
        self._fit_materials()
        shared = sum(1 for line in found if not line.bring)
        note = _("{n} material(s) to bring, {shared} shared between departments.").format(
            n=len(found) - shared, shared=shared
        )
        if not self.chosen and item["situations"]:
            note += " " + _("Tick the applicant's situations to narrow the list.")
        self.query_one("#materials-note", Static).update(note)

    def _fit_materials(self) -> None:
        # Form and copies always; source and "bring?" too where there is room.
        narrow = self.app.size.width < 100
        fit_column(self.query_one("#item-materials", DataTable), show_through=2 if narrow else 4)

    def on_resize(self) -> None:
        if self.item:
            self.call_after_refresh(self._fit_materials)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-materials":  # sized now that the table has a width
            self.call_after_refresh(self._fit_materials)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "item-materials" or event.row_key.value is None:
            return
        material = next(
            (m for m in self.item["materials"] if m["key"] == event.row_key.value), None
        )
        if material is not None:
            self.query_one("#material-detail", Static).update(
                self._lines(
                    [
                        (_("Material"), material["name"]),
                        (_("Basis"), material["basis"]),
                        (_("Blank form or sample"), material["sample"]),
                    ]
                )
            )

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self.chosen = set(event.selection_list.selected)
        self.show_situation()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("item-action-"):
            event.stop()
            self.run_action(self.actions[int(button_id.rsplit("-", 1)[1])])

    def on_key(self, event: Key) -> None:
        for action in self.actions:
            if action.key and event.key == action.key:
                event.stop()
                self.run_action(action)
                return

    def run_action(self, action: ItemAction) -> None:
        item = {**self.item, SELECTED_SITUATIONS: sorted(self.chosen)}
        try:
            result = action.run(item, self.runtime)
        except Exception as exc:  # another plugin's action must not close the screen
            self.runtime.host.fail(action.plugin, exc, f"item action {action.id}")
            self.notify(
                _("The action {label} failed and its plugin was switched off.").format(
                    label=action.label
                ),
                severity="error",
            )
            return
        if isinstance(result, str) and result:
            name = f"{self.item['code']}-{action.id}.txt".replace("/", "-")
            taken, saved = copy_text(self.app, result, self.runtime.paths.exports_dir / name)
            if taken:
                self.notify(_("Copied to the clipboard."), timeout=3)
            elif saved is None:
                self.notify(
                    _("This terminal may not take clipboard text, and saving it failed."),
                    severity="warning",
                )
            elif taken is None:
                self.notify(
                    _(
                        "Sent to the terminal's clipboard. If pasting gives nothing, this"
                        " terminal does not take it: the text is also in {path}"
                    ).format(path=saved),
                    timeout=8,
                )
            else:
                self.notify(
                    _("This terminal does not take clipboard text: saved in {path}").format(
                        path=saved
                    ),
                    severity="warning",
                    timeout=8,
                )
