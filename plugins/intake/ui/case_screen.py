"""One case: what was taken, its steps (each a row, hash-chained) and the next step.

Press 1 to record the next step: 受理 → 审查 → 办结 → 已送达. 办结 takes the result
(准予 with the licence or certificate number and, if it has one, the date it is valid
until; 不予 with the reason in the note). Ctrl+P prints the case's paper again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Select, Static

from core.i18n import N_, _
from core.masking import mask_id, mask_phone
from plugins.intake import service
from plugins.intake.models import IntakeCase
from plugins.intake.service import CaseState, IntakeError, Result
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


class CaseScreen(SihaoScreen):
    CSS_PATH = "intake.tcss"
    BINDINGS = [
        Binding("1", "next", N_("Next step"), id="intake.next"),
        Binding("ctrl+p", "reprint", N_("Print again"), id="intake.reprint"),
    ]

    def __init__(self, runtime: Any, case_id: str, *, today: dt.date | None = None) -> None:
        super().__init__(runtime, id="intake-case")
        self.case_id = case_id
        self.today = today or dt.date.today()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="intake-body"):
            yield Static("", id="case-info")
            yield DataTable(id="case-steps", cursor_type="row")
            yield Static("", id="case-next")
            with Horizontal(classes="intake-row"):
                yield Label(_("Result"))
                yield Select(
                    [(_("Approved (准予)"), Result.APPROVED.value),
                     (_("Refused (不予)"), Result.REFUSED.value)],
                    prompt=_("(at 办结)"), id="case-result", compact=True,
                )  # fmt: skip
                yield Input(placeholder=_("Licence number"), id="case-licence", compact=True)
            with Horizontal(classes="intake-row"):
                yield Label(_("Valid until"))
                yield Input(placeholder="YYYY-MM-DD", id="case-valid", compact=True)
                yield Input(placeholder=_("Note / reason"), id="case-note", compact=True)
            yield Static("", id="case-error")

    def on_mount(self) -> None:
        self.query_one("#case-steps", DataTable).add_columns(
            "#", _("State"), _("Date"), _("Recorded by"), _("Result"), _("Note")
        )
        self.reload()
        self.query_one("#case-steps", DataTable).focus()

    def case(self) -> IntakeCase:
        return IntakeCase.get_by_id(self.case_id)

    def reload(self) -> None:
        case = self.case()
        person = case.applicant_kind == "person"
        promised = case.promised_on.isoformat() if case.promised_on else "—"
        lines = [
            _("Case {number} · {item}").format(number=case.case_no, item=case.item_name),
            _("Applicant: {name} ({kind}) {id} {mobile}").format(
                name=case.applicant_name,
                kind="自然人" if person else f"法人，法定代表人 {case.legal_rep}",
                id=mask_id(case.applicant_id),
                mobile=mask_phone(case.mobile),
            ),
            _("Taken {day} at window {window}; promised by {promised}").format(
                day=case.taken_on.isoformat(), window=case.window_no or "—", promised=promised
            ),
        ]
        if service.verify_chain(case.id) is not None:
            lines.append(_("✗ The steps of this case do not link up: tell IT."))
        self.query_one("#case-info", Static).update(Text("\n".join(lines)))
        table = self.query_one("#case-steps", DataTable)
        table.clear()
        for step in service.steps(case.id):
            result = ""
            if step.result:
                result = Result(step.result).label
                if step.licence_no:
                    result += f" {step.licence_no}"
                if step.valid_until:
                    result += " " + _("valid until {day}").format(day=step.valid_until.isoformat())
            table.add_row(
                str(step.step),
                CaseState(step.to_state).label,
                step.happened_on.isoformat(),
                step.actor,
                result,
                step.note,
            )
        nexts = service.next_states(case.id)
        self.query_one("#case-next", Static).update(
            Text(
                _("Next: 1 {state}").format(state=nexts[0].label)
                if nexts
                else _("This case is finished.")
            )
        )

    def _say(self, text: str) -> None:
        self.query_one("#case-error", Static).update(Text(text))

    def action_next(self) -> None:
        self.after_typed_keys(self.record_next)

    def record_next(self) -> bool:
        nexts = service.next_states(self.case_id)
        if not nexts:
            self._say("✗ " + _("This case is finished."))
            return False
        target = nexts[0]
        session = self.runtime.session
        raw_result = self.query_one("#case-result", Select).value
        result = (
            Result(str(raw_result))
            if raw_result not in (Select.BLANK, Select.NULL) and target is CaseState.DECIDED
            else None
        )
        valid_text = self.query_one("#case-valid", Input).value.strip()
        valid: dt.date | None = None
        if valid_text and target is CaseState.DECIDED:
            try:
                valid = dt.date.fromisoformat(valid_text)
            except ValueError:
                self._say(
                    "✗ "
                    + _("{value} is not a date: write it as 2031-12-31.").format(value=valid_text)
                )
                return False
        try:
            service.advance(
                self.case_id,
                target,
                actor=session.staff_no if session else "",
                site_code=self.runtime.config.site_code,
                today=self.today,
                note=self.query_one("#case-note", Input).value,
                result=result,
                licence_no=self.query_one("#case-licence", Input).value
                if target is CaseState.DECIDED
                else "",
                valid_until=valid,
            )
        except IntakeError as exc:
            self._say("\n".join(f"✗ {sentence}" for _f, sentence in exc.problems))
            return False
        for selector in ("#case-licence", "#case-valid", "#case-note"):
            self.query_one(selector, Input).value = ""
        self._say(_("Recorded: {state}.").format(state=target.label))
        self.reload()
        return True

    def action_reprint(self) -> None:
        from core.documents import DocumentError
        from plugins.intake import documents
        from workstation.widgets.print_dialog import PrintDialog

        case = self.case()
        try:
            title, pdf = documents.paper_of(self.runtime, case)
        except DocumentError as exc:
            self._say("✗ " + str(exc))
            return
        self.app.push_screen(PrintDialog(self.runtime, pdf, title=f"{title} {case.case_no}",
                                         file_name=f"{title}-{case.case_no}.pdf"))  # fmt: skip

    def unsaved_input(self) -> str | None:
        if any(self.query_one(s, Input).value.strip() for s in ("#case-licence", "#case-note")):
            return _("an unrecorded case step")
        return None
