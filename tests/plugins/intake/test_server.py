"""Cases and their steps pushed to the real central server on loopback (SQLite and
PostgreSQL): stored and followed state by state, licences handed to the register at
办结, forgeries refused each with its reason, cases counted per site, item and
month, and the default rating made once by the worker whatever runs it twice."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from uuid6 import uuid7

from core.models import utcnow
from core.plugins import hookimpl
from core.runtime import Runtime
from core.sync.engine import Syncer
from plugins.intake import service
from plugins.intake.models import IntakeCase, row_data
from plugins.intake.service import CaseState, MaterialStatus, Result
from server import admin
from tests.conftest import make_runtime
from tests.plugins.intake.helpers import FOOD, take
from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import DEMO_SITE, central_server

TOWN = "370303001-BM"
SCHEMA = {"X-Sihao-Schema": "1"}


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


class Register:
    """The licence register (the reminders plugin's part), as a plugin of the server."""

    def __init__(self) -> None:
        self.licences: list[Any] = []

    @hookimpl
    def sihao_server_licences_issued(self, licences: Any) -> None:
        self.licences.extend(licences)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from server.plugins import current_host

    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        register = Register()
        host = current_host()
        assert host is not None
        host.register_object("register", register)
        srv.register = register
        admin.add_staff("T001", "刘芳", TOWN, "clerk", pin="123456", window=None)
        yield srv


def counter_runtime(data_dir: Path, server: Any) -> Runtime:
    runtime = make_runtime(data_dir, plugins=["about", "sync", "lookup", "intake", "feedback"])
    runtime.apply_policy()
    Syncer(runtime).enroll(server.url, admin.issue_enroll_code(DEMO_SITE), "A01 counter")
    Syncer(runtime).sync_once()  # the catalog, staff and policy from the server
    assert "intake" in runtime.host.loaded(), runtime.host.plugins["intake"].error
    return runtime


class Forger:
    """A workstation of ``site`` talking to the server directly."""

    def __init__(self, server: Any, site: str) -> None:
        self.client = httpx.Client(base_url=server.url, timeout=30)
        answer = self.client.post(
            "/v1/enroll",
            json={"code": admin.issue_enroll_code(site), "name": f"{site} PC", "schema": 1},
        )
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}", **SCHEMA}
        self.seq = 0

    def push(self, kind: str, *payloads: dict[str, Any]) -> list[tuple[str, str]]:
        mutations = []
        for payload in payloads:
            self.seq += 1
            mutations.append(
                {
                    "client_seq": self.seq,
                    "mutation_id": str(uuid7()),
                    "kind": kind,
                    "entity_id": payload["id"],
                    "payload_version": 1,
                    "created_at": utcnow().isoformat(),
                    "payload": payload,
                }
            )
        answer = self.client.post(
            "/v1/sync/push", headers=self.headers, json={"mutations": mutations}
        )
        assert answer.status_code == 200, answer.text
        return [(r["status"], r.get("reason", "")) for r in answer.json()["results"]]


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()))


def _case_payload(case: IntakeCase, **changes: Any) -> dict[str, Any]:
    data = _json(row_data(case))
    data["materials"] = [
        {**{k: v for k, v in _json(row_data(m)).items() if k != "case_id"}, "id": str(uuid7())}
        for m in service.materials(case.id)
    ]
    data["id"] = str(uuid7())
    data.update(changes)
    return data


def _step(case_data: dict[str, Any], step: int, source: str, target: str, prev: str,
          **changes: Any) -> dict[str, Any]:  # fmt: skip
    data = {
        "id": str(uuid7()), "case_id": case_data["id"], "case_no": case_data["case_no"],
        "step": step, "from_state": source, "to_state": target, "result": "",
        "licence_no": "", "valid_until": None, "note": "", "actor": "1001",
        "site_code": DEMO_SITE, "happened_on": dt.date.today().isoformat(), "prev_hash": prev,
        "hash": "", "created_at": utcnow().isoformat(),
    }  # fmt: skip
    data.update(changes)
    if not changes.get("hash"):
        data["hash"] = service.step_hash(data)
    return data


