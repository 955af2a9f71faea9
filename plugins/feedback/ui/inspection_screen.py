"""Inspection: score each indicator of the current set, record findings, save.

Tab moves from score to score; the weighted score updates as you type. A score
field takes 0 to 100 only: a key that would make anything else (5150) is not
taken, and the line under the scores says so, with the range. Ctrl+F adds the
finding typed below to the list (each will open a rectification case), Ctrl+S
saves the inspection, F9 lists past inspections with their findings and cases.

What is typed is kept as a draft (core.drafts) across Esc, F1 and sign-out, and is
back when the screen is opened again; Ctrl+D (twice) discards it. Offered to
supervisors and officers only, and the service refuses anyone else as well.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.validation import Number
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Select, Static

from core.i18n import N_, _
from plugins.feedback import inspections, reference
from plugins.feedback.inspections import FindingDraft, InspectionDraft, InspectionError
from plugins.feedback.ui import not_saved_text
from workstation.draft_form import DraftForm
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


class ScoreInput(Input):
    """A score field: keys that would leave 0–100 are not taken, and said so."""

    class Refused(Message):
        def __init__(self, field: ScoreInput) -> None:
            super().__init__()
            self.field = field

    def restricted(self) -> None:
        self.post_message(self.Refused(self))


class InspectionScreen(DraftForm, SihaoScreen):
    CSS_PATH = "inspection.tcss"
    FORM_ID = "feedback.inspection"
    BINDINGS = [
        Binding("ctrl+f", "add_finding", N_("Add finding"), priority=True),
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("f9", "history", N_("Past inspections"), priority=True),
        # Not in the footer (it is full at 80 columns): said when a draft is put back.
        Binding("ctrl+d", "discard_draft", N_("Discard draft"), priority=True, show=False),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="inspection")
        self.indicators = reference.indicator_set()
        self.findings: list[FindingDraft] = []
        self._discard_armed = False
        self._problems_shown = False  # the error line lists a refused save's problems
        self._kept_target = ""  # the target of the inspection just saved
        self.init_drafts()

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="inspection-body"):
            yield Static(
                _("Inspection (indicator set {version})").format(version=self.indicators.version),
                classes="screen-title",
            )
            with Horizontal(classes="inspection-row"):
                yield Label(_("Inspected"))
                yield Select(
                    [(label, kind) for kind, label in inspections.TARGET_KINDS.items()],
                    value="window",
                    allow_blank=False,
                    id="target-kind",
                    compact=True,
                )
                yield Input(
                    placeholder=_("window number, site code or item code"),
                    id="target-ref",
                    compact=True,
                )
            for indicator in self.indicators.indicators:
                with Horizontal(classes="score-row"):
                    yield Label(
                        f"{indicator.name}（{indicator.weight:g}）", classes="indicator-label"
                    )
                    yield ScoreInput(
                        placeholder="0–100",
                        restrict=inspections.SCORE_PATTERN,
                        max_length=6,
                        validators=[
                            Number(
                                minimum=inspections.SCORE_MIN,
                                maximum=inspections.SCORE_MAX,
                                failure_description=_("a score from 0 to 100"),
                            )
                        ],
                        validate_on=["changed"],
                        id=f"score-{indicator.code}",
                        classes="score-input",
                        compact=True,
                    )
                    yield Label(_("0–100 points"), classes="score-range")
            yield Static("", id="weighted")
            with Horizontal(classes="inspection-row"):
                yield Label(_("Finding"))
                yield Select(
                    [(name, code) for code, name in self.indicators.severities],
                    value=self.indicators.severities[0][0],
                    allow_blank=False,
                    id="finding-severity",
                    compact=True,
                )
                yield Input(placeholder=_("what was wrong"), id="finding-text", compact=True)
                yield Input(
                    placeholder=_("attachment path (photo, recording)"),
                    id="finding-attachment",
                    compact=True,
                )
            yield DataTable(id="findings", cursor_type="row")
            with Horizontal(classes="inspection-row"):
                yield Label(_("Note"))
                yield Input(id="inspection-note", compact=True)
            yield Static("", id="inspection-error")

    def on_mount(self) -> None:
        table = self.query_one("#findings", DataTable)
        table.add_columns(_("Severity"), _("Finding"), _("Attachment"))
        self.query_one("#target-ref", Input).focus()
        self._update_weighted()
        draft = self.open_draft()
        if draft is not None:
            at = draft.updated_at.replace(tzinfo=dt.UTC).astimezone().strftime("%H:%M")
            self._error(
                _(
                    "The inspection you had not saved (kept at {time}) is back. Ctrl+D discards it."
                ).format(time=at)
            )

    def _error(self, text: str) -> None:
        self._problems_shown = False
        self.query_one("#inspection-error", Static).update(text)

    def _recheck(self) -> None:
        """After a refused save, the problems left as fields are fixed (none: cleared)."""
        if not self._problems_shown:
            return
        try:
            inspections.check(self.draft(), self.indicators, self.runtime.config.site_code)
        except InspectionError as exc:
            self.query_one("#inspection-error", Static).update(f"✗ {exc}")
            return
        self._error("")

    def draft(self) -> InspectionDraft:
        kind = self.query_one("#target-kind", Select).value
        return InspectionDraft(
            target_kind=str(kind),
            target_ref=self.query_one("#target-ref", Input).value,
            mode="score",
            scores={
                i.code: self.query_one(f"#score-{i.code}", Input).value
                for i in self.indicators.indicators
            },
            findings=list(self.findings),
            note=self.query_one("#inspection-note", Input).value,
        )

    def _update_weighted(self) -> None:
        scores: dict[str, float] = {}
        wrong: list[str] = []
        for indicator in self.indicators.indicators:
            raw = self.query_one(f"#score-{indicator.code}", Input).value.strip()
            if not raw:
                continue
            try:
                value = float(raw)
            except ValueError:
                wrong.append(indicator.name)
                continue
            if not inspections.SCORE_MIN <= value <= inspections.SCORE_MAX:
                wrong.append(indicator.name)  # pasted past the keys' check: not counted
                continue
            scores[indicator.code] = value
        value = inspections.weighted_score(self.indicators, scores)
        line = _("Weighted score: {score:.2f} ({n} of {m} indicators scored)").format(
            score=value, n=len(scores), m=len(self.indicators.indicators)
        )
        if wrong:
            line += "  ✗ " + _("{names}: give a score from 0 to 100.").format(
                names="、".join(wrong)
            )
        self.query_one("#weighted", Static).update(line)

    def on_input_changed(self, event: Input.Changed) -> None:
        if (event.input.id or "").startswith("score-"):
            self._update_weighted()
        self._recheck()
        self.draft_changed()

    def on_score_input_refused(self, event: ScoreInput.Refused) -> None:
        code = (event.field.id or "").removeprefix("score-")
        names = {i.code: i.name for i in self.indicators.indicators}
        self._error(
            "✗ "
            + _(
                "{name}: a score is 0 to 100 (two decimals at most); that key was not taken."
            ).format(name=names.get(code, code))
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.is_mounted:
            self._recheck()
        self.draft_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in ("finding-text", "finding-attachment"):
            self.action_add_finding()
        else:
            self.focus_next()

    def action_add_finding(self) -> None:
        self.after_typed_keys(self._add_finding)  # the text typed just before Ctrl+F

    def _add_finding(self) -> None:
        text = self.query_one("#finding-text", Input)
        attachment = self.query_one("#finding-attachment", Input)
        if not text.value.strip():
            self._error("✗ " + _("Describe each finding in a sentence."))
            return
        severity = str(self.query_one("#finding-severity", Select).value)
        finding = FindingDraft(severity, text.value.strip(), attachment.value.strip())
        self._show_finding(finding)
        text.value = attachment.value = ""
        self._error("")
        self.draft_changed()

    def _show_finding(self, finding: FindingDraft) -> None:
        self.findings.append(finding)
        self.query_one("#findings", DataTable).add_row(
            self.indicators.severity_name(finding.severity), finding.description, finding.attachment
        )

    def action_save(self) -> None:
        self.after_typed_keys(self._save)  # the scores typed just before Ctrl+S

    def _save(self) -> None:
        session = self.runtime.session
        try:
            inspection = inspections.log_inspection(
                self.draft(),
                actor=session.staff_no if session else "",
                role=session.role if session else "clerk",
                site_code=self.runtime.config.site_code,
                indicators=self.indicators,
                calendar=self.runtime.calendar,
                case_settings=self.runtime.settings("feedback"),
            )
        except InspectionError as exc:
            self._error(f"✗ {exc}")
            self._problems_shown = True
            return
        except Exception:  # a database failure: say so, keep what was typed
            log.exception("saving failed")
            self._error(not_saved_text())
            return
        count = len(self.findings)
        # The target stays for the next inspection; alone it is not unsaved work.
        self._kept_target = self.query_one("#target-ref", Input).value
        self._clear_form()
        self.drop_draft()
        self._error(
            _(
                "Inspection saved: weighted score {score:.2f}, {n} findings sent for rectification."
            ).format(score=inspection.weighted_score or 0.0, n=count)
        )

    def _clear_form(self) -> None:
        self._draft_paused = True
        self.findings = []
        self.query_one("#findings", DataTable).clear()
        for indicator in self.indicators.indicators:
            self.query_one(f"#score-{indicator.code}", Input).value = ""
        for selector in ("#inspection-note", "#finding-text", "#finding-attachment"):
            self.query_one(selector, Input).value = ""
        self.call_after_refresh(self._resume_drafts)

    def action_history(self) -> None:
        from plugins.feedback.ui.inspection_history import InspectionHistoryScreen

        self.keep_draft()  # the form stays underneath; kept all the same
        self.app.push_screen(InspectionHistoryScreen(self.runtime))

    def action_discard_draft(self) -> None:
        if not self._discard_armed:
            self._discard_armed = True
            self._error(_("Press Ctrl+D again to throw this inspection away."))
            self.set_timer(5.0, self._disarm_discard)
            return
        self._discard_armed = False
        self._clear_form()
        self.query_one("#target-ref", Input).value = ""
        self.drop_draft()
        self._error(_("Draft discarded."))

    def _disarm_discard(self) -> None:
        self._discard_armed = False

    # -- the draft (core.drafts) -----------------------------------------------------
    def draft_fields(self) -> dict[str, Any]:
        return {
            "target_kind": str(self.query_one("#target-kind", Select).value),
            "target_ref": self.query_one("#target-ref", Input).value,
            "scores": {
                i.code: self.query_one(f"#score-{i.code}", Input).value
                for i in self.indicators.indicators
            },
            "findings": [
                {"severity": f.severity, "description": f.description, "attachment": f.attachment}
                for f in self.findings
            ],
            "finding_severity": str(self.query_one("#finding-severity", Select).value),
            "finding_text": self.query_one("#finding-text", Input).value,
            "finding_attachment": self.query_one("#finding-attachment", Input).value,
            "note": self.query_one("#inspection-note", Input).value,
        }

    def draft_is_blank(self, fields: dict[str, Any]) -> bool:
        scores = fields.get("scores") or {}
        target = str(fields.get("target_ref") or "").strip()
        return not (
            (target and target != self._kept_target.strip())
            or any(str(v).strip() for v in scores.values())
            or fields.get("findings")
            or str(fields.get("finding_text") or "").strip()
            or str(fields.get("finding_attachment") or "").strip()
            or str(fields.get("note") or "").strip()
        )

    def draft_label(self) -> str:
        return _("an unsaved inspection (kept as a draft)")

    def restore_draft(self, fields: dict[str, Any]) -> None:
        kind = self.query_one("#target-kind", Select)
        if str(fields.get("target_kind")) in inspections.TARGET_KINDS:
            kind.value = str(fields["target_kind"])
        severity = self.query_one("#finding-severity", Select)
        if fields.get("finding_severity") in severity._legal_values:
            severity.value = str(fields["finding_severity"])
        self.query_one("#target-ref", Input).value = str(fields.get("target_ref") or "")
        scores = fields.get("scores") or {}
        for indicator in self.indicators.indicators:
            # Through the field's own check: a draft cannot bring back 5150 either.
            field = self.query_one(f"#score-{indicator.code}", Input)
            value = str(scores.get(indicator.code) or "")
            pattern = inspections.SCORE_PATTERN
            field.value = value if re.fullmatch(pattern, value) else ""
        for finding in fields.get("findings") or []:
            if isinstance(finding, dict) and finding.get("description"):
                self._show_finding(
                    FindingDraft(
                        str(finding.get("severity") or ""),
                        str(finding["description"]),
                        str(finding.get("attachment") or ""),
                    )
                )
        self.query_one("#finding-text", Input).value = str(fields.get("finding_text") or "")
        self.query_one("#finding-attachment", Input).value = str(
            fields.get("finding_attachment") or ""
        )
        self.query_one("#inspection-note", Input).value = str(fields.get("note") or "")
        self._update_weighted()
        self._draft_snapshot = fields
