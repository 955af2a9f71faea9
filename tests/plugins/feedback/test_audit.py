"""Ratings and case events are chained: an edited or deleted row is found by verify."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from core import audit
from core.runtime import Runtime
from plugins.feedback import cases
from plugins.feedback.cases import CaseState
from plugins.feedback.models import Case, CaseEvent
from tests.plugins.feedback.helpers import advance, rate
from workstation.cli import main


def _verify_cli(data_dir: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "audit", "verify"])
    return result.exit_code, result.output


def test_edited_rating_is_reported(fb_runtime: Runtime, data_dir: Path) -> None:
    rating = rate(fb_runtime, 1, real_name=True, on=dt.date(2026, 10, 12))
    rate(fb_runtime, 5)
    assert audit.verify(fb_runtime.models()).ok
    code, output = _verify_cli(data_dir)
    assert code == 0 and "审计链完整" in output
    # Someone turns the bad review into a good one behind the application's back.
    fb_runtime.db.execute_sql("UPDATE rating SET level = 5 WHERE id = ?", (rating.id,))
    result = audit.verify(fb_runtime.models())
    assert not result.ok and f"rating {rating.id} was altered" in result.reason
    code, output = _verify_cli(data_dir)
    assert code == 1 and rating.id in output


def test_deleted_case_event_is_reported(fb_runtime: Runtime, data_dir: Path) -> None:
    rating = rate(fb_runtime, 2, on=dt.date(2026, 10, 12))
    case = Case.get(Case.source_id == rating.id)
    today = dt.date(2026, 10, 13)
    advance(case.id, CaseState.CALLED_BACK, today=today)
    event = cases.transition(
        case.id, CaseState.RECTIFYING, actor="1001", role="clerk", today=today, note="列入台账"
    )
    assert audit.verify(fb_runtime.models()).ok
    # Deleting the latest step would make the case look untouched.
    fb_runtime.db.execute_sql("DELETE FROM rectification_event WHERE id = ?", (event.id,))
    result = audit.verify(fb_runtime.models())
    assert not result.ok
    assert result.reason == f"rectification_event {event.id} was deleted"
    code, output = _verify_cli(data_dir)
    assert code == 1 and event.id in output


def test_state_changes_are_new_rows(fb_runtime: Runtime) -> None:
    rating = rate(fb_runtime, 2, on=dt.date(2026, 10, 12))
    case = Case.get(Case.source_id == rating.id)
    before = {e.id: e.__data__ for e in CaseEvent.select()}
    advance(case.id, CaseState.CALLED_BACK, today=dt.date(2026, 10, 13))
    after = {e.id: e.__data__ for e in CaseEvent.select()}
    assert len(after) == len(before) + 1
    assert all(after[i] == row for i, row in before.items())  # earlier rows untouched
    assert audit.verify(fb_runtime.models()).ok
