"""The central server checks every pushed case event against the case's state machine
(SQLite and PostgreSQL, a real server on loopback).

The district (张店区政务服务中心) inspects the town hall (车站街道便民服务中心): a case
the town handles. The town calls back, rectifies and reports back; the district,
which opened it, reviews. Forged events are refused, each with its reason: from
another site (the village below the town), by the wrong role, dated 2099 or before
the case, an impossible or stale transition, a reviewer who recorded the fix.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from uuid6 import uuid7

from core.models import utcnow
from core.sync.engine import Syncer
from plugins.feedback import cases, inspections, reference
from plugins.feedback.case_rules import CaseState
from plugins.feedback.inspections import FindingDraft, InspectionDraft
from plugins.feedback.models import Case
from server import admin
from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import DEMO_SITE, central_server, enroll, workstation

TOWN = "370303001-BM"
VILLAGE = "370303001001-BM"
SCHEMA = {"X-Sihao-Schema": "1"}


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        yield srv


class Counter:
    """A workstation of ``site`` talking to the server directly, as a forger could."""

    def __init__(self, server: Any, site: str) -> None:
        self.client = httpx.Client(base_url=server.url, timeout=30)
        answer = self.client.post(
            "/v1/enroll",
            json={"code": admin.issue_enroll_code(site), "name": f"{site} PC", "schema": 1},
        )
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}", **SCHEMA}
        self.site = site
        self.seq = 0

    def push(self, *payloads: dict[str, Any], kind: str = cases.EVENT_KIND) -> list[dict[str, Any]]:
        mutations = []
        for payload in payloads:
            self.seq += 1
            mutations.append(
                {
                    "client_seq": self.seq,
                    "mutation_id": str(uuid7()),
                    "kind": kind,
                    "entity_id": payload["id"],
                    "payload_version": 2 if kind == cases.EVENT_KIND else 1,
                    "created_at": utcnow().isoformat(),
                    "payload": payload,
                }
            )
        return self.send(mutations)

    def send(self, mutations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self.client.post(
            "/v1/sync/push", headers=self.headers, json={"mutations": mutations}
        )
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        return results


def _event(case: Case, source: str, target: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(uuid7()),
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
        "happened_on": dt.date.today().isoformat(),
        "created_at": utcnow().isoformat(),
        "unit_site": TOWN,
        "case_site": DEMO_SITE,
    }
    data.update(fields)
    return data


def _status(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["status"], r.get("reason", "")) for r in results]


def test_forged_case_events_are_refused_and_the_real_loop_goes_through(
    server: Any, tmp_path: Path
) -> None:
    for staff_no, name, site, role in [
        ("T001", "刘芳", TOWN, "clerk"),
        ("T002", "吴刚", TOWN, "officer"),
        ("T003", "郑洁", TOWN, "supervisor"),
        ("V001", "冯磊", VILLAGE, "supervisor"),
    ]:
        admin.add_staff(staff_no, name, site, role, pin="123456")
    district = workstation(tmp_path / "district", seed=True)
    town, village = Counter(server, TOWN), Counter(server, VILLAGE)
    try:
        enroll(district, server)
        syncer = Syncer(district)
        syncer.sync_once()
        today = dt.date.today()
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
            site_code=DEMO_SITE,
            indicators=reference.indicator_set(),
            calendar=district.calendar,
            case_settings=district.settings("feedback"),
            today=today,
        )
        case = Case.get(Case.source == "finding")
        assert syncer.sync_once()[0].rejected == 0
        called = utcnow().replace(microsecond=0).isoformat()

        refused = {
            "another site": village.push(
                _event(case, "pending_callback", "called_back", actor="V001", role="supervisor",
                       site_code=VILLAGE, called_at=called)
            ),
            "writer site differs": town.push(
                _event(case, "pending_callback", "called_back", site_code=VILLAGE,
                       called_at=called)
            ),
            "wrong role": town.push(
                _event(case, "pending_callback", "called_back", actor="T002", role="officer",
                       called_at=called)
            ),
            "claimed role": town.push(
                _event(case, "pending_callback", "called_back", role="supervisor",
                       called_at=called)
            ),
            "dated 2099": town.push(
                _event(case, "pending_callback", "called_back", happened_on="2099-10-13",
                       called_at=called)
            ),
            "before the case": town.push(
                _event(case, "pending_callback", "called_back",
                       happened_on=(today - dt.timedelta(days=3)).isoformat(), called_at=called)
            ),
            "impossible": town.push(
                _event(case, "pending_callback", "reviewed", actor="T003", role="supervisor")
            ),
            "no callback time": town.push(_event(case, "pending_callback", "called_back")),
            "unknown case": town.push(
                {**_event(case, "pending_callback", "called_back", called_at=called),
                 "case_id": str(uuid7())}
            ),
        }  # fmt: skip
        for probe, results in refused.items():
            [(status, reason)] = _status(results)
            assert status == "rejected", (probe, reason)
        reasons = {probe: results[0]["reason"] for probe, results in refused.items()}
        assert (
            "handles this case" in reasons["another site"] or "负责办理" in reasons["another site"]
        )
        assert "is not staff of site" not in reasons["another site"]
        assert "dated" not in reasons["writer site differs"]
        assert "officer" in reasons["wrong role"] or "窗口工作人员" in reasons["wrong role"]
        assert "the staff member is a clerk" in reasons["claimed role"]
        assert "2099" in reasons["dated 2099"] or "happened_on" in reasons["dated 2099"]
        assert "before the case was opened" in reasons["before the case"] or (
            "早于工单开立日期" in reasons["before the case"]
        )
        assert "已复核" in reasons["impossible"]
        assert (
            "callback" in reasons["no callback time"] or "回访时间" in reasons["no callback time"]
        )
        assert "is not known to the server" in reasons["unknown case"]

        # The town calls back and puts it on the ledger in one push (the second event
        # is checked against the first, earlier in the same push) …
        callback = _event(case, "pending_callback", "called_back", called_at=called)
        ledger = _event(case, "called_back", "rectifying", step=2)
        assert [s for s, _ in _status(town.push(callback, ledger))] == ["applied", "applied"]
        # … the same event sent again (a retry) changes nothing; another version of
        # it is refused …
        assert _status(town.push(callback))[0][0] in ("applied", "duplicate")
        [(status, reason)] = _status(town.push({**callback, "note": "改过的说明"}))
        assert status == "rejected" and "already recorded with other content" in reason
        # … a stale change made offline elsewhere is refused: the case moved on.
        [(status, reason)] = _status(
            town.push(_event(case, "pending_callback", "called_back", called_at=called))
        )
        assert status == "rejected" and "rectifying" in reason
        # The fix, by a town supervisor; the same supervisor may not review it (四眼).
        fix = _event(case, "rectifying", "rectified", actor="T003", role="supervisor",
                     evidence="报修单 2026-031", step=3)  # fmt: skip
        feedback = _event(case, "rectified", "fed_back", note="已告知体验官", step=4)
        assert [s for s, _ in _status(town.push(fix, feedback))] == ["applied", "applied"]
        [(status, reason)] = _status(
            town.push(
                _event(case, "fed_back", "reviewed", actor="T003", role="supervisor", step=5)
            )  # fmt: skip
        )
        assert status == "rejected" and ("Four eyes" in reason or "四眼原则" in reason)

        # The district pulls the town's steps (checked again on apply) and reviews.
        syncer.sync_once()
        assert cases.state_of(case.id) is CaseState.FED_BACK
        assert [e.actor for e in cases.history(case.id)] == ["3001", "T001", "T001", "T003",
                                                             "T001"]  # fmt: skip
        cases.transition(case.id, CaseState.REVIEWED, actor="3001", role="supervisor", today=today)
        pushed, _pulled = syncer.sync_once()
        assert (pushed.applied, pushed.rejected) == (1, 0)

        # The server's table of case states says where the case stands.
        from plugins.feedback.server_checks import CaseStateRow
        from server import db

        with db.request_connection():
            row = CaseStateRow.get_by_id(case.id)
            assert (row.state, row.step) == ("reviewed", 5)
            # Its migration builds the same from the records already stored.
            db.database.execute_sql("DROP TABLE feedback_case_state")
            path = Path(cases.__file__).parent / "server_migrations" / "0003_case_state.py"
            spec = importlib.util.spec_from_file_location("case_state_migration", path)
            assert spec is not None and spec.loader is not None
            migration = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(migration)
            migration.up(None, db.database.obj)
            # … and 0004 adds when each case last changed, from the same records.
            db.database.execute_sql(
                "ALTER TABLE feedback_case_state ADD COLUMN changed_at TIMESTAMP"
            )
            path = path.with_name("0004_record_key.py")
            spec = importlib.util.spec_from_file_location("record_key_migration", path)
            assert spec is not None and spec.loader is not None
            later = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(later)
            later.fill_changed_at(db.database.obj)
            again = CaseStateRow.get_by_id(case.id)
            assert (again.state, again.step, again.unit_site) == ("reviewed", 5, TOWN)
            assert again.changed_at is not None and again.changed_at >= row.changed_at
            assert '"fed_back": "T001"' in again.recorders

        # Site B cannot open a case in A's queue either.
        forged_case = {
            **{k: v for k, v in _case_json(case).items()},
            "id": str(uuid7()),
            "site_code": VILLAGE,
            "actor": "V001",
        }
        [(status, reason)] = _status(village.push(forged_case, kind=cases.CASE_KIND))
        assert status == "rejected" and TOWN in reason
    finally:
        town.client.close()
        village.client.close()
        district.shutdown()


def _case_json(case: Case) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(json.dumps(cases._case_payload(case), default=str))
    data["created_at"] = utcnow().isoformat()
    return data
