"""Checklist: the project steward's pre-approval checklist (批前清单) and project
tracking (好办): the approvals a construction project needs, their materials,
order, dates and critical path, the joint consultation (集中会诊), and a printout."""

from __future__ import annotations

from pathlib import Path

from core.i18n import register_catalog

register_catalog(Path(__file__).parent / "locale")
