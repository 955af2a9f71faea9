"""Ratings, inspections and cases through the real server: routing and city statistics.

A district workstation (张店区政务服务中心) logs an inspection of a town hall
(车站街道便民服务中心) with a finding, and keys in ratings; the case of the finding
is pulled by the town's workstation only, the town calls back, and the district
sees the new state on its next pull. The city-wide statistics endpoint answers
for a site and every site below it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from uuid6 import uuid7

from core import credentials
from core.models import utcnow
from core.outbox import Outbox, OutboxState
from core.sync.engine import Syncer
from plugins.feedback import cases, inspections, reference
from plugins.feedback.cases import CaseState
from plugins.feedback.inspections import FindingDraft, InspectionDraft
from plugins.feedback.models import Case
from plugins.feedback.ratings import Kind
from server import admin
from tests.plugins.feedback.helpers import advance, rate
from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import DEMO_SITE, central_server, enroll, workstation
from workstation.cli import main

TOWN = "370303001-BM"
CITY = "370300-ZWFW"
SCHEMA = {"X-Sihao-Schema": "1"}


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        yield srv


def _town_client(server: Any) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=server.url, timeout=30)
    answer = client.post(
        "/v1/enroll",
        json={"code": admin.issue_enroll_code(TOWN), "name": "town PC", "schema": 1},
    )
    assert answer.status_code == 200, answer.text
    return client, {"Authorization": f"Bearer {answer.json()['token']}", **SCHEMA}


def _pull_all(client: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    since = 0
    while True:
        body = client.get("/v1/sync/pull", params={"since": since}, headers=headers).json()
        changes.extend(body["changes"])
        since = body["next"]
        if not body["has_more"]:
            return changes


def test_cases_route_to_the_unit_and_state_changes_come_back(server: Any, tmp_path: Path) -> None:
    runtime = workstation(tmp_path / "district", seed=True)
    town, town_headers = _town_client(server)
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()  # site policy: every built-in plugin, feedback among them
        assert "feedback" in runtime.host.loaded()
        today = dt.date(2026, 10, 12)
        inspection = inspections.log_inspection(
            InspectionDraft(
                target_kind="site",
                target_ref=TOWN,
                scores=dict.fromkeys(
                    ["guide", "waiting", "attitude", "devices", "signage", "one_visit"], "80"
                ),
                findings=[FindingDraft("major", "便民服务中心自助机停用三天")],
            ),
            actor="4001",
            role="officer",
            site_code=DEMO_SITE,
            indicators=reference.indicator_set(),
            calendar=runtime.calendar,
            case_settings=runtime.settings("feedback"),
            today=today,
        )
        assert inspection.weighted_score == 80.0
        town_case = Case.get(Case.source == "finding")
        assert town_case.unit_site == TOWN and town_case.site_code == DEMO_SITE
        # District ratings: 5, 4, 3 (default), 2 real-name (a case for the district).
        for level, kind, real in ((5, Kind.ACTIVE, False), (4, Kind.ACTIVE, False),
                                  (3, Kind.DEFAULT, False), (2, Kind.ACTIVE, True)):  # fmt: skip
            rate(runtime, level, kind=kind, real_name=real, on=today)
        pushed, _pulled = syncer.sync_once()
        assert pushed.rejected == 0
        assert Outbox.select().where(Outbox.state != OutboxState.APPLIED.value).count() == 0

        # The town pulls the finding's case, and nothing of the district's own case.
        changes = _pull_all(town, town_headers)
        routed = [c for c in changes if c["kind"] == "feedback.case"]
        assert [c["id"] for c in routed] == [town_case.id]
        assert routed[0]["data"]["summary"].endswith("便民服务中心自助机停用三天")
        first = [c for c in changes if c["kind"] == "feedback.case_event"]
        assert [c["data"]["to_state"] for c in first] == ["pending_callback"]
        assert not [c for c in changes if c["kind"] == "feedback.rating"]

        # The town calls back (its workstation pushes the new state) …
        admin.add_staff("T001", "刘芳", TOWN, "clerk", pin="123456")
        event_id = str(uuid7())
        answer = town.post(
            "/v1/sync/push",
            headers=town_headers,
            json={
                "mutations": [
                    {
                        "client_seq": 1,
                        "mutation_id": str(uuid7()),
                        "kind": "feedback.case_event",
                        "entity_id": event_id,
                        "payload_version": 2,
                        "created_at": "2026-10-13T09:30:00",
                        "payload": {
                            "id": event_id,
                            "case_id": town_case.id,
                            "from_state": "pending_callback",
                            "to_state": "called_back",
                            "note": "已联系体验官，自助机已报修",
                            "actor": "T001",
                            "role": "clerk",
                            "site_code": TOWN,
                            "evidence": "",
                            "called_at": "2026-10-13T09:20:00",
                            "step": 1,
                            "happened_on": "2026-10-13",
                            # After the case's first event (now), never in the future.
                            "created_at": utcnow().isoformat(),
                            "unit_site": TOWN,
                            "case_site": DEMO_SITE,
                        },
                    }
                ]
            },
        )
        assert answer.json()["results"][0]["status"] == "applied", answer.text
        # … and the district sees it on its next pull.
        syncer.sync_once()
        assert cases.state_of(town_case.id) is CaseState.CALLED_BACK
        assert [e.note for e in cases.history(town_case.id)][-1] == "已联系体验官，自助机已报修"

        # The district calls back its own real-name bad review: the server counts the
        # case's state as it accepted the events.
        own_case = Case.get((Case.source == "rating") & Case.real_name)
        advance(own_case.id, CaseState.CALLED_BACK, today=today)
        assert syncer.sync_once()[0].rejected == 0

        # Statistics of a site and everything below it: the district's own by default.
        token = credentials.get_token(runtime.paths.data_dir)
        headers = {"Authorization": f"Bearer {token}", **SCHEMA}
        url = "/v1/plugins/feedback/stats/ratings"
        with httpx.Client(base_url=server.url, timeout=30) as client:
            district = client.get(url, params={"by": "site,level"}, headers=headers)
            assert district.status_code == 200, district.text
            body = district.json()
            assert body["site"] == DEMO_SITE
            assert [r["key"] for r in body["rows"]] == [{"site": DEMO_SITE, "level": "district"}]
            # Never a site above it or beside it: the city's, or a neighbour's windows.
            above = client.get(url, params={"site": CITY}, headers=headers)
            assert above.status_code == 403 and CITY in above.json()["detail"]
            sideways = town.get(url, params={"site": DEMO_SITE}, headers=town_headers)
            assert sideways.status_code == 403
            mine = town.get(url, params={"by": "window"}, headers=town_headers).json()
            assert mine["site"] == TOWN and mine["total"]["total"] == 0
            total = body["total"]
            # 4 ratings: satisfied 5, 4, 3 = 3 of 4; bad 1; real-name bad 1, not called back.
            assert (total["total"], total["satisfied"], total["bad"]) == (4, 3, 1)
            assert total["satisfaction_rate"] == 0.75 and total["bad_rate"] == 0.25
            assert total["real_name_bad"] == 1 and total["callback_rate"] == 1.0
            assert total["rectification_rate"] == 0.0
            assert total["active_rate"] == 0.75  # 3 active of 4 cases
            without = client.get(
                url, params={"by": "month", "include_default": "false"}, headers=headers
            ).json()["total"]
            assert (without["total"], without["satisfied"]) == (3, 2)
            later = client.get(url, params={"from": "2026-10-13"}, headers=headers).json()
            assert later["total"]["total"] == 0
            by_window = client.get(url, params={"by": "window,year"}, headers=headers).json()
            assert [(r["key"], r["total"]) for r in by_window["rows"]] == [
                ({"window": "A01", "year": "2026"}, 4)
            ]
            town_only = client.get(url, params={"site": TOWN}, headers=headers).json()
            assert town_only["rows"] == [] and town_only["total"]["total"] == 0
            bad = client.get(url, params={"by": "nonsense"}, headers=headers)
            assert bad.status_code == 422
            assert client.get(url, headers=SCHEMA).status_code == 401
    finally:
        town.close()
        runtime.shutdown()


def _it(server: Any, *args: str) -> tuple[int, str]:
    """IT at the server's shell: ``sihao server … --database URL``."""
    result = CliRunner().invoke(main, ["server", *args, "--database", server.database_url])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_new_tag_set_reaches_the_workstation(server: Any, tmp_path: Path) -> None:
    from plugins.feedback.ratings import RatingDraft, validate

    data = json.loads(json.dumps(reference.shipped("tags")))
    data["version"] = "2027.1"
    data["tags"]["onsite"]["5"] = ["帮办代办贴心", "一次办好"]
    broken = json.loads(json.dumps(data))
    del broken["tags"]["onsite"]["3"]
    files = {
        "unnumbered": {**data, "version": "new"},
        "broken": broken,
        "shipped": {**data, "version": "2026.1"},
        "good": data,
    }
    for name, content in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    (tmp_path / "garbled.json").write_text("{not json", "utf-8")

    def publish(name: str) -> tuple[int, str]:
        return _it(server, "feedback", "publish", "tags", str(tmp_path / f"{name}.json"))

    for name, said in [
        ("unnumbered", "numbered version"),
        ("broken", "each level 1 to 5"),
        ("garbled", "is not a JSON file"),
        ("shipped", "not newer than 2026.1 (shipped with the workstation)"),
    ]:
        code, output = publish(name)
        assert (code, said in output) == (2, True), (name, output)
    code, output = publish("good")
    assert code == 0 and "tags 2027.1 published to every workstation" in output, output
    code, output = publish("good")  # twice: workstations would change nothing
    assert code == 2 and "not newer than 2027.1 (published" in output, output

    code, output = _it(server, "feedback", "references", "--json")
    listed = [json.loads(line) for line in output.splitlines()]
    assert [(r["kind"], r["version"], r["source"], r["current"]) for r in listed] == [
        ("tags", "2026.1", "shipped", False),
        ("tags", "2027.1", "published", True),
        ("indicators", "2026.1", "shipped", True),
    ]
    assert "feedback" in _it(server, "--help")[1]  # IT finds the plugin's commands

    runtime = workstation(tmp_path / "ws", seed=True)
    try:
        # Enabled before the first pull: a plugin kind pulled while its plugin is
        # off is skipped by the sync client (see the report).
        runtime.set_plugin_enabled("feedback", True)
        enroll(runtime, server)
        Syncer(runtime).sync_once()
        tagset = reference.tag_set()
        assert tagset.version == "2027.1"
        assert tagset.tags_for("card", 5) == ("帮办代办贴心", "一次办好")
        draft = RatingDraft(window_no="A01", level=5, tags=["服务效率高"])
        checked = validate(draft, tagset, runtime.settings("feedback"), DEMO_SITE)
        assert [p.field for p in checked.problems] == ["tags"]
        assert "2027.1" in checked.problems[0].message
        draft.tags = ["一次办好"]
        assert validate(draft, tagset, runtime.settings("feedback"), DEMO_SITE).ok
    finally:
        runtime.shutdown()


