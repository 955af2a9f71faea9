"""One project: its checklist as a table and a Gantt chart, the joint consultation, print.

Keys: ``e`` change the attributes or the start (the form recomputes as you type),
``d`` mark the item under the cursor done with its real date, ``l`` mark it late
with the day now expected (the forecast moves at once), ``c`` raise a difficulty
at the joint consultation (集中会诊: what, which department resolves it, by when),
``o`` record the outcome of the difficulty under the cursor in the lower table,
``p`` print the checklist for the client (the shell's print dialog).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from core.i18n import N_, _
from plugins.checklist import service
from plugins.checklist.models import Project
from plugins.checklist.schedule import Plan, Status, gantt
from plugins.checklist.ui.fields_dialog import Field, FieldsDialog
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


def status_label(status: Status, overdue: bool) -> str:
    if overdue:
        return _("overdue")
    return {Status.PLANNED: _("planned"), Status.DONE: _("done"), Status.LATE: _("late")}[status]


class ProjectScreen(SihaoScreen):
    CSS_PATH = "checklist.tcss"
    BINDINGS = [
        Binding("e", "edit", N_("Change")),
        Binding("d", "done", N_("Mark done")),
        Binding("l", "late", N_("Late")),
        Binding("c", "consult", N_("Difficulty")),
        Binding("o", "outcome", N_("Consultation outcome")),
        Binding("p", "print", N_("Print")),
    ]

    def __init__(self, runtime: Any, project_id: str) -> None:
        super().__init__(runtime, id="checklist-project")
        self.project_id = project_id
        self.rules = service.current_rules()
        self.plan: Plan | None = None

    @property
    def project(self) -> Project:
        return Project.get(Project.id == self.project_id)

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="project-body"):
            yield Static("", id="project-title", classes="screen-title")
            yield Static("", id="project-note")
            yield Static("", id="project-summary")
            items: DataTable[str] = DataTable(
                id="project-items", cursor_type="row", zebra_stripes=True
            )
            yield items
            yield Static("", id="project-gantt")
            yield Static(_("Joint consultation (集中会诊)"), classes="section-title")
            issues: DataTable[str] = DataTable(id="project-issues", cursor_type="row")
            yield issues

    def on_mount(self) -> None:
        self.query_one("#project-items", DataTable).add_columns(
            _("Stage"), _("Item"), _("Lead department"), _("Working days"), _("Start"), _("Finish"),
            _("Slack"), _("Status"),
        )  # fmt: skip
        self.query_one("#project-issues", DataTable).add_columns(
            _("Difficulty"), _("Resolved by"), _("Due"), _("Consultation outcome")
        )
        self.refresh_plan()
        self.set_focus(self.query_one("#project-items", DataTable))

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.refresh_plan()

    def on_resize(self) -> None:
        if self.plan is not None:
            self._draw_gantt(self.plan)

    # -- showing --------------------------------------------------------------------
    def refresh_plan(self) -> None:
        project = self.project
        plan = service.plan_for(project, self.rules, self.runtime.calendar)
        self.plan = plan
        today = dt.date.today()
        kind = self.rules.types.get(project.project_type)
        self.query_one("#project-title", Static).update(
            f"{project.name} · {project.enterprise} · {kind.name if kind else project.project_type}"
        )
        notes = []
        moved = service.start_note(self.runtime.calendar, project.planned_start)
        if moved:
            notes.append("ℹ " + moved)
        if plan.estimate_years:
            notes.append("ℹ " + _("No official holiday table for {years}: counted on weekends only.").format(
                years="、".join(str(y) for y in plan.estimate_years)))  # fmt: skip
        self.query_one("#project-note", Static).update("\n".join(notes))
        names = {i.code: i.name for i in plan.items}
        overdue = plan.overdue(today)
        summary = _("Earliest completion {day} ({days} working days from {start}).").format(
            day=plan.completion.isoformat(), days=plan.total_days, start=plan.start.isoformat()
        )
        summary += "\n" + _("Critical path: {path}").format(
            path=" → ".join(names[c] for c in plan.critical_path)
        )
        if overdue:
            summary += "\n⚠ " + _("{n} overdue: {items}").format(
                n=len(overdue), items="、".join(i.name for i in overdue)
            )
        open_issues = [i for i in service.issues(project.id) if i.open]
        if open_issues:
            summary += "\n⚠ " + _("{n} open difficulties from the joint consultation.").format(
                n=len(open_issues)
            )
        self.query_one("#project-summary", Static).update(summary)
        table = self.query_one("#project-items", DataTable)
        row = table.cursor_row
        table.clear()
        for item in plan.items:
            table.add_row(
                str(item.stage),
                item.name + (" ∥" if item.parallel else ""),
                item.department,
                str(item.days),
                item.start.isoformat(),
                item.finish.isoformat(),
                _("critical") if item.critical else str(item.slack),
                status_label(item.status, item.overdue(today)),
                key=item.code,
            )
        if plan.items:
            table.move_cursor(row=min(row, len(plan.items) - 1))
        issues = self.query_one("#project-issues", DataTable)
        issues.clear()
        for issue in service.issues(project.id):
            issues.add_row(
                issue.difficulty, issue.department,
                issue.due.isoformat() if issue.due else "—",
                issue.outcome or _("(open)"), key=issue.id,
            )  # fmt: skip
        self._draw_gantt(plan)

    def _draw_gantt(self, plan: Plan) -> None:
        width = max(40, self.size.width - 4)
        lines = gantt(plan, width)
        legend = _("█ critical  ▓ other  ✓ done  · slack")
        self.query_one("#project-gantt", Static).update("\n".join([legend, *lines]))

    # -- acting ----------------------------------------------------------------------
    def _actor(self) -> tuple[str, str]:
        session = self.runtime.session
        return (session.staff_no if session is not None else "", self.runtime.config.site_code)

    def _current_item(self) -> str | None:
        table = self.query_one("#project-items", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_edit(self) -> None:
        from plugins.checklist.ui.project_form import ProjectFormScreen

        self.app.push_screen(ProjectFormScreen(self.runtime, self.project))

    def action_done(self) -> None:
        self._mark(Status.DONE)

    def action_late(self) -> None:
        self._mark(Status.LATE)

    def _mark(self, status: Status) -> None:
        code = self._current_item()
        if code is None or self.plan is None:
            return
        item = self.plan.item(code)
        assert item is not None
        title = (
            _("Done: {item}").format(item=item.name)
            if status is Status.DONE
            else _("Late: {item}").format(item=item.name)
        )
        label = _("Done on") if status is Status.DONE else _("Now expected on")
        default = dt.date.today() if status is Status.DONE else max(item.finish, dt.date.today())

        def check(values: dict[str, str]) -> str | None:
            day = service.parse_day(values["day"])
            if day is None:
                return _("A date is written like 2026-10-08.")
            actor, site = self._actor()
            try:
                service.mark_item(
                    self.project, code, status, day, self.rules, self.runtime.calendar,
                    actor=actor, site_code=site,
                )  # fmt: skip
            except service.ProjectError as exc:
                return str(exc)
            return None

        self.app.push_screen(
            FieldsDialog(
                title, [Field("day", label, default.isoformat(), "2026-10-08", 10)], check
            ),
            lambda result: self.refresh_plan() if result else None,
        )

    def action_consult(self) -> None:
        def check(values: dict[str, str]) -> str | None:
            due = None
            if values["due"].strip():
                due = service.parse_day(values["due"])
                if due is None:
                    return _("A date is written like 2026-10-08.")
            actor, site = self._actor()
            try:
                service.open_issue(self.project, values["difficulty"], values["department"], due,
                                   actor=actor, site_code=site)  # fmt: skip
            except service.ProjectError as exc:
                return str(exc)
            return None

        self.app.push_screen(
            FieldsDialog(
                _("Joint consultation: a difficulty"),
                [
                    Field("difficulty", _("Difficulty"), max_length=500),
                    Field("department", _("Resolved by"), max_length=100),
                    Field("due", _("Due date"), placeholder="2026-10-08", max_length=10),
                ],
                check,
            ),
            lambda result: self.refresh_plan() if result else None,
        )

    def action_outcome(self) -> None:
        table = self.query_one("#project-issues", DataTable)
        if not table.row_count:
            self.notify(_("No difficulty has been raised for this project."))
            return
        issue_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

        def check(values: dict[str, str]) -> str | None:
            actor, site = self._actor()
            try:
                service.close_issue(self.project, issue_id, values["outcome"],
                                    actor=actor, site_code=site)  # fmt: skip
            except service.ProjectError as exc:
                return str(exc)
            return None

        self.app.push_screen(
            FieldsDialog(
                _("Consultation outcome"),
                [Field("outcome", _("Consultation outcome"), max_length=500)],
                check,
            ),
            lambda result: self.refresh_plan() if result else None,
        )

    def action_print(self) -> None:
        from core.documents import DocumentError
        from plugins.checklist import printout
        from workstation.widgets.print_dialog import PrintDialog

        project = self.project
        plan = service.plan_for(project, self.rules, self.runtime.calendar)
        try:
            pdf = printout.checklist_pdf(
                self.runtime, project, plan, self.rules, service.issues(project.id)
            )
        except DocumentError as exc:
            log.warning("checklist not made: %s", exc)
            self.notify(
                _("The checklist could not be made: {reason}").format(reason=exc), severity="error"
            )
            return
        from pathlib import Path

        try:
            Path(self.runtime.paths.exports_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("exports folder not created: %s", exc)
        safe = "".join("-" if c in '/\\:*?"<>|' else c for c in project.name)
        self.app.push_screen(
            PrintDialog(
                self.runtime, pdf, title=f"{project.name} 批前清单",
                file_name=f"{safe}-批前清单-{dt.date.today():%Y%m%d}.pdf",
            )
        )  # fmt: skip
