"""Rectification cases of this unit: overdue first, history and next steps by key.

Highlight a case in the table, type a note if the step needs one, and press the
digit shown beside the next state (1, 2…). Each step is a new row in the case's
history; nothing is edited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from core.i18n import N_, _
from core.masking import scrub
from plugins.feedback import cases
from plugins.feedback.cases import CaseError, CaseState
from plugins.feedback.ui import not_saved_text
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


class CasesScreen(SihaoScreen):
    CSS_PATH = "cases.tcss"
    BINDINGS = [Binding(str(n), f"move({n})", N_("Next state"), show=n == 1) for n in range(1, 10)]

    def __init__(self, runtime: Any, *, today: dt.date | None = None) -> None:
        super().__init__(runtime, id="cases")
        self.today = today or dt.date.today()
        self.views: list[cases.CaseView] = []

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="cases-body"):
            yield Static("", id="cases-title", classes="screen-title")
            yield DataTable(id="cases-table", cursor_type="row")
            yield Static("", id="case-detail")
            yield Input(
                placeholder=_("Note for the next step (callback result, fix, reason…)"),
                id="case-note",
                compact=True,
            )
            yield Static("", id="case-error")

    def on_mount(self) -> None:
        table = self.query_one("#cases-table", DataTable)
        table.add_columns(
            _("State"),
            _("Source"),
            _("Summary"),
            _("Window"),
            _("Responsible unit"),
            _("Call back by"),
            _("Rectify by"),
            _("Overdue"),
        )
        self.reload()
        table.focus()

    # -- data ----------------------------------------------------------------------
    def reload(self, keep: str | None = None) -> None:
        self.views = cases.list_cases(self.runtime.config.site_code, self.today, opened_here=True)
        table = self.query_one("#cases-table", DataTable)
        table.clear()
        overdue = 0
        for view in self.views:
            case = view.case
            style = "bold red" if view.overdue else ""
            overdue += view.overdue
            estimate = "*" if case.due_estimate else ""
            what = {"callback": _("callback overdue"), "rectify": _("rectification overdue")}
            table.add_row(
                Text(view.state.label, style=style),
                Text(_("bad review") if case.source == "rating" else _("finding")),
                Text(scrub(case.summary)[:40]),
                Text(case.window_no),
                Text(cases.unit_label(case.unit_site, self.runtime.config.site_code)),
                Text(f"{case.callback_due.isoformat()}{estimate}"),
                Text(f"{case.rectify_due.isoformat()}{estimate}"),
                Text(what.get(view.overdue_what, ""), style=style),
                key=case.id,
            )
        self.query_one("#cases-title", Static).update(
            _("Rectification cases: {n} open, {m} overdue").format(
                n=sum(v.state is not CaseState.REVIEWED for v in self.views), m=overdue
            )
        )
        if keep is not None:
            for index, view in enumerate(self.views):
                if view.case.id == keep:
                    table.move_cursor(row=index)
        self.show_detail()

    def selected(self) -> cases.CaseView | None:
        table = self.query_one("#cases-table", DataTable)
        if not self.views or table.cursor_row < 0 or table.cursor_row >= len(self.views):
            return None
        return self.views[table.cursor_row]

    def show_detail(self) -> None:
        view = self.selected()
        detail = self.query_one("#case-detail", Static)
        if view is None:
            detail.update(_("No cases."))
            return
        lines = []
        for event in cases.history(view.case.id):
            note = f"：{scrub(event.note)}" if event.note else ""
            lines.append(
                f"{event.happened_on}  {CaseState(event.to_state).label}  {event.actor}{note}"
            )
        if view.case.due_estimate:
            lines.append(
                _("* Deadlines counted on weekends only: no official holiday table for that year.")
            )
        options = cases.allowed_next(view.state)
        if options:
            lines.append(
                _("Next:")
                + "  "
                + "   ".join(f"[{n}] {state.label}" for n, state in enumerate(options, start=1))
            )
        else:
            lines.append(_("Closed: reviewed."))
        detail.update("\n".join(lines))

    # -- events --------------------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#cases-table", DataTable).focus()

    def action_move(self, number: int) -> None:
        view = self.selected()
        error = self.query_one("#case-error", Static)
        if view is None:
            return
        options = cases.allowed_next(view.state)
        if not 1 <= number <= len(options):
            error.update(_("There is no next step {n} for this case.").format(n=number))
            return
        session = self.runtime.session
        note_input = self.query_one("#case-note", Input)
        try:
            cases.transition(
                view.case.id,
                options[number - 1],
                actor=session.staff_no if session else "",
                role=session.role if session else "clerk",
                today=self.today,
                note=note_input.value,
                site_code=session.site_code if session else None,
            )
        except CaseError as exc:
            error.update(f"✗ {exc}")
            return
        except Exception:  # a database failure: say so, keep what was typed
            log.exception("saving failed")
            error.update(not_saved_text())
            return
        error.update(_("Case moved to {state}.").format(state=options[number - 1].label))
        note_input.value = ""
        self.reload(keep=view.case.id)