async def test_the_statistics_screen_counts_this_site_and_below_on_the_server(
    server: Any, tmp_path: Path
) -> None:
    """A district supervisor sees the town's ratings too (counted by the server); with
    the server out of reach, the screen says so and shows the district's own."""
    from textual.widgets import DataTable, Input, Select, Static

    from core.sync.models import SyncState
    from plugins.feedback.ui.stats_screen import StatsScreen
    from server.testing import free_port
    from tests.workstation.helpers import open_as, wait_for
    from workstation.app import SihaoApp

    march = dt.date(2025, 3, 12)  # a month no other test rates in
    admin.add_window(TOWN, "A01", "综合窗口")
    admin.add_staff("T002", "张华", TOWN, "clerk", pin="123456", window="A01")
    town = workstation(tmp_path / "town")
    try:
        town.set_plugin_enabled("feedback", True)
        enroll(town, server, site=TOWN)
        town_sync = Syncer(town)
        town_sync.sync_once()
        for level in (5, 1, 1):
            rate(town, level, on=march, actor="T002")
        pushed = town_sync.sync_once()[0]
        refused = [o.last_error for o in Outbox.select().where(Outbox.state == "rejected")]
        assert pushed.rejected == 0, refused  # ratings, and cases of the bad ones
    finally:
        town.shutdown()

    runtime = workstation(tmp_path / "district", seed=True)
    enroll(runtime, server)
    Syncer(runtime).sync_once()
    for level in (5, 4):
        rate(runtime, level, on=march)
    Syncer(runtime).sync_once()
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_as(pilot, "3001", "feedback.stats", StatsScreen)
        screen.query_one("#group-by", Select).value = "site"
        screen.query_one("#period", Select).clear()
        screen.query_one("#date-from", Input).value = "2025-03-01"
        screen.query_one("#date-to", Input).value = "2025-03-31"
        screen.action_refresh_stats()
        await pilot.pause()
        table = screen.query_one("#stats-table", DataTable)
        totals = screen.query_one("#stats-totals", Static)
        assert "评价 2 条" in str(totals.render())  # this workstation's own: the district's
        assert table.row_count == 1

        screen.query_one("#scope", Select).value = "server"
        message = screen.query_one("#stats-message", Static)
        assert await wait_for(pilot, lambda: "中心服务器统计" in str(message.render()))
        assert DEMO_SITE in str(message.render())
        assert "评价 5 条" in str(totals.render()) and "满意率 60.00%" in str(totals.render())
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == sorted([DEMO_SITE, TOWN])
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == (
            ["2", "3"] if DEMO_SITE < TOWN else ["3", "2"]
        )
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert list(runtime.paths.exports_dir.glob("ratings-server-site-*.csv"))

        # The server out of reach: said so, and the district's own figures instead.
        SyncState.update(server_url=f"http://127.0.0.1:{free_port()}").execute()
        screen.action_refresh_stats()
        assert await wait_for(pilot, lambda: "无法连接中心服务器" in str(message.render()))
        assert "评价 2 条" in str(totals.render()) and table.row_count == 1
    runtime.shutdown()


