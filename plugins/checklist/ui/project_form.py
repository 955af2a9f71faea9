"""A new project (or a project's attributes and start changed): the form and, under it,
the checklist as it stands, recomputed at every change.

Each attribute the rules declare gets the field its type calls for: a number field, a
choice, a tick box. A value of the wrong type (一万 in 用地面积) is named under the
form at once and counts as not filled in for the preview; Ctrl+S refuses to save
until it is right, and keeps everything typed (a draft: Esc, F1 or a sign-out lose
nothing). A planned start on a day off is said at once, with the working day the
plan starts on instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static
from textual.widgets.select import InvalidSelectValueError

from core.i18n import N_, _
from plugins.checklist import service
from plugins.checklist.models import Project
from plugins.checklist.rules import Attribute
from plugins.checklist.service import Checked, ProjectForm
from workstation.draft_form import DraftForm
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)

MAX_PROBLEMS_SHOWN = 3


def _value(select: Select[str]) -> str:
    value: Any = select.value
    return "" if value is Select.NULL or value is Select.BLANK else str(value)


def _meaningful(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields without attributes left empty or unticked (the form has a widget for
    every attribute, a saved project only the values it holds)."""
    attributes = fields.get("attributes") or {}
    return {
        **fields,
        "attributes": {k: v for k, v in attributes.items() if v not in ("", False, None)},
    }