def test_cases_sync_are_checked_counted_and_rated_by_default_once(
    server: Any, tmp_path: Path
) -> None:
    from plugins.intake.server import ServerCase, make_default_ratings
    from server.jobs import JobContext
    from server.models import Record
    from server.plugins import current_host

    runtime = counter_runtime(tmp_path / "counter", server)
    try:
        syncer = Syncer(runtime)
        site = runtime.config.site_code
        today = dt.date.today()
        start = today - dt.timedelta(days=30)
        cases = [take(runtime, today=start, food_rules=MaterialStatus.PENDING) for _n in range(3)]
        take(runtime, today=start, premises=MaterialStatus.MISSING,
             outcome=service.Outcome.NOTIFIED)  # fmt: skip
        for case in cases:
            for n, (state, extra) in enumerate(
                [
                    (CaseState.REVIEWING, {}),
                    (CaseState.DECIDED, {"result": Result.APPROVED, "licence_no": f"JY1{case.case_no[-4:]}",
                                         "valid_until": today + dt.timedelta(days=1826)}),
                    (CaseState.DELIVERED, {}),
                ],
                1,
            ):  # fmt: skip
                service.advance(case.id, state, actor="1001", site_code=site,
                                today=start + dt.timedelta(days=n), **extra)  # fmt: skip
        # The first case is rated by the citizen within the period: no default for it.
        from tests.plugins.feedback.helpers import rate

        rate(runtime, 5, case_no=cases[0].case_no, on=start + dt.timedelta(days=4),
             item_code=FOOD)  # fmt: skip
        # The second is rated at another counter of the site whose card reaches the
        # server before the case does: no default for it either.
        from plugins.intake.server import _default_rating

        early = ServerCase(
            case_id=cases[1].id, case_no=cases[1].case_no, site=site, item_code=FOOD,
            item_name=cases[1].item_name, department="", window_no="A01", staff_no="1001",
        )  # fmt: skip
        card = _default_rating(early, start + dt.timedelta(days=2), utcnow())
        card.update(kind="active", channel="card", mode="onsite", level=4, actor="3001",
                    id=str(uuid7()))  # fmt: skip
        assert Forger(server, DEMO_SITE).push("feedback.rating", card) == [("applied", "")]
        result = syncer.sync_once()[0]
        assert result.rejected == 0, result
        held = {row.case_no: row for row in ServerCase.select()}
        assert {c.case_no for c in cases} <= set(held)
        assert {held[c.case_no].state for c in cases} == {"delivered"}
        assert held[cases[0].case_no].rated and held[cases[1].case_no].rated
        assert not held[cases[2].case_no].rated
        issued = [lic for lic in server.register.licences if lic.site_code == site]
        assert sorted(lic.case_no for lic in issued) == sorted(c.case_no for c in cases)
        assert issued[0].holder_id == "370303198001011234" and issued[0].licence_type
        # Cases per site, item and month, through the plugin route with the token.
        answer = _stats(runtime, server)
        row = next(r for r in answer["rows"] if r["item_code"] == FOOD and r["site"] == site
                   and r["month"] == start.strftime("%Y-%m"))  # fmt: skip
        assert row["cases"] >= 4 and row["accepted"] >= 3

        # Two workers at once, then a pass again: one default rating per unrated case.
        host = current_host()
        errors: list[BaseException] = []

        def work() -> None:
            try:
                from server import db

                with db.request_connection():
                    make_default_ratings(JobContext("intake.default_ratings"), host, batch=1)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert make_default_ratings(JobContext("again"), host) == 0
        defaults = [
            json.loads(p)
            for (p,) in Record.select(Record.payload)
            .where(Record.workstation == "server:intake")
            .tuples()
        ]
        ours = sorted(d["case_no"] for d in defaults if d["site_code"] == site)
        assert ours == [cases[2].case_no]
        assert {(d["level"], d["kind"]) for d in defaults} == {(3, "default")}
    finally:
        runtime.shutdown()


def _stats(runtime: Runtime, server: Any) -> dict[str, Any]:
    from core.sync.engine import connect

    client = connect(runtime)
    try:
        answer: dict[str, Any] = client.plugin_get("intake", "/stats/cases")
    finally:
        client.close()
    return answer


