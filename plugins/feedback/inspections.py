"""Inspections by supervisors and experience officers, and walk-throughs (走流程).

An inspection scores each indicator of the current indicator set (0–100); the
weighted score is Σ(weight × score) / Σ(weight). Findings carry a severity and an
optional attachment path, and each opens a rectification case for the unit
inspected, exactly like a bad review. A walk-through records the steps an
applicant lives with the seconds each took.

Only supervisors and officers may log either: the screen is not offered to other
roles and ``log_inspection`` refuses them too (a record is checked, not just a tile).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import audit, outbox
from core.catalog.models import ServicePoint
from core.db import atomic
from core.i18n import _
from core.models import Site, Window
from core.roles import Role
from core.workdays import WorkingCalendar
from plugins.feedback import cases
from plugins.feedback.models import Finding, Inspection, InspectionScore, WalkStep, row_data
from plugins.feedback.reference import IndicatorSet

log = logging.getLogger(__name__)

INSPECTION_KIND = "feedback.inspection"
INSPECTOR_ROLES = frozenset({Role.SUPERVISOR, Role.OFFICER})
TARGET_KINDS = {"site": "站点", "window": "窗口", "item": "事项"}


class InspectionError(ValueError):
    """``str()`` is the sentence for the inspector."""


@dataclass
class FindingDraft:
    severity: str
    description: str
    attachment: str = ""
    indicator_code: str = ""


@dataclass
class InspectionDraft:
    target_kind: str = "window"
    target_ref: str = ""
    mode: str = "score"  # score | walk
    scores: dict[str, str] = field(default_factory=dict)  # indicator code -> as typed
    findings: list[FindingDraft] = field(default_factory=list)
    steps: list[tuple[str, float]] = field(default_factory=list)  # walk: (name, seconds)
    note: str = ""


def weighted_score(indicators: IndicatorSet, scores: dict[str, float]) -> float:
    total = sum(i.weight for i in indicators.indicators if i.code in scores)
    if not total:
        return 0.0
    value = sum(i.weight * scores[i.code] for i in indicators.indicators if i.code in scores)
    return round(value / total, 2)


def check_role(role: str) -> None:
    if Role(role) not in INSPECTOR_ROLES:
        raise InspectionError(
            _("Only supervisors and invited supervisors/experience officers can log inspections.")
        )


def _target_label(kind: str, ref: str, site_code: str) -> str:
    if kind == "site":
        site = Site.get_or_none(Site.code == ref)
        if site is not None:
            return str(site.name)
        # A hall of another site: the service-point directory (city-wide) knows it.
        point = ServicePoint.get_or_none(ServicePoint.code == ref)
        return str(point.name) if point is not None else ""
    if kind == "window":
        window = Window.get_or_none((Window.site == site_code) & (Window.number == ref))
        return window.name if window is not None else ""
    return ref


def check(draft: InspectionDraft, indicators: IndicatorSet, site_code: str) -> dict[str, float]:
    """Parse the scores; raise InspectionError with every problem listed."""
    problems: list[str] = []
    if draft.target_kind not in TARGET_KINDS:
        problems.append(_("Choose what was inspected: the site, a window or an item."))
    elif not draft.target_ref.strip():
        problems.append(_("Say which site, window or item was inspected."))
    elif draft.target_kind in ("site", "window") and not _target_label(
        draft.target_kind, draft.target_ref.strip(), site_code
    ):
        problems.append(
            _("{what} {ref} is not known here.").format(
                what=TARGET_KINDS[draft.target_kind], ref=draft.target_ref
            )
        )
    scores: dict[str, float] = {}
    if draft.mode == "score":
        for indicator in indicators.indicators:
            raw = draft.scores.get(indicator.code, "").strip()
            try:
                value = float(raw)
            except ValueError:
                problems.append(_("Give {name} a score from 0 to 100.").format(name=indicator.name))
                continue
            if not 0 <= value <= 100:
                problems.append(_("Give {name} a score from 0 to 100.").format(name=indicator.name))
                continue
            scores[indicator.code] = value
    severities = {code for code, _name in indicators.severities}
    for finding in draft.findings:
        if finding.severity not in severities:
            problems.append(_("Choose the severity of each finding."))
        if not finding.description.strip():
            problems.append(_("Describe each finding in a sentence."))
        if finding.attachment.strip() and not Path(finding.attachment.strip()).exists():
            problems.append(
                _("The attachment {path} does not exist; check the path.").format(
                    path=finding.attachment
                )
            )
    if draft.mode == "walk" and not draft.steps:
        problems.append(_("A walk-through needs at least one timed step."))
    if problems:
        raise InspectionError(" ".join(dict.fromkeys(problems)))
    return scores


def log_inspection(
    draft: InspectionDraft,
    *,
    actor: str,
    role: str,
    site_code: str,
    indicators: IndicatorSet,
    calendar: WorkingCalendar,
    case_settings: dict[str, Any],
    today: dt.date | None = None,
) -> Inspection:
    """Save an inspection with its scores, findings (each opening a case) and steps."""
    check_role(role)
    scores = check(draft, indicators, site_code)
    today = today or dt.date.today()
    ref = draft.target_ref.strip()
    with atomic():
        inspection = Inspection.create(
            site_code=site_code,
            mode=draft.mode,
            target_kind=draft.target_kind,
            target_ref=ref,
            target_label=_target_label(draft.target_kind, ref, site_code),
            inspector=actor,
            inspector_role=role,
            indicator_version=indicators.version if draft.mode == "score" else "",
            weighted_score=weighted_score(indicators, scores) if draft.mode == "score" else None,
            note=draft.note.strip(),
            inspected_on=today,
        )
        audit.record(INSPECTION_KIND, actor=actor, row=inspection)
        payload: dict[str, Any] = {
            "inspection": row_data(inspection),
            "scores": [],
            "findings": [],
            "steps": [],
        }
        for indicator in indicators.indicators:
            if indicator.code not in scores:
                continue
            score = InspectionScore.create(
                inspection_id=inspection.id,
                indicator_code=indicator.code,
                indicator_name=indicator.name,
                weight=indicator.weight,
                score=scores[indicator.code],
            )
            audit.record(INSPECTION_KIND + ".score", actor=actor, row=score)
            payload["scores"].append(row_data(score))
        for seq, (name, seconds) in enumerate(draft.steps, start=1):
            step = WalkStep.create(
                inspection_id=inspection.id, seq=seq, name=name, seconds=round(seconds, 1)
            )
            audit.record(INSPECTION_KIND + ".step", actor=actor, row=step)
            payload["steps"].append(row_data(step))
        unit = site_code if draft.target_kind != "site" else ref
        findings = []
        for finding_draft in draft.findings:
            finding = Finding.create(
                inspection_id=inspection.id,
                severity=finding_draft.severity,
                description=finding_draft.description.strip(),
                attachment=finding_draft.attachment.strip(),
                indicator_code=finding_draft.indicator_code,
            )
            audit.record(INSPECTION_KIND + ".finding", actor=actor, row=finding)
            payload["findings"].append(row_data(finding))
            findings.append(finding)
        # The inspection travels before the cases its findings open: the server
        # accepts a case for another site only after the inspection naming that site.
        outbox.enqueue(INSPECTION_KIND, inspection.id, payload)
        for finding in findings:
            cases.open_case(
                source="finding",
                source_id=finding.id,
                site_code=site_code,
                unit_site=unit,
                calendar=calendar,
                settings=case_settings,
                actor=actor,
                opened_on=today,
                summary=f"【{indicators.severity_name(finding.severity)}】{finding.description}",
                window_no=ref if draft.target_kind == "window" else "",
                item_code=ref if draft.target_kind == "item" else "",
                role=role,
            )
    log.info("inspection %s logged by %s", inspection.id, actor)
    return inspection


def recent(site_code: str, limit: int = 20) -> list[Inspection]:
    return list(
        Inspection.select()
        .where(Inspection.site_code == site_code)
        .order_by(Inspection.created_at.desc())
        .limit(limit)
    )
