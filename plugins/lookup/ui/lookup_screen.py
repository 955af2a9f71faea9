"""The lookup screen: the result list follows every keystroke; Enter opens an item.

Filters narrow by department, exercise level, region, service object and whether
the item can be done online; with filters and no text the list shows every item
that fits (most handled first). A search over 100,000 items takes well under a
millisecond (a phrase read word by word, a few), so searching on each
``Input.Changed`` needs no debouncing.

When the words typed are not found as typed, the lookup reads them as a phrase
(``core.catalog.phrases``); the line under the filters then says so and which
words matched, so the clerk can trust or refine the list. A one-thing bundle the
words name is offered first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, Static

from core.catalog import store
from core.catalog.schema import EXERCISE_LEVELS, SERVICE_OBJECTS
from core.catalog.search import Filters, Found, Hit
from core.i18n import N_, _
from plugins.lookup import service
from plugins.lookup.ui.columns import fit_column
from plugins.lookup.ui.query_input import QueryInput
from workstation.screens.base import SihaoScreen

WHY = {
    "name": N_("name"),
    "code": N_("code"),
    "pinyin": N_("pinyin"),
    "initials": N_("initials"),
    "keyword": N_("everyday word"),
    "filter": N_("filter"),
    "phrase": N_("in part"),
    "sound": N_("by sound"),
}


class LookupScreen(SihaoScreen):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding("ctrl+l", "focus_query", N_("Search box"), id="lookup.focus"),
        Binding("down", "focus_results", N_("Results"), show=False),
        Binding("ctrl+b", "open_bundle", N_("One-thing bundle"), id="lookup.bundle"),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="lookup")
        self.search = service.search_service(runtime)
        self.hits: list[Hit] = []
        self.bundle_codes: list[str] = []
        self.department_names = {d["code"]: d["short"] or d["name"] for d in store.departments()}
        self.limit = int(runtime.settings("lookup").get("results", 50))

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="lookup-body"):
            yield Static(_("Item lookup"), classes="screen-title")
            yield QueryInput(
                placeholder=_("Type a name, pinyin (yyzz), code or everyday words (开饭店)…"),
                id="lookup-query",
            )
            with Horizontal(id="lookup-filters"):
                # Compact (one line, no border): five fit an 80-column terminal
                # without their prompts wrapping (全部部 / 门), and leave the rows
                # of a 24-line one to the results.
                yield Select(
                    [(name, code) for code, name in self.department_names.items()],
                    prompt=_("All departments"),
                    id="filter-department",
                    compact=True,
                )
                yield Select(
                    [(level, level) for level in EXERCISE_LEVELS],
                    prompt=_("All levels"),
                    id="filter-level",
                    compact=True,
                )
                yield Select(
                    self._regions(),
                    prompt=_("All regions"),
                    id="filter-region",
                    compact=True,
                )
                yield Select(
                    [(o, o) for o in SERVICE_OBJECTS],
                    prompt=_("Anyone"),
                    id="filter-object",
                    compact=True,
                )
                yield Select(
                    [(_("Online"), "yes"), (_("In person only"), "no")],
                    prompt=_("Online or not"),
                    id="filter-online",
                    compact=True,
                )
            yield Static("", id="lookup-reading")
            yield Static("", id="lookup-status")
            yield DataTable(id="lookup-results", cursor_type="row", zebra_stripes=True)

    @staticmethod
    def _regions() -> list[tuple[str, str]]:
        regions: dict[str, str] = {}
        for point in service.points_in_order():
            if point["level"] in ("市", "区县") and point["region_code"]:
                label = point["district"] or point["name"]
                regions.setdefault(point["region_code"], label)
        return [(label, code) for code, label in regions.items()]

    def on_mount(self) -> None:
        self._add_columns()
        self.query_one("#lookup-query", Input).focus()
        # Build the index off the UI thread while the clerk starts typing (a synced
        # catalog of 20,000 items takes about a second); the first search waits for it.
        self.run_worker(self.search.warm, thread=True, exit_on_error=False, group="lookup")
        if store.is_empty():
            self.query_one("#lookup-status", Static).update(
                _("The catalog is empty. Ask IT to import it or to sync with the server.")
            )

    # -- searching -----------------------------------------------------------------
    def filters(self) -> Filters:
        def value(selector: str) -> str:
            selected = self.query_one(selector, Select).value
            return selected if isinstance(selected, str) else ""

        online = value("#filter-online")
        return Filters(
            department=value("#filter-department"),
            level=value("#filter-level"),
            region=value("#filter-region"),
            service_object=value("#filter-object"),
            online=None if not online else online == "yes",
        )

    def _add_columns(self) -> None:
        table = self.query_one("#lookup-results", DataTable)
        # The code last: on 80 columns the whole name (（新设） or （注销）) matters more.
        table.add_columns(
            _("Item"), _("Department"), _("Level"), _("Online"), _("Matched by"), _("Code")
        )

    def _fit(self) -> None:
        # The item name is capped so department … matched-by show on 80 columns (the
        # whole name is in the item's own screen).
        fit_column(self.query_one("#lookup-results", DataTable), show_through=4, minimum=14)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def refresh_results(self) -> None:
        query = self.query_one("#lookup-query", Input).value
        found = self.search.lookup(query, limit=self.limit, filters=self.filters())
        self.hits = found.hits
        table = self.query_one("#lookup-results", DataTable)
        table.clear()
        items = {i["code"]: i for i in store.get_items(h.code for h in self.hits)}
        for hit in self.hits:
            item = items.get(hit.code, {})
            table.add_row(
                hit.name,
                self.department_names.get(item.get("department", ""), item.get("department", "")),
                item.get("exercise_level", ""),
                _("yes") if item.get("online") else _("no"),
                _(WHY.get(hit.why, hit.why)),
                hit.code,
                key=hit.code,
            )
        self._fit()
        reading = self.query_one("#lookup-reading", Static)
        reading.update(reading_text(found))
        reading.display = found.approximate and bool(found.hits)
        text = ""
        if query.strip() or self.filters().active():
            if self.hits:
                text = _("{n} item(s) shown. Enter opens the highlighted item.").format(
                    n=len(self.hits)
                )
            elif query.strip():
                text = _(
                    "No item relates to any word of this. Try one word of it, pinyin"
                    " initials (yyzz) or an everyday word (开饭店)."
                )
            else:
                text = _("No item fits these filters.")
        # A bundle the words name comes first: it is what the applicant is about.
        bundles = service.bundles_named(found.bundles) or service.bundles_for(query)
        self.bundle_codes = [b["code"] for b in bundles]
        if bundles:
            offer = _("One-thing bundle: {names} (Ctrl+B opens it)").format(
                names="、".join(b["name"] for b in bundles)
            )
            text = f"{offer}  {text}".strip()
        self.query_one("#lookup-status", Static).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "lookup-query":
            self.refresh_results()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_results()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "lookup-query" and self.hits:
            table = self.query_one("#lookup-results", DataTable)
            row = table.cursor_row if 0 <= table.cursor_row < len(self.hits) else 0
            self.open_item(self.hits[row].code)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.open_item(str(event.row_key.value))

    def open_item(self, code: str) -> None:
        from plugins.lookup.ui.item_screen import ItemScreen

        self.app.push_screen(ItemScreen(self.runtime, code))

    def action_open_bundle(self) -> None:
        from plugins.lookup.ui.bundles_screen import BundlesScreen

        initial = self.bundle_codes[0] if self.bundle_codes else ""
        self.app.push_screen(BundlesScreen(self.runtime, initial))

    def action_focus_query(self) -> None:
        self.query_one("#lookup-query", Input).focus()

    def action_focus_results(self) -> None:
        if self.hits:
            self.query_one("#lookup-results", DataTable).focus()


def _quoted(words: Iterable[str]) -> str:
    return "".join(f"“{w}”" for w in words)


def reading_text(found: Found) -> str:
    """The line that says the results are approximate, and how the words were read."""
    if not found.approximate or not found.hits:
        return ""
    parts = []
    if found.matched:
        parts.append(_("Approximate: matched by {words}").format(words=_quoted(found.matched)))
    else:
        parts.append(_("Approximate results"))
    if found.by_sound:
        parts.append(_("{words} by how it sounds").format(words=_quoted(found.by_sound)))
    for said, means in found.read_as:
        parts.append(_("{said} read as {means}").format(said=f"“{said}”", means=f"“{means}”"))
    if found.dropped:
        parts.append(_("left out {words}").format(words=_quoted(found.dropped)))
    return _("; ").join(parts)
