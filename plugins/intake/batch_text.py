"""Words of batch intake shown to the clerk (the UI language), shared by screens and CLI."""

from __future__ import annotations

from core.i18n import _
from plugins.intake.batch_models import BatchState


def state_label(state: str) -> str:
    return {
        BatchState.DECLARED: _("waiting for review"),
        BatchState.DECIDED: _("decided"),
        BatchState.ISSUING: _("issue interrupted"),
        BatchState.ISSUED: _("issued"),
    }.get(state, state)


def decision_label(decision: str) -> str:
    return {"approve": _("approved"), "refuse": _("refused")}.get(decision, "")
