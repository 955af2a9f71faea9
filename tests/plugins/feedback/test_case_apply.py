"""Cases and state changes pulled from the server are checked again on apply: one that
breaks the rules is parked with its reason, the rest of the page applies, and
feedback never fails, neither then nor at the next start, nor because of a bad row
already in the store (``happened_on: "never"`` used to switch feedback off on every
start: ``ValueError: Invalid isoformat string``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from core.config import resolve_paths
from core.runtime import Runtime
from core.sync import engine
from core.sync.engine import Syncer
from core.sync.models import ParkedChange
from plugins.feedback import cases, inspections, reference, stats
from plugins.feedback.case_rules import CaseState
from plugins.feedback.inspections import FindingDraft, InspectionDraft
from plugins.feedback.models import Case
from plugins.feedback.ui.cases_screen import CasesScreen
from tests.workstation.helpers import open_as
from workstation.app import SihaoApp

SITE = "370303-ZWFW"
TOWN = "370303001-BM"
DAY = dt.date(2026, 10, 12)


def _town_case(runtime: Runtime) -> Case:
    """The district inspects the town hall: a case the town handles."""
    inspections.log_inspection(
        InspectionDraft(
            target_kind="site",
            target_ref=TOWN,
            mode="walk",
            steps=[("取号", 12.0)],
            findings=[FindingDraft("major", "自助机停用三天")],
        ),
        actor="3001",
        role="supervisor",
        site_code=SITE,
        indicators=reference.indicator_set(),
        calendar=runtime.calendar,
        case_settings=runtime.settings("feedback"),
        today=DAY,
    )
    return Case.get(Case.source == "finding")


def _event(case: Case, id: str, source: str, target: str, **fields: Any) -> dict[str, Any]:
    data = {
        "id": id,
        "case_id": case.id,
        "from_state": source,
        "to_state": target,
        "note": "已处理",
        "actor": "T001",
        "role": "clerk",
        "site_code": TOWN,
        "evidence": "",
        "called_at": None,
        "step": 1,
        "happened_on": "2026-10-13",
        "created_at": "2026-10-13T01:30:00",
        "unit_site": TOWN,
        "case_site": SITE,
    }
    data.update(fields)
    return data


def _page(*changes: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "changes": [
            {"seq": n, "kind": kind, "id": id, "op": "upsert", "data": data}
            for n, (kind, id, data) in enumerate(changes, start=1)
        ],
        "next": len(changes),
        "has_more": False,
        "reset": False,
    }


def test_forged_and_broken_changes_are_parked_with_their_reason(
    fb_runtime: Runtime, data_dir: Path
) -> None:
    case = _town_case(fb_runtime)
    ev = cases.EVENT_KIND
    called = "2026-10-13T09:20:00"
    bad_case = {
        **json.loads(json.dumps(cases._case_payload(case), default=str)),
        "id": "case-never",
        "callback_due": "never",
        "created_at": "2026-10-12T01:00:00",
    }
    page = _page(
        (ev, "never", _event(case, "never", "pending_callback", "called_back",
                             happened_on="never", called_at=called)),
        (ev, "skip", _event(case, "skip", "pending_callback", "reviewed", role="supervisor")),
        (ev, "good", _event(case, "good", "pending_callback", "called_back", called_at=called)),
        (ev, "stale", _event(case, "stale", "pending_callback", "called_back", called_at=called)),
        (ev, "other-site", _event(case, "other-site", "called_back", "rectifying",
                                  site_code="370303001001-BM")),
        (ev, "2099", _event(case, "2099", "called_back", "rectifying", happened_on="2099-01-01")),
        (ev, "officer", _event(case, "officer", "called_back", "rectifying", role="officer")),
        (ev, "no-evidence", _event(case, "no-evidence", "called_back", "rectified")),
        (cases.CASE_KIND, "case-never", bad_case),
    )  # fmt: skip
    outcome = Syncer(fb_runtime)._apply_page(page, SITE)
    assert "feedback" in fb_runtime.host.loaded()  # refusing is an answer, not a fault
    assert cases.state_of(case.id) is CaseState.CALLED_BACK
    assert [e.id for e in cases.history(case.id)][1:] == ["good"]
    reasons = {entity: reason for _kind, entity, reason in outcome.refused}
    assert set(reasons) == {
        "never", "skip", "stale", "other-site", "2099", "officer", "no-evidence", "case-never"
    }  # fmt: skip
    assert "happened_on 'never' is not a date" in reasons["never"]
    assert "不能转为“已复核”" in reasons["skip"]
    assert "the case here is in 已回访" in reasons["stale"]
    assert "负责办理" in reasons["other-site"]
    assert "2099-01-01 晚于今天" in reasons["2099"]
    assert "窗口工作人员、督查人员" in reasons["officer"]
    assert "整改证明" in reasons["no-evidence"]
    assert "callback_due 'never' is not a date" in reasons["case-never"]
    assert Case.get_or_none(Case.id == "case-never") is None
    assert {p.entity_id for p in engine.refused_changes()} == set(reasons)

    # The next start offers the parked changes again: refused again, feedback stays on.
    fb_runtime.shutdown()
    again = Runtime.open(resolve_paths(data_dir))
    try:
        again.apply_policy()
        assert "feedback" in again.host.loaded(), again.host.plugins["feedback"].error
        assert ParkedChange.select().count() == len(reasons)
        assert cases.state_of(case.id) is CaseState.CALLED_BACK
    finally:
        again.shutdown()


async def test_a_bad_row_in_the_store_does_not_break_feedback(fb_runtime: Runtime) -> None:
    """Rows written before the checks: a date "never", a state nobody knows."""
    case = _town_case(fb_runtime)
    db = fb_runtime.db
    db.execute_sql(
        "UPDATE rectification_case SET callback_due = 'never', rectify_due = 'never' WHERE id = ?",
        (case.id,),
    )
    db.execute_sql(
        "INSERT INTO rectification_event (id, case_id, from_state, to_state, note, actor, "
        "role, site_code, evidence, step, happened_on, created_at) VALUES "
        "('bad', ?, 'pending_callback', 'closed_forever', '', 'X', '', '', '', 1, 'never', "
        "'2099-01-01 00:00:00')",
        (case.id,),
    )
    assert cases.state_of(case.id) is CaseState.PENDING_CALLBACK  # the bad event passed over
    assert cases.current_states() == {case.id: CaseState.PENDING_CALLBACK}
    assert stats.total().total == 0
    app = SihaoApp(fb_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.cases", CasesScreen)
        table = screen.query_one("#cases-table", DataTable)
        row = table.get_row_at(0)
        assert (str(row[0]), str(row[1]), str(row[2])) == ("待回访", "?", "?")
        detail = str(screen.query_one("#case-detail", Static).render())
        assert "never  ?  X" in detail
        assert "feedback" in fb_runtime.host.loaded()
