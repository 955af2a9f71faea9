"""A voided rating leaves the central server's statistics too, on SQLite and
PostgreSQL: the tally takes it off, the counted ratings leave it out, its case no
longer counts, and it is counted apart; a second void of it changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from uuid6 import uuid7

from core import credentials
from core.outbox import Outbox, OutboxState, RecordContext, RecordRejected
from core.sync.engine import Syncer
from plugins.feedback import voids
from plugins.feedback.ratings import Kind
from tests.plugins.feedback.helpers import rate
from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import DEMO_SITE, central_server, enroll, workstation

SCHEMA = {"X-Sihao-Schema": "1"}
URL = "/v1/plugins/feedback/stats/ratings"


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        yield srv


def test_a_voided_rating_leaves_the_server_statistics(server: Any, tmp_path: Path) -> None:
    from plugins.feedback import server as feedback_server
    from server import db

    runtime = workstation(tmp_path / "ws", seed=True)
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        rate(runtime, 5, window="A01")
        bad = rate(runtime, 2, real_name=True, window="A01")  # opens a case
        rate(runtime, 4, window="A02")
        rate(runtime, 3, kind=Kind.DEFAULT, window="A02")
        assert syncer.sync_once()[0].rejected == 0
        token = credentials.get_token(runtime.paths.data_dir)
        headers = {"Authorization": f"Bearer {token}", **SCHEMA}
        with httpx.Client(base_url=server.url, timeout=30) as client:
            before = client.get(URL, params={"by": "window"}, headers=headers).json()
            assert before["total"]["total"] == 4 and before["total"]["real_name_bad"] == 1

            voids.void_rating(
                bad.id, reason="重复录入", actor="4001", role="officer", site_code=DEMO_SITE
            )
            assert syncer.sync_once()[0].rejected == 0
            assert Outbox.get(Outbox.kind == voids.VOID_KIND).state == OutboxState.APPLIED.value

            for params in ({"by": "window"}, {"by": "window", "from": "2026-01-01"}):
                body = client.get(URL, params=params, headers=headers).json()
                total = body["total"]
                assert (total["total"], total["bad"], total["real_name_bad"]) == (3, 0, 0)
                assert total["voided"] == 1 and total["satisfaction_rate"] == 1.0
                a01 = next(r for r in body["rows"] if r["key"] == {"window": "A01"})
                assert (a01["total"], a01["voided"]) == (1, 1)

            # A second void of the same rating (a workstation replaying it under
            # another id) is refused by the check (the void table, keyed on the rating,
            # would not count it twice either).
            again = str(uuid7())
            ctx = RecordContext(voids.VOID_KIND, again, 1, DEMO_SITE, "ws")
            first = json.loads(Outbox.get(Outbox.kind == voids.VOID_KIND).payload)
            payload = {**first, "id": again}
            with db.request_connection():
                with pytest.raises(RecordRejected, match="voided already"):
                    feedback_server.check_void(payload, ctx)
                with pytest.raises(RecordRejected, match="another site"):
                    feedback_server.check_void({**payload, "site_code": "370303001-BM"}, ctx)
                with pytest.raises(RecordRejected, match="no rating"):
                    feedback_server.check_void({**payload, "rating_id": str(uuid7())}, ctx)
            answer = client.post(
                "/v1/sync/push",
                headers=headers,
                json={
                    "mutations": [
                        {
                            "client_seq": 1000,
                            "mutation_id": str(uuid7()),
                            "kind": voids.VOID_KIND,
                            "entity_id": again,
                            "payload_version": 1,
                            "created_at": "2026-12-07T09:30:00",
                            "payload": payload,
                        }
                    ]
                },
            )
            assert answer.status_code == 200, answer.text
            result = answer.json()["results"][0]
            assert result["status"] == "rejected" and "voided already" in result["reason"]
            after = client.get(URL, params={"by": "window"}, headers=headers).json()
            assert after["total"] == total
        with db.request_connection():
            for by in (("window",), ("site",), ("window", "month")):
                tallied = feedback_server.city_stats(by, use_tally=True)
                assert tallied == feedback_server.city_stats(by, use_tally=False), by
    finally:
        runtime.shutdown()


def test_self_ratings_are_counted_apart_by_the_server(server: Any, tmp_path: Path) -> None:
    from plugins.feedback import ratings, reference
    from plugins.feedback import server as feedback_server
    from plugins.feedback.ratings import RatingDraft
    from server import db

    runtime = workstation(tmp_path / "village", seed=True)
    runtime.config.plugin_settings["feedback"] = {"allow_self_rating": True}
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        settings = runtime.settings("feedback")
        checked = ratings.validate(
            RatingDraft(window_no="A01", level=5),
            reference.tag_set(),
            settings,
            DEMO_SITE,
            actor="1001",
        )
        assert checked.ok and checked.self_rated
        mine = ratings.save(
            checked,
            actor="1001",
            site_code=DEMO_SITE,
            tagset=reference.tag_set(),
            calendar=runtime.calendar,
            case_settings=settings,
        )
        assert syncer.sync_once()[0].rejected == 0
        token = credentials.get_token(runtime.paths.data_dir)
        headers = {"Authorization": f"Bearer {token}", **SCHEMA}
        # A payload naming its keyer as the staff member rated, flag left out: the
        # server counts it as self-rated all the same.
        sent = json.loads(Outbox.get(Outbox.entity_id == mine.id).payload)
        hidden = {**sent, "id": str(uuid7()), "staff_no": "1001", "window_no": "A03"}
        del hidden["self_rated"]
        with httpx.Client(base_url=server.url, timeout=30) as client:
            answer = client.post(
                "/v1/sync/push",
                headers=headers,
                json={
                    "mutations": [
                        {
                            "client_seq": 2000,
                            "mutation_id": str(uuid7()),
                            "kind": "feedback.rating",
                            "entity_id": hidden["id"],
                            "payload_version": 1,
                            "created_at": "2026-12-07T09:30:00",
                            "payload": hidden,
                        }
                    ]
                },
            )
            assert answer.json()["results"][0]["status"] == "applied", answer.text
            body = client.get(URL, params={"by": "window"}, headers=headers).json()
        rows = {r["key"]["window"]: r for r in body["rows"]}
        assert rows["A01"]["self_rated"] == 1 and rows["A03"]["self_rated"] == 1
        assert body["total"]["self_rated"] == 2  # (the server is shared: other ratings too)
        with db.request_connection():
            by = ("window", "month")
            assert feedback_server.city_stats(by, use_tally=True) == feedback_server.city_stats(
                by, use_tally=False
            )
    finally:
        runtime.shutdown()


def test_voiding_a_rating_withdraws_the_case_it_opened_here_and_on_the_server(
    server: Any, tmp_path: Path
) -> None:
    """A card keyed by mistake opened a rectification case: its void withdraws the case
    (已撤销) in the same transaction, audited and pushed after the void; the server
    accepts the withdrawal because it holds the void, and refuses one without. Nobody
    can withdraw a case by hand."""
    from core import audit
    from core.audit import AuditEntry
    from plugins.feedback import cases
    from plugins.feedback.case_rules import CaseState
    from plugins.feedback.models import Case, CaseEvent
    from plugins.feedback.server_checks import CaseStateRow
    from server import db

    runtime = workstation(tmp_path / "ws", seed=True)
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        today = dt.date.today()
        mistaken = rate(runtime, 1, window="A01", on=today)
        kept = rate(runtime, 2, window="A01", on=today)
        case = Case.get(Case.source_id == mistaken.id)
        other = Case.get(Case.source_id == kept.id)
        # The screen's digits never offer it, and the service refuses it without a void.
        assert CaseState.WITHDRAWN not in cases.allowed_next(CaseState.PENDING_CALLBACK)
        with pytest.raises(cases.CaseError, match="作废"):
            cases.transition(
                other.id, CaseState.WITHDRAWN, actor="2001", role="supervisor",
                today=today, note="不想办",
            )  # fmt: skip
        cases.transition(
            case.id, CaseState.CALLED_BACK, actor="1001", role="clerk", today=today,
            note="已电话回访", called_at=dt.datetime.combine(today, dt.time(9, 0)),
        )  # fmt: skip
        assert syncer.sync_once()[0].rejected == 0

        voids.void_rating(
            mistaken.id, reason="录错窗口", actor="4001", role="officer",
            site_code=DEMO_SITE, today=today,
        )  # fmt: skip
        assert cases.state_of(case.id) is CaseState.WITHDRAWN
        assert cases.state_of(other.id) is CaseState.PENDING_CALLBACK
        withdrawal = cases.history(case.id)[-1]
        assert (withdrawal.note, withdrawal.actor, withdrawal.from_state) == (
            "录错窗口", "4001", "called_back",
        )  # fmt: skip
        assert AuditEntry.select().where(AuditEntry.entity_id == withdrawal.id).exists()
        assert audit.verify(runtime.models()).ok
        # Off the open list and its count; nothing more to do on it.
        views = {v.case.id: v for v in cases.list_cases(DEMO_SITE, today)}
        assert not views[case.id].overdue
        assert cases.overdue_count(DEMO_SITE, today)[1] == 1
        assert cases.allowed_next(CaseState.WITHDRAWN) == ()
        # Pushed after the void, and accepted: the server holds the void.
        kinds = [row.kind for row in Outbox.select().order_by(Outbox.client_seq)][-2:]
        assert kinds == [voids.VOID_KIND, cases.EVENT_KIND]
        assert syncer.sync_once()[0].rejected == 0
        assert Outbox.get(Outbox.entity_id == withdrawal.id).state == OutboxState.APPLIED.value
        with db.request_connection():
            assert CaseStateRow.get_by_id(case.id).state == "withdrawn"
        # A second void is refused and changes nothing.
        with pytest.raises(voids.VoidError):
            voids.void_rating(
                mistaken.id, reason="再来", actor="4001", role="officer", site_code=DEMO_SITE
            )
        assert CaseEvent.select().where(CaseEvent.case_id == case.id).count() == 3

        # A forged withdrawal of the other case (its rating stands) is refused.
        token = credentials.get_token(runtime.paths.data_dir)
        headers = {"Authorization": f"Bearer {token}", **SCHEMA}
        forged = {
            **json.loads(Outbox.get(Outbox.entity_id == withdrawal.id).payload),
            "id": str(uuid7()),
            "case_id": other.id,
            "from_state": "pending_callback",
            "step": 1,
        }
        with httpx.Client(base_url=server.url, timeout=30) as client:
            answer = client.post(
                "/v1/sync/push",
                headers=headers,
                json={
                    "mutations": [
                        {
                            "client_seq": 2000,
                            "mutation_id": str(uuid7()),
                            "kind": cases.EVENT_KIND,
                            "entity_id": forged["id"],
                            "payload_version": cases.EVENT_PAYLOAD_VERSION,
                            "created_at": forged["created_at"],
                            "payload": forged,
                        }
                    ]
                },
            )
        assert answer.status_code == 200, answer.text
        result = answer.json()["results"][0]
        assert result["status"] == "rejected" and "作废" in result["reason"]
        with db.request_connection():
            assert CaseStateRow.get_by_id(other.id).state == "pending_callback"
    finally:
        runtime.shutdown()
