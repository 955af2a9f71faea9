"""The counter's intake form (受理): applicant, situations, materials, outcome.

Opened from a service item's actions (or a one-thing bundle's: then the clerk picks
which of its items). Keys: Tab between fields; on the materials table Space turns
the highlighted material to its next status (已收取 → 缺少 → 部门共享 → 容缺受理,
only those the catalog allows for it), the promise and due date typed beside apply
to every material accepted pending; Ctrl+S takes the case and opens the print dialog
with its paper (受理回执, 一次性告知书 or 不予受理通知书).

A refused form keeps every field, the fields at fault outlined, the reasons in one
line each; what was typed is kept as a draft (``intake.counter``) until the case is
taken or the draft is discarded (Ctrl+D twice).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Select, SelectionList, Static

from core.catalog import store
from core.i18n import N_, _
from core.identifiers import check_mobile, check_resident_id, check_uscc
from core.masking import mask_id, mask_phone
from plugins.intake import service
from plugins.intake.service import (
    Applicant,
    ApplicantKind,
    Counter,
    IntakeDraft,
    IntakeError,
    MaterialMark,
    MaterialStatus,
    Outcome,
)
from workstation.draft_form import DraftForm
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)

FIELD_WIDGETS = {
    "item": "#intake-item",
    "kind": "#intake-kind",
    "name": "#intake-name",
    "id_number": "#intake-id",
    "legal_rep": "#intake-legal-rep",
    "mobile": "#intake-mobile",
    "situations": "#intake-situations",
    "materials": "#intake-materials",
    "outcome": "#intake-outcome",
    "reason": "#intake-reason",
}

STATUS_ORDER = (
    MaterialStatus.RECEIVED,
    MaterialStatus.MISSING,
    MaterialStatus.SHARED,
    MaterialStatus.PENDING,
)


def status_label(status: MaterialStatus) -> str:
    return {
        MaterialStatus.RECEIVED: _("received"),
        MaterialStatus.MISSING: _("missing"),
        MaterialStatus.SHARED: _("shared by a department (不用带)"),
        MaterialStatus.PENDING: _("accepted pending (容缺)"),
    }[status]


def outcome_label(outcome: Outcome) -> str:
    return {
        Outcome.ACCEPTED: _("Accept (受理)"),
        Outcome.NOTIFIED: _("One-time notice (一次性告知)"),
        Outcome.REFUSED: _("Not accepted (不予受理)"),
    }[outcome]


def allowed_statuses(item: dict[str, Any], key: str) -> list[MaterialStatus]:
    material = next((m for m in item.get("materials") or [] if m.get("key") == key), {})
    allowed = [MaterialStatus.RECEIVED, MaterialStatus.MISSING]
    if material.get("source") == "部门共享":
        allowed.insert(0, MaterialStatus.SHARED)
    if material.get("pending_allowed"):
        allowed.append(MaterialStatus.PENDING)
    return allowed


class IntakeScreen(DraftForm, SihaoScreen):
    CSS_PATH = "intake.tcss"
    FORM_ID = "intake.counter"
    BINDINGS = [
        Binding("ctrl+s", "take", N_("Take the case"), id="intake.take", priority=True),
        Binding("ctrl+d", "discard", N_("Discard"), id="intake.discard", show=False),
        # Reaches the screen only where the focused widget leaves Space alone (the
        # materials table): an Input types it, the situations list ticks with it.
        Binding("space", "cycle", N_("Material status"), id="intake.cycle"),
    ]

    def __init__(
        self,
        runtime: Any,
        item_code: str,
        *,
        situations: Iterable[str] = (),
        bundle: dict[str, Any] | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(runtime, id="intake-form")
        self.init_drafts()
        self.bundle = bundle
        self.today = today or dt.date.today()
        self.item_code = item_code
        self.item: dict[str, Any] = store.get_item(item_code) or {}
        self.preset_situations = [str(s) for s in situations]
        self.marks: dict[str, MaterialStatus] = {}
        self.problems: list[tuple[str, str]] = []
        self.discard_armed = False

    # -- layout --------------------------------------------------------------------
    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="intake-body"):
            yield Static("", id="intake-title", classes="screen-title")
            if self.bundle is not None:
                items = [
                    (str(found["name"]), str(found["code"]))
                    for found in store.get_items(self.bundle.get("items") or [])
                ]
                with Horizontal(classes="intake-row"):
                    yield Label(_("Item"))
                    yield Select(
                        items, value=self.item_code, allow_blank=False, id="intake-item",
                        compact=True,
                    )  # fmt: skip
            with Horizontal(classes="intake-row"):
                yield Label(_("Applicant"))
                yield Select(
                    [(_("Person (自然人)"), "person"), (_("Organisation (法人)"), "org")],
                    value=self._default_kind(), allow_blank=False, id="intake-kind", compact=True,
                )  # fmt: skip
                yield Input(placeholder=_("Applicant's name"), id="intake-name", compact=True)
            with Horizontal(classes="intake-row"):
                yield Label(_("ID number"))
                yield Input(
                    placeholder=_("Resident ID or unified social credit code"),
                    id="intake-id", compact=True,
                )  # fmt: skip
            with Horizontal(classes="intake-row"):
                yield Label(_("Legal rep."))
                yield Input(placeholder=_("Legal representative"), id="intake-legal-rep",
                            compact=True)  # fmt: skip
                yield Input(placeholder=_("Mobile"), id="intake-mobile", compact=True)
            yield Static("", id="intake-check")
            yield SelectionList[str](id="intake-situations", compact=True)
            yield DataTable(id="intake-materials", cursor_type="row")
            with Horizontal(classes="intake-row"):
                yield Label(_("容缺"))
                yield Input(placeholder=_("Applicant's promise"), id="intake-promise",
                            compact=True)  # fmt: skip
                yield Input(placeholder=_("Due YYYY-MM-DD"), id="intake-due", compact=True)
            with Horizontal(classes="intake-row"):
                yield Label(_("Outcome"))
                yield Select(
                    [(outcome_label(o), o.value) for o in Outcome],
                    value=Outcome.ACCEPTED.value, allow_blank=False, id="intake-outcome",
                    compact=True,
                )  # fmt: skip
                yield Input(placeholder=_("Reason (不予受理)"), id="intake-reason", compact=True)
            yield Static("", id="intake-error")

    def _default_kind(self) -> str:
        objects = list(self.item.get("service_object") or [])
        return "org" if objects == ["法人"] else "person"

    def on_mount(self) -> None:
        table = self.query_one("#intake-materials", DataTable)
        table.add_columns(_("Status of material"), _("Material"))  # status first: names are long
        self._load_item(self.preset_situations)
        self._kind_changed()
        self.query_one("#intake-name", Input).focus()
        draft = self.open_draft()
        if draft is not None:
            self._say(_("The intake you had not finished is back. Ctrl+D twice discards it."))

    def _load_item(self, situations: list[str]) -> None:
        self.query_one("#intake-title", Static).update(
            Text(
                _("Intake: {name} ({code})").format(
                    name=self.item.get("name", "?"), code=self.item_code
                )
            )
        )
        picker = self.query_one("#intake-situations", SelectionList)
        picker.clear_options()
        known = self.item.get("situations") or []
        for situation in known:
            code = str(situation.get("code"))
            picker.add_option((f"{code} {situation.get('name', '')}", code, code in situations))
        picker.display = bool(known)
        self.marks = {}
        self._fill_materials()

    def chosen_situations(self) -> list[str]:
        picker = self.query_one("#intake-situations", SelectionList)
        return [str(v) for v in picker.selected]

    def checklist(self) -> list[MaterialMark]:
        return service.checklist(self.item, self.chosen_situations())

    def _fill_materials(self) -> None:
        table = self.query_one("#intake-materials", DataTable)
        keep = table.cursor_row
        table.clear()
        for mark in self.checklist():
            status = self.marks.get(mark.key, mark.status)
            flags = "" if mark.required else _(" (if applicable)")
            table.add_row(
                Text(
                    status_label(status),
                    style="bold red" if status is MaterialStatus.MISSING else "",
                ),
                Text(mark.name + flags),
                key=mark.key,
            )
        if table.row_count:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1))

    # -- events ----------------------------------------------------------------------
    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self._fill_materials()
        self.draft_changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "intake-kind":
            self._kind_changed()
        elif event.select.id == "intake-item" and event.value != self.item_code:
            self.item_code = str(event.value)
            self.item = store.get_item(self.item_code) or {}
            self._load_item([])
        self.draft_changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_checks()
        self.draft_changed()

    def action_cycle(self) -> None:
        table = self.query_one("#intake-materials", DataTable)
        if table.has_focus and table.row_count:
            self.cycle_material(table.cursor_row)

    def cycle_material(self, row: int) -> None:
        marks = self.checklist()
        if not 0 <= row < len(marks):
            return
        mark = marks[row]
        allowed = allowed_statuses(self.item, mark.key)
        current = self.marks.get(mark.key, mark.status)
        index = allowed.index(current) if current in allowed else -1
        self.marks[mark.key] = allowed[(index + 1) % len(allowed)]
        self._fill_materials()
        self.draft_changed()

    def _kind_changed(self) -> None:
        org = self._select("#intake-kind") == "org"
        self.query_one("#intake-legal-rep", Input).disabled = not org
        self._show_checks()

    def _show_checks(self) -> None:
        """The ID and mobile as they will be printed (masked), with the check result."""
        parts = []
        raw_id = self.query_one("#intake-id", Input).value.strip()
        if raw_id:
            org = self._select("#intake-kind") == "org"
            check = check_uscc(raw_id) if org else check_resident_id(raw_id)
            shown = mask_id(check.value)
            parts.append(f"{shown} ✓" if check.ok else f"{shown} ✗ {check.error}")
        raw_mobile = self.query_one("#intake-mobile", Input).value.strip()
        if raw_mobile:
            mobile = check_mobile(raw_mobile)
            shown = mask_phone(mobile.value)
            parts.append(f"{shown} ✓" if mobile.ok else f"{shown} ✗ {mobile.error}")
        self.query_one("#intake-check", Static).update(Text("  ".join(parts)))

    # -- reading the form ------------------------------------------------------------
    def _select(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return "" if value is Select.NULL or value is Select.BLANK else str(value)

    def _input(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def read_draft(self) -> tuple[IntakeDraft, list[tuple[str, str]]]:
        problems: list[tuple[str, str]] = []
        due_text = self._input("#intake-due").strip()
        due: dt.date | None = None
        if due_text:
            try:
                due = dt.date.fromisoformat(due_text)
            except ValueError:
                problems.append(
                    (
                        "materials",
                        _("The due date {value} is not a date: write it as 2026-12-31.").format(
                            value=due_text
                        ),
                    )
                )
        promise = self._input("#intake-promise").strip()
        marks = []
        for mark in self.checklist():
            status = self.marks.get(mark.key, mark.status)
            pending = status is MaterialStatus.PENDING
            marks.append(
                MaterialMark(
                    mark.key, mark.name, status, mark.required, mark.pending_allowed,
                    promise=promise if pending else "", due_on=due if pending else None,
                )
            )  # fmt: skip
        draft = IntakeDraft(
            item_code=self.item_code,
            applicant=Applicant(
                ApplicantKind(self._select("#intake-kind") or "person"),
                self._input("#intake-name"),
                self._input("#intake-id"),
                self._input("#intake-mobile"),
                self._input("#intake-legal-rep"),
            ),
            situations=tuple(self.chosen_situations()),
            materials=tuple(marks),
            outcome=Outcome(self._select("#intake-outcome") or Outcome.ACCEPTED.value),
            reason=self._input("#intake-reason"),
            bundle_code=str((self.bundle or {}).get("code", "")),
        )
        return draft, problems

    # -- taking the case ---------------------------------------------------------------
    def action_take(self) -> None:
        self.after_typed_keys(self.take_case)

    def take_case(self) -> bool:
        draft, problems = self.read_draft()
        session = self.runtime.session
        staff_no = session.staff_no if session else ""
        counter = Counter(self.runtime.config.site_code, staff_no, self._window_of(staff_no))
        if not problems:
            try:
                case = service.take(draft, self.item, counter, self.runtime.calendar,
                                    today=self.today)  # fmt: skip
            except IntakeError as exc:
                problems = exc.problems
            except Exception:
                log.exception("taking a case failed")
                problems = [
                    (
                        "",
                        _(
                            "Not saved: the database did not accept it. Try again, or tell IT if it keeps failing."
                        ),
                    )
                ]
        if problems:
            self._show_problems(problems)
            return False
        self.drop_draft()
        self._show_problems([])
        self._print(case)
        return True

    def _window_of(self, staff_no: str) -> str:
        from core.models import Staff, Window

        staff = Staff.get_or_none(Staff.staff_no == staff_no) if staff_no else None
        if staff is None or staff.window_id is None:
            return ""
        window = Window.get_or_none(Window.id == staff.window_id)
        return str(window.number) if window is not None else ""

    def _print(self, case: Any) -> None:
        from core.documents import DocumentError
        from plugins.intake import documents
        from workstation.widgets.print_dialog import PrintDialog

        self.runtime.extras["intake.last_case"] = case.case_no
        try:
            title, pdf = documents.paper_of(self.runtime, case)
        except DocumentError as exc:
            log.warning("paper of case %s not made: %s", case.case_no, exc)
            self.runtime.ui.notify(
                _("Case {number} taken; its paper could not be made: {reason}").format(
                    number=case.case_no, reason=exc
                ),
                "error",
            )
            self.app.pop_screen()
            return
        self.runtime.ui.notify(
            _("Case {number} taken: {outcome}.").format(number=case.case_no, outcome=case.outcome),
            "information",
        )
        app = self.app
        app.pop_screen()
        app.push_screen(PrintDialog(self.runtime, pdf, title=f"{title} {case.case_no}",
                                    file_name=f"{title}-{case.case_no}.pdf"))  # fmt: skip

    # -- the error line --------------------------------------------------------------
    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        self.problems = list(dict.fromkeys(problems))
        at_fault = {FIELD_WIDGETS.get(field, "") for field, _s in self.problems}
        for selector in set(FIELD_WIDGETS.values()):
            for widget in self.query(selector):
                widget.set_class(selector in at_fault, "invalid")
        self._say("\n".join(f"✗ {sentence}" for _f, sentence in self.problems))

    def _say(self, text: str) -> None:
        self.query_one("#intake-error", Static).update(Text(text))

    # -- drafts ------------------------------------------------------------------------
    def draft_fields(self) -> dict[str, Any]:
        return {
            "item": self.item_code,
            "kind": self._select("#intake-kind"),
            "name": self._input("#intake-name"),
            "id_number": self._input("#intake-id"),
            "legal_rep": self._input("#intake-legal-rep"),
            "mobile": self._input("#intake-mobile"),
            "situations": self.chosen_situations(),
            "marks": {key: status.value for key, status in self.marks.items()},
            "promise": self._input("#intake-promise"),
            "due": self._input("#intake-due"),
            "outcome": self._select("#intake-outcome"),
            "reason": self._input("#intake-reason"),
        }

    def restore_draft(self, fields: dict[str, Any]) -> None:
        if str(fields.get("item") or self.item_code) != self.item_code:
            return  # a draft of another item waits for that item's form
        kind = str(fields.get("kind") or "")
        if kind in ("person", "org"):
            self.query_one("#intake-kind", Select).value = kind
        for key, selector in (
            ("name", "#intake-name"), ("id_number", "#intake-id"),
            ("legal_rep", "#intake-legal-rep"), ("mobile", "#intake-mobile"),
            ("promise", "#intake-promise"), ("due", "#intake-due"), ("reason", "#intake-reason"),
        ):  # fmt: skip
            value = fields.get(key)
            if isinstance(value, str):
                self.query_one(selector, Input).value = value
        outcome = str(fields.get("outcome") or "")
        if outcome in {o.value for o in Outcome}:
            self.query_one("#intake-outcome", Select).value = outcome
        situations = [str(s) for s in fields.get("situations") or [] if isinstance(s, str)]
        marks = fields.get("marks") if isinstance(fields.get("marks"), dict) else {}
        self._load_item(situations)
        for key, value in (marks or {}).items():
            if value in {s.value for s in MaterialStatus}:
                self.marks[str(key)] = MaterialStatus(value)
        self._fill_materials()
        self._kind_changed()

    def draft_is_blank(self, fields: dict[str, Any]) -> bool:
        typed = ("name", "id_number", "legal_rep", "mobile", "promise", "due", "reason")
        return not any(str(fields.get(k) or "").strip() for k in typed) and not fields.get("marks")

    def draft_label(self) -> str:
        return _("an unfinished intake (kept as a draft)")

    def action_discard(self) -> None:
        if not self.discard_armed:
            self.discard_armed = True
            self._say(_("Press Ctrl+D again to discard this intake."))
            return
        self.drop_draft()
        self.app.pop_screen()
