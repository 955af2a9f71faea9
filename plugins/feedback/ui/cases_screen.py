"""Rectification cases: overdue first, history and next steps by key.

Highlight a case in the table, fill what the step needs (a note; for 已回访 the time
of the callback; for 已整改 the evidence of the fix) and press the digit shown beside
the next state (1, 2…). The list, the digits and the checks all come from
``case_rules``: a clerk sees and moves the cases of their window, a supervisor those
of the site; whoever recorded the fix may not review it. Each step is a new row in
the case's history; nothing is edited.

Layout: the columns a clerk acts on (state, both deadlines, overdue) come first, the
summary last, so an 80-column terminal cuts the summary, never a deadline.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from core.i18n import N_, _
from core.masking import scrub
from core.roles import Role
from plugins.feedback import case_rules, cases
from plugins.feedback.case_rules import CLOSED_STATES, CaseState
from plugins.feedback.cases import CaseError
from plugins.feedback.ui import not_saved_text
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)

FIELDS = ("#case-note", "#case-evidence", "#case-called-at")


def parse_called_at(text: str, today: dt.date) -> dt.datetime | None:
    """``YYYY-MM-DD HH:MM`` or ``HH:MM`` (today); ValueError for anything else."""
    text = text.strip().replace("：", ":")
    if not text:
        return None
    if len(text) <= 5:
        clock = dt.datetime.strptime(text, "%H:%M").time()
        return dt.datetime.combine(today, clock)
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")


def needs_hint(step: case_rules.Step) -> str:
    """What a step needs, for the line of next steps: （说明、回访时间）."""
    needs = []
    if step.needs_note:
        needs.append(_("note"))
    if step.needs_callback_at:
        needs.append(_("callback time"))
    if step.needs_evidence:
        needs.append(_("evidence"))
    if step.roles == frozenset({Role.SUPERVISOR}):
        needs.append(_("supervisor"))
    return _(" ({needs})").format(needs=_(", ").join(needs)) if needs else ""


class CasesScreen(SihaoScreen):
    CSS_PATH = "cases.tcss"
    BINDINGS = [Binding(str(n), f"move({n})", N_("Next state"), show=n == 1) for n in range(1, 10)]

    def __init__(self, runtime: Any, *, today: dt.date | None = None) -> None:
        super().__init__(runtime, id="cases")
        self.today = today or dt.date.today()
        self.views: list[cases.CaseView] = []
        self.failure_shown = False  # the line says what is wrong (not what was done)

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="cases-body"):
            yield Static("", id="cases-title", classes="screen-title")
            yield DataTable(id="cases-table", cursor_type="row")
            with VerticalScroll(id="case-detail-box"):
                yield Static("", id="case-detail")
            with Horizontal(id="case-fields"):
                yield Input(
                    placeholder=_("Note (callback result, plan, reason…)"),
                    id="case-note",
                    compact=True,
                )
                yield Input(placeholder=_("Evidence of the fix"), id="case-evidence", compact=True)
                yield Input(placeholder=_("Called at HH:MM"), id="case-called-at", compact=True)
            yield Static("", id="case-error")

    def on_mount(self) -> None:
        table = self.query_one("#cases-table", DataTable)
        table.add_columns(
            _("State"),
            _("Call back by"),
            _("Rectify by"),
            _("Overdue"),
            _("Window"),
            _("Responsible unit"),
            _("Summary"),
        )
        self.reload()
        table.focus()

    def unsaved_input(self) -> str | None:
        """Typed but not recorded: the shell asks before signing out or quitting."""
        if any(self.query_one(f, Input).value.strip() for f in FIELDS):
            return _("unsaved rectification step")
        return None

    # -- data ----------------------------------------------------------------------
    def viewer(self) -> case_rules.Actor | None:
        session = self.runtime.session
        if session is None:
            return None
        return cases.staff_actor(session.staff_no, session.role, session.site_code)

    def reload(self, keep: str | None = None) -> None:
        here = self.runtime.config.site_code
        self.views = cases.list_cases(here, self.today, opened_here=True, viewer=self.viewer())
        table = self.query_one("#cases-table", DataTable)
        table.clear()
        overdue = 0
        what = {"callback": _("callback overdue"), "rectify": _("rectification overdue")}
        for view in self.views:
            case = view.case
            style = "bold red" if view.overdue else ""
            overdue += view.overdue
            estimate = "*" if case.due_estimate else ""

            def due(day: dt.date | None, estimate: str = estimate) -> Text:
                return Text(f"{day.isoformat()}{estimate}" if day is not None else "?")

            table.add_row(
                Text(view.state.label, style=style),
                due(view.callback_due),
                due(view.rectify_due),
                Text(what.get(view.overdue_what, ""), style=style),
                Text(case.window_no),
                Text(cases.unit_label(case.unit_site, here)),
                Text(
                    (_("bad review") if case.source == "rating" else _("finding"))
                    + "："
                    + scrub(case.summary)[:40]
                ),
                key=case.id,
            )
        self.query_one("#cases-title", Static).update(
            _("Rectification cases: {n} open, {m} overdue").format(
                n=sum(v.state not in CLOSED_STATES for v in self.views), m=overdue
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
        # What can be done next comes first, then the history newest first: in the
        # few rows an 80×24 terminal leaves, the box scrolls to older steps.
        lines = []
        options = cases.allowed_next(view.state)
        if options:
            lines.append(
                _("Next:")
                + "  "
                + "   ".join(
                    f"[{n}] {state.label}{self._hint(view.state, state)}"
                    for n, state in enumerate(options, start=1)
                )
            )
        elif view.state is CaseState.WITHDRAWN:
            lines.append(_("Closed: withdrawn, the rating that opened it was voided."))
        else:
            lines.append(_("Closed: reviewed."))
        if view.case.due_estimate:
            lines.append(
                _("* Deadlines counted on weekends only: no official holiday table for that year.")
            )
        for event in reversed(cases.history(view.case.id)):
            state = case_rules.parse_state(event.to_state)
            extra = "".join(f"：{scrub(text)}" for text in (event.note, event.evidence) if text)
            called = (
                _(" (called {time})").format(time=event.called_at.strftime("%m-%d %H:%M"))
                if isinstance(event.called_at, dt.datetime)
                else ""
            )
            label = state.label if state is not None else "?"
            lines.append(f"{event.happened_on}  {label}  {event.actor}{called}{extra}")
        detail.update("\n".join(lines))

    @staticmethod
    def _hint(source: CaseState, target: CaseState) -> str:
        step = case_rules.step_for(source, target)
        return needs_hint(step) if step is not None else ""

    # -- events --------------------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.clear_error()
        self.show_detail()

    def on_input_changed(self, event: Input.Changed) -> None:
        # The field is being fixed: the old complaint no longer stands.
        event.input.remove_class("-invalid")
        self.clear_error()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#cases-table", DataTable).focus()

    def clear_error(self) -> None:
        """Take a complaint away once the person acts on it (one line, never stale)."""
        if self.failure_shown:
            self.query_one("#case-error", Static).update("")
            self.failure_shown = False

    def fail(self, message: str, field: str | None = None) -> None:
        self.query_one("#case-error", Static).update(f"✗ {message}")
        self.failure_shown = True
        for name in FIELDS:
            self.query_one(name, Input).set_class(name == field, "-invalid")

    def action_move(self, number: int) -> None:
        view = self.selected()
        if view is None:
            return
        options = cases.allowed_next(view.state)
        if not 1 <= number <= len(options):
            self.fail(_("There is no next step {n} for this case.").format(n=number))
            return
        target = options[number - 1]
        step = case_rules.step_for(view.state, target)
        note = self.query_one("#case-note", Input)
        evidence = self.query_one("#case-evidence", Input)
        called_input = self.query_one("#case-called-at", Input)
        try:
            called_at = parse_called_at(called_input.value, self.today)
        except ValueError:
            self.fail(_("Write the callback time as HH:MM or YYYY-MM-DD HH:MM."), "#case-called-at")
            return
        session = self.runtime.session
        try:
            cases.transition(
                view.case.id,
                target,
                actor=session.staff_no if session else "",
                role=session.role if session else "clerk",
                today=self.today,
                note=note.value,
                site_code=session.site_code if session else None,
                evidence=evidence.value if step is not None and step.needs_evidence else "",
                called_at=called_at if step is not None and step.needs_callback_at else None,
            )
        except CaseError as exc:
            self.fail(str(exc), self._field_at_fault(step, note, evidence, called_at))
            return
        except Exception:  # a database failure: say so, keep what was typed
            log.exception("saving failed")
            self.fail(not_saved_text().removeprefix("✗ "))
            return
        for field in (note, evidence, called_input):
            field.value = ""
        self.reload(keep=view.case.id)
        self.failure_shown = False
        self.query_one("#case-error", Static).update(
            _("Case moved to {state}.").format(state=target.label)
        )

    @staticmethod
    def _field_at_fault(
        step: case_rules.Step | None, note: Input, evidence: Input, called_at: dt.datetime | None
    ) -> str | None:
        if step is None:
            return None
        if step.needs_note and not note.value.strip():
            return "#case-note"
        if step.needs_evidence and not evidence.value.strip():
            return "#case-evidence"
        if step.needs_callback_at and called_at is None:
            return "#case-called-at"
        return None
