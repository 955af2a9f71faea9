"""Past inspections: each inspection and walk-through of this site, with its
findings and the rectification case each finding opened, in the state it is now.

The list on top (newest first); the findings of the one under the cursor below,
with the case's state and deadline. Read-only: cases are moved on the cases
screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from core.i18n import _
from plugins.feedback import inspections, reference
from plugins.feedback.inspections import InspectionView
from workstation.screens.base import SihaoScreen


class InspectionHistoryScreen(SihaoScreen):
    CSS_PATH = "inspection.tcss"

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="inspection-history")
        self.views: list[InspectionView] = []
        self.indicators = reference.indicator_set()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="history-body"):
            yield Static(_("Past inspections"), classes="screen-title", id="history-title")
            yield DataTable(id="history", cursor_type="row")
            yield Static("", id="history-detail-title")
            yield DataTable(id="history-findings", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_columns(
            _("Date"), _("Kind"), _("Inspected"), _("Score"), _("Inspector"), _("Findings"),
            _("Open cases"),
        )  # fmt: skip
        self.query_one("#history-findings", DataTable).add_columns(
            _("Severity"), _("Finding"), _("Case state"), _("Rectify by"), _("Case")
        )
        self.views = inspections.history(self.runtime.config.site_code)
        for view in self.views:
            inspection = view.inspection
            kind = _("Walk-through") if inspection.mode == "walk" else _("Inspection")
            target = inspections.TARGET_KINDS.get(inspection.target_kind, inspection.target_kind)
            label = f"{target} {inspection.target_ref} {inspection.target_label}".strip()
            score = (
                f"{inspection.weighted_score:.2f}" if inspection.weighted_score is not None else "—"
            )
            table.add_row(
                str(inspection.inspected_on),
                kind,
                label,
                score,
                inspection.inspector,
                str(len(view.findings)),
                str(view.open_cases),
                key=inspection.id,
            )
        if not self.views:
            self.query_one("#history-detail-title", Static).update(
                _("No inspection has been logged at this site yet.")
            )
        else:
            self._show(0)
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "history" and 0 <= event.cursor_row < len(self.views):
            self._show(event.cursor_row)

    def _show(self, index: int) -> None:
        view = self.views[index]
        findings = self.query_one("#history-findings", DataTable)
        findings.clear()
        for item in view.findings:
            case = item.case
            findings.add_row(
                self.indicators.severity_name(item.finding.severity),
                item.finding.description,
                item.state or _("no case"),
                str(case.rectify_due) if case is not None else "",
                case.id[-8:] if case is not None else "",
            )
        note = view.inspection.note
        title = _("{n} findings of the inspection of {date}").format(
            n=len(view.findings), date=view.inspection.inspected_on
        )
        self.query_one("#history-detail-title", Static).update(
            title + (f"  {_('Note')}: {note}" if note else "")
        )