def test_forged_cases_and_steps_are_refused(server: Any, tmp_path: Path) -> None:
    runtime = counter_runtime(tmp_path / "counter", server)
    try:
        case = take(runtime, today=dt.date.today())
        Syncer(runtime).sync_once()
        forger = Forger(server, DEMO_SITE)
        town = Forger(server, TOWN)
        good = _case_payload(case, case_no=case.case_no.replace("-0001", "-0901"))
        bad_cases = {
            "another site's number": forger.push(
                service.CASE_KIND,
                _case_payload(case, case_no=case.case_no.replace(DEMO_SITE, TOWN)),
            ),
            "pushed by another site": town.push(service.CASE_KIND, dict(good, site_code="")),
            "number taken": forger.push(service.CASE_KIND, _case_payload(case)),
            "bad resident ID": forger.push(
                service.CASE_KIND, dict(good, applicant_id="370303198001011235")
            ),
            "unknown state": forger.push(service.CASE_KIND, dict(good, outcome="approved")),
            "accepted without a date": forger.push(service.CASE_KIND, dict(good, promised_on=None)),
            "not staff": forger.push(service.CASE_KIND, dict(good, staff_no="T001")),
        }
        for probe, [(status, reason)] in bad_cases.items():
            assert status == "rejected", (probe, reason)
        assert "already another case" in bad_cases["number taken"][0][1]
        assert "applicant_id" in bad_cases["bad resident ID"][0][1]
        [(status, reason)] = forger.push(service.CASE_KIND, good)
        assert status == "applied", reason
        genesis = service.case_hash(good)
        wrong_first = _step(good, 0, "", "reviewing", genesis)
        assert forger.push(service.STEP_KIND, wrong_first)[0][0] == "rejected"
        first = _step(good, 0, "", "accepted", genesis)
        assert forger.push(service.STEP_KIND, first)[0][0] == "applied"
        link = first["hash"]
        bad_steps = {
            "skips 审查": _step(
                good, 1, "accepted", "decided", link, result="approved", licence_no="JY1"
            ),  # fmt: skip
            "wrong link": _step(good, 1, "accepted", "reviewing", genesis),
            "altered": _step(good, 1, "accepted", "reviewing", link, hash="f" * 64),
            "wrong number": _step(good, 2, "accepted", "reviewing", link),
            "wrong state": _step(
                good, 1, "reviewing", "decided", link, result="refused", note="不符合条件"
            ),  # fmt: skip
            "dated 2099": _step(good, 1, "accepted", "reviewing", link, happened_on="2099-01-01"),
            "not staff": _step(good, 1, "accepted", "reviewing", link, actor="T001"),
        }
        answers = {p: forger.push(service.STEP_KIND, step)[0] for p, step in bad_steps.items()}
        for probe, (status, reason) in answers.items():
            assert status == "rejected", (probe, reason)
        assert "cannot go to decided" in answers["skips 审查"][1]
        assert "prev_hash" in answers["wrong link"][1]
        assert "hash does not match" in answers["altered"][1]
        assert "next is 1" in answers["wrong number"][1]
        assert "assumes state reviewing" in answers["wrong state"][1]
        assert "not staff of site" in answers["not staff"][1]
        [(status, reason)] = town.push(
            service.STEP_KIND,
            _step(good, 1, "accepted", "reviewing", first["hash"], actor="T001", site_code=TOWN),
        )
        assert status == "rejected" and "not 370303001-BM's" in reason
        [(status, reason)] = forger.push(
            service.STEP_KIND, _step(good, 1, "accepted", "reviewing", first["hash"])
        )
        assert status == "applied", reason
    finally:
        runtime.shutdown()


def test_another_counters_case_is_pulled_checked_and_moved_on_here(
    server: Any, tmp_path: Path
) -> None:
    from core.outbox import RecordRejected
    from plugins.intake import remote

    runtime = counter_runtime(tmp_path / "counter", server)
    try:
        syncer = Syncer(runtime)
        site = runtime.config.site_code
        own = take(runtime, today=dt.date.today())
        # Another counter of the site (its own tag) takes a case and records it.
        other = Forger(server, DEMO_SITE)
        day = dt.date.today().strftime("%Y%m%d")
        theirs = _case_payload(own, case_no=f"{site}-{day}-ZZZZ-0001", workstation_tag="ZZZZ")
        first = _step(theirs, 0, "", "accepted", service.case_hash(theirs))
        assert other.push(service.CASE_KIND, theirs) == [("applied", "")]
        assert other.push(service.STEP_KIND, first) == [("applied", "")]
        result = syncer.sync_once()
        assert result[0].rejected == 0
        pulled = IntakeCase.get_or_none(IntakeCase.case_no == theirs["case_no"])
        assert pulled is not None and service.state_of(pulled.id) is CaseState.ACCEPTED
        assert service.verify_chain(pulled.id) is None
        numbers = {v.case.case_no for v in service.list_cases(site)}
        assert {own.case_no, theirs["case_no"]} <= numbers
        assert len(service.steps(own.id)) == 1  # our own came back: left as it was
        # Any clerk of the site records its next step; the server takes it.
        service.advance(pulled.id, CaseState.REVIEWING, actor="1002", site_code=site)
        assert syncer.sync_once()[0].rejected == 0
        # A pulled step that does not link is refused, never written.
        forged = _step(theirs, 2, "reviewing", "decided", "0" * 64, result="refused", note="x")
        with pytest.raises(RecordRejected, match="prev_hash"):
            remote.apply(service.STEP_KIND, forged, site)
        with pytest.raises(RecordRejected, match="not this site"):
            remote.apply(service.CASE_KIND, dict(theirs, id=str(uuid7()), site_code=TOWN), site)
        assert len(service.steps(pulled.id)) == 2
        # A case whose materials reuse ids held here is parked whole, the plugin stays on.
        clash = _case_payload(own, case_no=f"{site}-{day}-ZZZZ-0002", workstation_tag="ZZZZ")
        clash["materials"][0]["id"] = service.materials(own.id)[0].id
        with pytest.raises(RecordRejected, match="reuses an id"):
            remote.apply(service.CASE_KIND, clash, site)
        assert IntakeCase.get_or_none(IntakeCase.id == clash["id"]) is None
    finally:
        runtime.shutdown()