def test_the_server_tally_counts_what_the_stored_ratings_say(server: Any, tmp_path: Path) -> None:
    """The server keeps a count of ratings in each push's transaction; every breakdown
    it answers from it equals counting the stored ratings themselves, and the
    migration that creates it fills it from the ratings already stored."""
    import importlib.util

    from plugins.feedback import server as feedback_server
    from server import db

    runtime = workstation(tmp_path / "ws", seed=True)
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        cards = [
            (5, Kind.ACTIVE, False, "A01", dt.date(2024, 1, 9)),
            (4, Kind.ACTIVE, False, "A02", dt.date(2024, 1, 30)),
            (3, Kind.DEFAULT, False, "A01", dt.date(2024, 2, 1)),
            (2, Kind.ACTIVE, True, "A03", dt.date(2024, 2, 14)),
            (1, Kind.ACTIVE, True, "A01", dt.date(2024, 3, 3)),
            (1, Kind.ACTIVE, False, "A02", dt.date(2024, 3, 4)),
            (5, Kind.ACTIVE, False, "A01", dt.date(2024, 3, 4)),
        ]
        for level, kind, real, window, on in cards:
            rate(runtime, level, kind=kind, real_name=real, window=window, on=on)
        pushed = syncer.sync_once()[0]
        refused = [o.last_error for o in Outbox.select().where(Outbox.state == "rejected")]
        assert pushed.rejected == 0, refused
    finally:
        runtime.shutdown()

    breakdowns = [("site",), ("window", "month"), ("staff",), ("department", "year"), ("level",)]
    with db.request_connection():
        tallied = {
            (by, default): feedback_server.city_stats(by, include_default=default, use_tally=True)
            for by in breakdowns
            for default in (True, False)
        }
        for (by, default), rows in tallied.items():
            counted = feedback_server.city_stats(by, include_default=default, use_tally=False)
            assert rows == counted, by
        march = [r for r in tallied[(("window", "month"), True)] if r.key == ("A01", "2024-03")]
        assert [(r.total, r.satisfied, r.bad, r.real_name_bad) for r in march] == [(2, 1, 1, 1)]
        # Whole months (a year, a quarter) come from the tally too; part of one cannot.
        for first, last in [((2024, 1, 1), (2024, 2, 29)), ((2024, 1, 1), (2024, 12, 31))]:
            span = {"date_from": dt.date(*first), "date_to": dt.date(*last)}
            assert feedback_server.city_stats(
                ("window",), use_tally=True, **span
            ) == feedback_server.city_stats(("window",), use_tally=False, **span)
        two_months = feedback_server.city_stats(
            ("site",), date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 2, 29)
        )
        assert sum(r.total for r in two_months) == 4  # January 2, February 2
        with pytest.raises(ValueError, match="cannot answer"):
            feedback_server.city_stats(("site",), date_from=dt.date(2024, 1, 9), use_tally=True)

        # The migration fills the tally from what is stored.
        db.database.execute_sql("DELETE FROM feedback_rating_tally")
        path = Path(feedback_server.__file__).parent / "server_migrations" / "0001_rating_tally.py"
        spec = importlib.util.spec_from_file_location("rating_tally_migration", path)
        assert spec is not None and spec.loader is not None
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.up(None, db.database.obj)
        for (by, default), rows in tallied.items():
            assert feedback_server.city_stats(by, include_default=default, use_tally=True) == rows
