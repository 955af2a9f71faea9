"""The cases taken here: this window's or this site's, by state, overdue first.

A clerk sees the cases of their window, a supervisor the site's (F2 switches for
whoever may); the state filter (F3) goes round 全部 → 受理 → 审查 → 办结 → 已送达 →
一次性告知 → 不予受理, F4 shows only cases past their promised date. Enter opens a
case: its steps and the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from core.i18n import N_, _
from core.masking import mask_name
from plugins.intake import service
from plugins.intake.service import CaseState
from workstation.screens.base import SihaoScreen

STATE_FILTERS: tuple[CaseState | None, ...] = (None, *CaseState)


def state_label(state: CaseState) -> str:
    return state.label


class CasesScreen(SihaoScreen):
    CSS_PATH = "intake.tcss"
    BINDINGS = [
        Binding("f2", "scope", N_("Window / site"), id="intake.scope"),
        Binding("f3", "state", N_("State"), id="intake.state"),
        Binding("f4", "overdue", N_("Overdue only"), id="intake.overdue"),
    ]

    def __init__(self, runtime: Any, *, today: dt.date | None = None) -> None:
        super().__init__(runtime, id="intake-cases")
        self.today = today or dt.date.today()
        session = runtime.session
        self.window = self._window_of(session.staff_no) if session is not None else ""
        # A clerk starts on their window's cases; a supervisor on the site's.
        self.whole_site = not self.window or (session is not None and session.role != "clerk")
        self.state_filter = 0
        self.overdue_only = False
        self.views: list[service.CaseView] = []

    @staticmethod
    def _window_of(staff_no: str) -> str:
        from core.models import Staff, Window

        staff = Staff.get_or_none(Staff.staff_no == staff_no)
        if staff is None or staff.window_id is None:
            return ""
        window = Window.get_or_none(Window.id == staff.window_id)
        return str(window.number) if window is not None else ""

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="intake-body"):
            yield Static("", id="cases-title", classes="screen-title")
            yield DataTable(id="cases-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#cases-table", DataTable)
        table.add_columns(
            _("Case number"), _("State"), _("Promised"), _("Item"), _("Applicant"), _("Window")
        )
        self.reload()
        table.focus()

    def reload(self) -> None:
        state = STATE_FILTERS[self.state_filter]
        self.views = service.list_cases(
            self.runtime.config.site_code,
            today=self.today,
            window_no=None if self.whole_site else self.window,
            states=[state] if state is not None else None,
            overdue_only=self.overdue_only,
        )
        self.views.sort(key=lambda v: not v.overdue)  # overdue first, newest first within
        table = self.query_one("#cases-table", DataTable)
        table.clear()
        for view in self.views:
            case = view.case
            style = "bold red" if view.overdue else ""
            promised = case.promised_on.isoformat() if case.promised_on else "—"
            if case.due_estimate and case.promised_on:
                promised += "*"
            state_text = view.state.label
            if view.result:
                state_text += f"（{service.Result(view.result).label}）"
            table.add_row(
                Text(case.case_no),
                Text(state_text, style=style),
                Text(promised + (" " + _("overdue") if view.overdue else ""), style=style),
                Text(case.item_name),
                Text(mask_name(case.applicant_name)),
                Text(case.window_no),
                key=case.id,
            )
        scope = (
            _("this site")
            if self.whole_site
            else _("window {window}").format(window=self.window or "—")
        )
        what = state.label if state is not None else _("all states")
        extra = _(", overdue only") if self.overdue_only else ""
        self.query_one("#cases-title", Static).update(
            Text(
                _("Cases of {scope}: {what}{extra} ({n})").format(
                    scope=scope, what=what, extra=extra, n=len(self.views)
                )
            )
        )

    def action_scope(self) -> None:
        if self.window:
            self.whole_site = not self.whole_site
        self.reload()

    def action_state(self) -> None:
        self.state_filter = (self.state_filter + 1) % len(STATE_FILTERS)
        self.reload()

    def action_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from plugins.intake.ui.case_screen import CaseScreen

        case_id = str(event.row_key.value)
        self.app.push_screen(CaseScreen(self.runtime, case_id))

    def on_screen_resume(self) -> None:
        """Back from a case: its state may have moved."""
        if self.is_mounted:
            self.reload()
