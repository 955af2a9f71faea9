"""The steward's projects: those opened here and those assigned to this site.

``n`` opens a new project, Enter opens the one under the cursor. Each line gives the
earliest completion as the project stands and how many items are overdue (past
their forecast finish and not done), the figure the home tile shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from core.i18n import N_, _
from plugins.checklist import service
from workstation.screens.base import SihaoScreen


class ProjectsScreen(SihaoScreen):
    CSS_PATH = "checklist.tcss"
    BINDINGS = [
        Binding("n", "new", N_("New project")),
        Binding("enter", "open", N_("Open"), show=False),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="checklist-projects")

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="projects-body"):
            yield Static(_("Pre-approval checklists"), classes="screen-title")
            yield Static("", id="projects-empty")
            table: DataTable[str] = DataTable(
                id="projects-table", cursor_type="row", zebra_stripes=True
            )
            yield table

    def on_mount(self) -> None:
        self.query_one("#projects-table", DataTable).add_columns(
            _("Project"), _("Enterprise"), _("Type"), _("Completion"), _("Overdue")
        )
        self.refresh_projects()

    def on_screen_resume(self) -> None:
        self.refresh_projects()

    def refresh_projects(self) -> None:
        rules = service.current_rules()
        table = self.query_one("#projects-table", DataTable)
        table.clear()
        today = dt.date.today()
        projects = service.projects_here(self.runtime.config.site_code)
        for project in projects:
            plan = service.plan_for(project, rules, self.runtime.calendar)
            kind = rules.types.get(project.project_type)
            overdue = len(plan.overdue(today))
            table.add_row(
                project.name, project.enterprise, kind.name if kind else project.project_type,
                plan.completion.isoformat(), f"⚠ {overdue}" if overdue else "",
                key=project.id,
            )  # fmt: skip
        self.query_one("#projects-empty", Static).update(
            "" if projects else _("No project yet: press n to open one.")
        )
        if projects:
            self.set_focus(table)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one("#projects-table", DataTable)
        if table.row_count:
            self._open(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _open(self, project_id: str) -> None:
        from plugins.checklist.ui.project_screen import ProjectScreen

        self.app.push_screen(ProjectScreen(self.runtime, project_id))

    def action_new(self) -> None:
        from plugins.checklist.ui.project_form import ProjectFormScreen

        self.app.push_screen(ProjectFormScreen(self.runtime))
