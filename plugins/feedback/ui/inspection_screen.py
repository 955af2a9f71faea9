"""Inspection: score each indicator of the current set, record findings, save.

Tab moves from score to score; the weighted score updates as you type. Ctrl+F
adds the finding typed below to the list (each will open a rectification case),
Ctrl+S saves the inspection. Offered to supervisors and officers only, and the
service refuses anyone else as well.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Select, Static

from core.i18n import N_, _
from plugins.feedback import inspections, reference
from plugins.feedback.inspections import FindingDraft, InspectionDraft, InspectionError
from plugins.feedback.ui import not_saved_text
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


class InspectionScreen(SihaoScreen):
    CSS_PATH = "inspection.tcss"
    BINDINGS = [
        Binding("ctrl+f", "add_finding", N_("Add finding"), priority=True),
        Binding("ctrl+s", "save", N_("Save"), priority=True),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="inspection")
        self.indicators = reference.indicator_set()
        self.findings: list[FindingDraft] = []

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
                with Horizontal(classes="inspection-row"):
                    yield Label(
                        f"{indicator.name}（{indicator.weight:g}）", classes="indicator-label"
                    )
                    yield Input(
                        placeholder="0–100",
                        restrict=r"[0-9.]*",
                        id=f"score-{indicator.code}",
                        classes="score-input",
                        compact=True,
                    )
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
        for indicator in self.indicators.indicators:
            try:
                scores[indicator.code] = float(
                    self.query_one(f"#score-{indicator.code}", Input).value
                )
            except ValueError:
                continue
        value = inspections.weighted_score(self.indicators, scores)
        self.query_one("#weighted", Static).update(
            _("Weighted score: {score:.2f} ({n} of {m} indicators scored)").format(
                score=value, n=len(scores), m=len(self.indicators.indicators)
            )
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if (event.input.id or "").startswith("score-"):
            self._update_weighted()

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
            self.query_one("#inspection-error", Static).update(
                "✗ " + _("Describe each finding in a sentence.")
            )
            return
        severity = str(self.query_one("#finding-severity", Select).value)
        finding = FindingDraft(severity, text.value.strip(), attachment.value.strip())
        self.findings.append(finding)
        self.query_one("#findings", DataTable).add_row(
            self.indicators.severity_name(severity), finding.description, finding.attachment
        )
        text.value = attachment.value = ""
        self.query_one("#inspection-error", Static).update("")

    def action_save(self) -> None:
        self.after_typed_keys(self._save)  # the scores typed just before Ctrl+S

    def _save(self) -> None:
        session = self.runtime.session
        error = self.query_one("#inspection-error", Static)
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
            error.update(f"✗ {exc}")
            return
        except Exception:  # a database failure: say so, keep what was typed
            log.exception("saving failed")
            error.update(not_saved_text())
            return
        error.update(
            _(
                "Inspection saved: weighted score {score:.2f}, {n} findings sent for rectification."
            ).format(score=inspection.weighted_score or 0.0, n=len(self.findings))
        )
        self.findings = []
        self.query_one("#findings", DataTable).clear()
        for indicator in self.indicators.indicators:
            self.query_one(f"#score-{indicator.code}", Input).value = ""
        self.query_one("#inspection-note", Input).value = ""
