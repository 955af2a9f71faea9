"""Walk the process (走流程): time each step as an applicant lives it.

Type what you are doing now (取号, 等候, 咨询, 递交材料…) and press Enter: the step
before it ends and the new one starts its clock. F8 ends the current step, Ctrl+S
saves the walk-through with every step and its seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Select, Static

from core.i18n import N_, _
from plugins.feedback import inspections, reference
from plugins.feedback.inspections import InspectionDraft, InspectionError
from plugins.feedback.ui import not_saved_text
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)


class WalkScreen(SihaoScreen):
    CSS_PATH = "inspection.tcss"
    BINDINGS = [
        Binding("f8", "end_step", N_("End step"), priority=True),
        Binding("ctrl+s", "save", N_("Save"), priority=True),
    ]

    def __init__(self, runtime: Any, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(runtime, id="walk")
        self.clock = clock
        self.steps: list[tuple[str, float]] = []
        self.running: tuple[str, float] | None = None  # (name, started)

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="walk-body"):
            yield Static(_("Walk the process as an applicant"), classes="screen-title")
            with Horizontal(classes="inspection-row"):
                yield Label(_("Walked"))
                yield Select(
                    [(label, kind) for kind, label in inspections.TARGET_KINDS.items()],
                    value="item",
                    allow_blank=False,
                    id="walk-target-kind",
                    compact=True,
                )
                yield Input(
                    placeholder=_("window number, site code or item code"),
                    id="walk-target-ref",
                    compact=True,
                )
            with Horizontal(classes="inspection-row"):
                yield Label(_("Step"))
                yield Input(
                    placeholder=_("what you do now, then Enter"), id="step-name", compact=True
                )
            yield Static("", id="walk-clock")
            yield DataTable(id="steps", cursor_type="row")
            yield Static("", id="walk-error")

    def on_mount(self) -> None:
        self.query_one("#steps", DataTable).add_columns(_("Step"), _("Name"), _("Seconds"))
        self.query_one("#walk-target-ref", Input).focus()
        self.set_interval(1.0, self._tick)
        self._tick()

    def _tick(self) -> None:
        total = sum(seconds for _name, seconds in self.steps)
        line = _("{n} steps, {total:.0f} s in all").format(n=len(self.steps), total=total)
        if self.running is not None:
            name, started = self.running
            line += "    " + _("now: {name} {seconds:.0f} s").format(
                name=name, seconds=self.clock() - started
            )
        self.query_one("#walk-clock", Static).update(line)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "step-name":
            self.query_one("#step-name", Input).focus()
            return
        name = event.value.strip()
        if not name:
            return
        self.action_end_step()
        self.running = (name, self.clock())
        event.input.value = ""
        self._tick()

    def action_end_step(self) -> None:
        if self.running is None:
            return
        name, started = self.running
        seconds = max(0.0, self.clock() - started)
        self.steps.append((name, seconds))
        self.running = None
        self.query_one("#steps", DataTable).add_row(str(len(self.steps)), name, f"{seconds:.1f}")
        self._tick()

    def action_save(self) -> None:
        self.after_typed_keys(self._save)  # the target typed just before Ctrl+S

    def _save(self) -> None:
        self.action_end_step()
        session = self.runtime.session
        error = self.query_one("#walk-error", Static)
        draft = InspectionDraft(
            target_kind=str(self.query_one("#walk-target-kind", Select).value),
            target_ref=self.query_one("#walk-target-ref", Input).value,
            mode="walk",
            steps=list(self.steps),
        )
        try:
            inspections.log_inspection(
                draft,
                actor=session.staff_no if session else "",
                role=session.role if session else "clerk",
                site_code=self.runtime.config.site_code,
                indicators=reference.indicator_set(),
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
        total = sum(seconds for _name, seconds in self.steps)
        error.update(
            _("Walk-through saved: {n} steps, {total:.0f} s.").format(
                n=len(self.steps), total=total
            )
        )
        self.steps = []
        self.query_one("#steps", DataTable).clear()
        self._tick()