class ProjectFormScreen(DraftForm, SihaoScreen):
    CSS_PATH = "checklist.tcss"
    FORM_ID = "checklist.project"
    BINDINGS = [Binding("ctrl+s", "save", N_("Save"), priority=True)]

    def __init__(self, runtime: Any, project: Project | None = None) -> None:
        super().__init__(runtime, id="checklist-form")
        self.rules = service.current_rules()
        self.project = project
        if project is not None:
            self.FORM_ID = f"checklist.project.{project.id}"
        self.checked: Checked | None = None
        self._shown: dict[str, str] | None = None  # items of the last preview: what changed
        self.init_drafts()

    # -- layout --------------------------------------------------------------------
    def _row(self, label: str, widget: Widget) -> Horizontal:
        return Horizontal(Label(label, classes="form-label"), widget, classes="form-row")

    def compose_body(self) -> Iterable[Widget]:
        from core.models import Site

        editing = self.project is not None
        title = (
            _("Change project: {name}").format(name=self.project.name)
            if self.project is not None
            else _("New project")
        )
        sites = [(f"{s.name}", str(s.code)) for s in Site.select().order_by(Site.code)]
        here = self.runtime.config.site_code
        with VerticalScroll(id="form-body"):
            yield Static(title, classes="screen-title")
            # The count and the completion at the top: what a changed attribute does to
            # the checklist is seen at once, even at 80x24 where the table is below.
            yield Static("", id="preview-summary")
            yield self._row(
                _("Project name"), Input(id="name", max_length=200, compact=True, disabled=editing)
            )
            yield self._row(
                _("Enterprise"),
                Input(id="enterprise", max_length=200, compact=True, disabled=editing),
            )
            yield self._row(
                _("Unified social credit code"),
                Input(id="credit-code", max_length=24, compact=True, disabled=editing,
                      placeholder="91370303MA3C0XXXXX"),
            )  # fmt: skip
            yield self._row(
                _("Project type"),
                Select([(t.name, t.code) for t in self.rules.types.values()], id="type",
                       compact=True, disabled=editing, prompt=_("(choose)")),
            )  # fmt: skip
            yield self._row(
                _("Planned start"),
                Input(id="start", placeholder="2026-10-08", max_length=10, compact=True),
            )
            yield self._row(
                _("Followed by site"),
                Select(sites, id="assigned", value=here if any(c == here for _n, c in sites) else Select.NULL,
                       compact=True, disabled=editing, prompt=_("(this site)")),
            )  # fmt: skip
            for attribute in self.rules.attributes.values():
                yield self._attribute_row(attribute)
            yield Static("", id="form-note")
            yield Static("", id="form-error")
            table: DataTable[str] = DataTable(
                id="form-preview", cursor_type="row", zebra_stripes=True
            )
            yield table

    def _attribute_row(self, attribute: Attribute) -> Horizontal:
        widget_id = f"attr-{attribute.code}"
        widget: Widget
        if attribute.type == "bool":
            widget = Checkbox(attribute.name, id=widget_id, compact=True)
            return Horizontal(Label("", classes="form-label"), widget, classes="form-row")
        if attribute.type == "choice":
            widget = Select([(c, c) for c in attribute.choices], id=widget_id, compact=True,
                            prompt=_("(not applicable)"))  # fmt: skip
        else:
            widget = Input(id=widget_id, max_length=20, compact=True, placeholder="0")
        return self._row(attribute.name, widget)

    def on_mount(self) -> None:
        table = self.query_one("#form-preview", DataTable)
        table.add_columns(
            _("Stage"), _("Item"), _("Working days"), _("Start"), _("Finish"), _("Slack")
        )
        if self.project is not None:
            self.restore_draft(self._project_fields(self.project))
        draft = self.open_draft()
        if draft is not None:
            self.notify(_("Your unsaved project form is back."))
        self.set_focus(self.query_one("#start" if self.project is not None else "#name", Input))
        self.refresh_preview()

    # -- reading and writing the fields ---------------------------------------------
    def _project_fields(self, project: Project) -> dict[str, Any]:
        attributes = service.attributes_of(project)
        return {
            "name": project.name,
            "enterprise": project.enterprise,
            "credit_code": project.credit_code,
            "project_type": project.project_type,
            "planned_start": project.planned_start.isoformat(),
            "assigned_site": project.assigned_site,
            "attributes": {
                code: (value if isinstance(value, bool) else str(value))
                for code, value in attributes.items()
            },
        }

    def form(self) -> ProjectForm:
        attributes: dict[str, Any] = {}
        for attribute in self.rules.attributes.values():
            widget = self.query_one(f"#attr-{attribute.code}")
            if isinstance(widget, Checkbox):
                attributes[attribute.code] = widget.value
            elif isinstance(widget, Select):
                attributes[attribute.code] = _value(widget)
            elif isinstance(widget, Input):
                attributes[attribute.code] = widget.value
        return ProjectForm(
            name=self.query_one("#name", Input).value,
            enterprise=self.query_one("#enterprise", Input).value,
            credit_code=self.query_one("#credit-code", Input).value,
            project_type=_value(self.query_one("#type", Select)),
            attributes=attributes,
            planned_start=self.query_one("#start", Input).value,
            assigned_site=_value(self.query_one("#assigned", Select)),
        )

    def draft_fields(self) -> dict[str, Any]:
        form = self.form()
        return {
            "name": form.name,
            "enterprise": form.enterprise,
            "credit_code": form.credit_code,
            "project_type": form.project_type,
            "planned_start": form.planned_start,
            "assigned_site": form.assigned_site,
            "attributes": form.attributes,
        }

    def restore_draft(self, fields: dict[str, Any]) -> None:
        for key, widget_id in (("name", "#name"), ("enterprise", "#enterprise"),
                               ("credit_code", "#credit-code"), ("planned_start", "#start")):  # fmt: skip
            if isinstance(fields.get(key), str):
                self.query_one(widget_id, Input).value = fields[key]
        for key, widget_id in (("project_type", "#type"), ("assigned_site", "#assigned")):
            value = fields.get(key)
            select = self.query_one(widget_id, Select)
            if isinstance(value, str) and value:
                try:
                    select.value = value
                except InvalidSelectValueError:  # a site or type no longer offered
                    log.info("draft value %s of %s not offered", value, key)
        attributes = fields.get("attributes")
        if not isinstance(attributes, dict):
            return
        for attribute in self.rules.attributes.values():
            value = attributes.get(attribute.code)
            widget = self.query_one(f"#attr-{attribute.code}")
            if isinstance(widget, Checkbox) and isinstance(value, bool):
                widget.value = value
            elif isinstance(widget, Select) and isinstance(value, str):
                if value in attribute.choices:
                    widget.value = value
            elif isinstance(widget, Input) and isinstance(value, str | int | float):
                widget.value = str(value)

    def draft_is_blank(self, fields: dict[str, Any]) -> bool:
        if self.project is not None:  # nothing changed from the project as saved
            return _meaningful(fields) == _meaningful(self._project_fields(self.project))
        typed = [fields.get(k) for k in ("name", "enterprise", "credit_code", "planned_start")]
        attributes = fields.get("attributes") or {}
        return not any(typed) and not any(v for v in attributes.values())

    def draft_label(self) -> str:
        return _("an unsaved project form (kept as a draft)")

    # -- recomputing at once ------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._changed()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._changed()

    def _changed(self) -> None:
        if not self.is_mounted:
            return
        self.draft_changed()
        self.refresh_preview()

    def refresh_preview(self) -> None:
        checked = service.check(self.form(), self.rules, self.runtime.calendar)
        self.checked = checked
        # While typing, only what concerns the checklist is said: wrong attributes and
        # the start; a name still empty is said at Ctrl+S.
        attribute_problems = service.read_attributes(self.rules, self.form().attributes)[1]
        self.query_one("#form-error", Static).update(
            "\n".join("✗ " + p for p in attribute_problems[:MAX_PROBLEMS_SHOWN])
        )
        self.query_one("#form-note", Static).update("\n".join("ℹ " + n for n in checked.notes))
        table = self.query_one("#form-preview", DataTable)
        table.clear()
        plan = service.preview(checked, self.rules, self.runtime.calendar)
        summary = self.query_one("#preview-summary", Static)
        if plan is None:
            self._shown = None
            summary.update(_("Choose the project type and the planned start to see the checklist."))
            return
        text = _("{n} items; earliest completion {day} ({days} working days).").format(
            n=len(plan.items), day=plan.completion.isoformat(), days=plan.total_days
        )
        names = {i.code: i.name for i in plan.items}
        if self._shown is not None:
            added = [names[c] for c in names if c not in self._shown]
            dropped = [n for c, n in self._shown.items() if c not in names]
            if added:
                text += "\n+ " + "、".join(added)
            if dropped:
                text += "\n− " + "、".join(dropped)
        self._shown = names
        summary.update(text)
        for item in plan.items:
            table.add_row(
                str(item.stage), item.name, str(item.days), item.start.isoformat()[5:],
                item.finish.isoformat()[5:], _("critical") if item.critical else str(item.slack),
                key=item.code,
            )  # fmt: skip

    # -- saving ---------------------------------------------------------------------------
    def action_save(self) -> None:
        self.after_typed_keys(self._save)

    def _save(self) -> None:
        checked = service.check(self.form(), self.rules, self.runtime.calendar)
        error = self.query_one("#form-error", Static)
        if not checked.ok:
            error.update("\n".join("✗ " + p for p in checked.problems[:MAX_PROBLEMS_SHOWN]))
            self.notify(checked.problems[0], severity="error")
            return
        session = self.runtime.session
        actor = session.staff_no if session is not None else ""
        site = self.runtime.config.site_code
        try:
            if self.project is None:
                project = service.create_project(
                    checked, self.rules, actor=actor, site_code=site,
                    role=session.role if session is not None else "",
                )  # fmt: skip
            else:
                project = self.project
                assert checked.planned_start is not None
                service.change_attributes(project, checked.attributes, actor=actor, site_code=site)
                service.change_start(project, checked.planned_start, actor=actor, site_code=site)
        except service.ProjectError as exc:
            error.update("✗ " + str(exc))
            self.notify(str(exc), severity="error")
            return
        except Exception:
            log.exception("project not saved")
            self.notify(
                _("The project could not be saved; what you typed is kept."), severity="error"
            )
            return
        self.drop_draft()
        for note in checked.notes:
            self.notify(note)
        self.notify(_("Project {name} saved.").format(name=project.name))
        if self.project is not None:
            self.app.pop_screen()  # back to the project, which recomputes on resume
            return
        from plugins.checklist.ui.project_screen import ProjectScreen

        self.app.switch_screen(ProjectScreen(self.runtime, project.id))
