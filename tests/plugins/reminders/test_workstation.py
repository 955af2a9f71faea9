"""The reminders at the counter, against the real central server on loopback.

Licences issued at the demo site reach the server's register through the core hook;
the server's worker writes and sends their reminders (file gateway). The
workstation's screen, driven by Pilot at 80×24 and 120×40, shows the site's
expiries, what was sent and what failed, opens the renewal item's actions in one
key, and sends a reminder again with a reason: a record pushed by sync, which the
server turns into exactly one more SMS. Offline, the screen shows what it last
pulled and says so.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, DataTable, Input, Static, TabbedContent

from core.plugins import hookimpl
from core.registry import ItemAction
from core.roles import Role
from core.runtime import Runtime
from core.sync.engine import Syncer
from plugins.reminders import gateways, models, register, rules, service, worker
from plugins.reminders.models import ResendRequest
from plugins.reminders.ui.reminders_screen import RemindersScreen
from plugins.reminders.ui.renewal_dialog import RenewalDialog
from plugins.reminders.ui.resend_dialog import ResendDialog
from server import jobs
from tests.plugins.reminders.conftest import licence, sms_rows
from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import DEMO_SITE, central_server, enroll, workstation
from tests.workstation.helpers import notifications, sign_in, wait_for
from workstation.app import SihaoApp

RENEWAL = "370303-SCJG-XK-001-03"  # 食品经营许可（延续） in the demo catalog
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from server import admin

    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        admin.set_policy(DEMO_SITE, enable=["reminders", "probe"])
        register.save_rules(
            rules.parse_rules(
                {
                    "quiet_hours": {"start": "00:00", "end": "00:00"},
                    "rules": [
                        {
                            "licence_type": "食品经营许可证",
                            "lead_days": [60, 30, 7],
                            "renewal_item": RENEWAL,
                        }
                    ],
                }  # fmt: skip
            )
        )
        today = rules.china_today(_utcnow())
        from server import db

        with db.transaction():
            srv.host.call(
                "sihao_server_licences_issued",
                licences=[
                    licence(today + dt.timedelta(days=30), holder="淄博甲餐饮有限公司",
                            number="JY-WS-001", site=DEMO_SITE),
                    licence(today + dt.timedelta(days=7), holder="淄博乙餐饮有限公司",
                            number="JY-WS-002", site=DEMO_SITE, mobile=""),
                    licence(today + dt.timedelta(days=20), holder="别处的公司",
                            number="JY-ELSEWHERE", site="370300-ZWFW"),
                ],
            )  # fmt: skip
        gateway = gateways.FileGateway(tmp_path_factory.mktemp("sms") / "sms.jsonl")
        worker.due_pass(_utcnow())
        worker.send_pass(jobs.JobContext("reminders.send"), gateway)
        srv.gateway = gateway
        yield srv


def _utcnow() -> dt.datetime:
    from server.models import utcnow

    return utcnow()


class RenewalProbe:
    """An item action as the intake plugin offers one: it records what it was run on."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    @hookimpl
    def sihao_item_actions(self, item: Any, context: Any) -> list[ItemAction]:
        def run(item: Any, runtime: Any) -> None:
            self.ran.append(str(item["code"]))

        return [
            ItemAction(id="probe.intake", label="受理（测试）", run=run,
                       roles=frozenset({Role.CLERK}))
        ]  # fmt: skip


@pytest.fixture
def counter(server: Any, tmp_path: Path) -> Iterator[tuple[Runtime, RenewalProbe]]:
    runtime = workstation(tmp_path / "ws", seed=True)
    probe = RenewalProbe()
    runtime.host.register_object("probe", probe)
    enroll(runtime, server)
    Syncer(runtime).sync_once()  # the policy (reminders and the probe on) and the catalog
    assert "reminders" in runtime.host.loaded(), runtime.host.plugins["reminders"].error
    assert "probe" in runtime.host.loaded()
    yield runtime, probe
    runtime.shutdown()


def _cells(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _fits(app: SihaoApp, *widgets: Any) -> None:
    screen = app.screen.region
    for widget in widgets:
        region = widget.region
        assert region.width > 0 and region.height > 0, f"{widget.id} has no room: {region}"
        assert screen.contains_region(region), f"{widget.id} {region} runs off {screen}"


@pytest.mark.parametrize("size", SIZES)
async def test_the_clerk_sees_expiries_sends_again_and_opens_the_renewal_item(
    server: Any, counter: tuple[Runtime, RenewalProbe], size: tuple[int, int]
) -> None:
    runtime, probe = counter
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("reminders.board")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RemindersScreen)
        upcoming = screen.query_one("#rem-upcoming", DataTable)
        assert await wait_for(pilot, lambda: upcoming.row_count == 2, timeout=10), _cells(upcoming)
        rows = _cells(upcoming)
        assert [r[2] for r in rows] == ["淄博乙餐饮有限公司", "淄博甲餐饮有限公司"]  # by expiry
        assert "别处的公司" not in str(rows)  # another site's licences never come here
        assert rows[1][3] == "138****5678" and rows[0][3] == "无"
        assert rows[1][4] == "已发送" and rows[1][5] == "食品经营许可证 JY-WS-001"
        _fits(app, screen.query_one("#rem-asof", Static), screen.query_one("#rem-tabs"),
              screen.query_one("#rem-detail", Static))  # fmt: skip

        # F4: the renewal item (食品经营许可（延续）) with what plugins offer on it.
        upcoming.focus()
        upcoming.move_cursor(row=1)
        await pilot.press("f4")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RenewalDialog)
        assert dialog.item["code"] == RENEWAL and "延续" in dialog.item["name"]
        offered = [a.id for a in dialog.actions]  # lookup's, guides', feedback's, the probe's
        assert {"lookup.copy_materials", "guides.print_guide", "probe.intake"} <= set(offered)
        dialog.query_one(f"#renewal-action-{offered.index('probe.intake')}", Button).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert probe.ran == [RENEWAL]

        # Failed: the licence without a mobile says why.
        screen.query_one("#rem-tabs", TabbedContent).active = "tab-failed"
        await pilot.pause()
        failed = screen.query_one("#rem-failed", DataTable)
        assert failed.row_count == 1
        assert "没有手机号" in _cells(failed)[0][4]

        # Sent: send the reminder again, with a reason.
        screen.query_one("#rem-tabs", TabbedContent).active = "tab-sent"
        await pilot.pause()
        sent = screen.query_one("#rem-sent", DataTable)
        sent_rows = _cells(sent)
        sent.focus()
        sent.move_cursor(row=[r[1] for r in sent_rows].index("JY-WS-001"))
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ResendDialog)
        reason = app.screen.query_one("#resend-reason", Input)
        await pilot.press("enter")  # no reason: refused, the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, ResendDialog)
        assert "说明" in str(app.screen.query_one("#resend-note", Static).render())
        reason.value = "持证人更换了手机号"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RemindersScreen)
        assert any("同步" in n for n in notifications(app))

    (request,) = ResendRequest.select()
    from core import audit

    assert audit.verify(models.MODELS).ok  # the resend is in the audit chain, untouched
    assert any(e.kind == "reminders.resend" for e in audit.AuditEntry.select())
    assert request.reason == "持证人更换了手机号" and request.staff_no == "1001"
    report = Syncer(runtime).push()
    assert report.applied == 1, report
    resends = [row for row in sms_rows() if row.key == f"resend:{request.id}"]
    assert len(resends) == 1 and resends[0].reason == "持证人更换了手机号"
    assert resends[0].requested_by == "1001"
    worker.send_pass(jobs.JobContext("reminders.send"), server.gateway)
    lines = [json.loads(line) for line in server.gateway.path.read_text("utf-8").splitlines()]
    keys = [line["idempotency_key"] for line in lines]
    assert f"resend:{request.id}" in keys and len(keys) == len(set(keys))
    # Pushed again (a retry after a lost answer): stored once, sent once.
    assert Syncer(runtime).push().applied == 0
    assert len([row for row in sms_rows() if row.key == f"resend:{request.id}"]) == 1


def test_a_resend_of_another_sites_reminder_is_refused(server: Any) -> None:
    from core.outbox import RecordContext, RecordRejected
    from plugins.reminders import server as reminders_server

    other = next(row for row in sms_rows() if row.site_code == "370300-ZWFW")
    ctx = RecordContext(
        kind="reminders.resend", entity_id="x1", payload_version=1,
        site_code=DEMO_SITE, workstation_id="w", earlier=[],
    )  # fmt: skip
    with pytest.raises(RecordRejected, match="no reminder"):
        reminders_server.check_resend({"id": "x1", "sms_id": other.id, "reason": "想发"}, ctx)


async def test_offline_the_screen_shows_what_it_last_pulled(runtime: Runtime) -> None:
    runtime.config.enabled_plugins = ["reminders"]
    runtime.apply_policy()
    assert "reminders" in runtime.host.loaded()
    kept_at = dt.datetime(2026, 12, 1, 2, 0)
    service.keep(
        runtime.config.site_code,
        {
            "upcoming": [
                {
                    "licence_id": 7,
                    "licence_type": "食品经营许可证",
                    "licence_no": "JY-KEPT",
                    "holder": "淄博丙餐饮有限公司",
                    "mobile": "139****0000",
                    "valid_until": "2026-12-06",
                    "days_left": 5,
                    "renewal_item": RENEWAL,
                    "last_state": "delivered",
                },
            ],
            "messages": [],
            "today": "2026-12-01",
        },  # fmt: skip
        kept_at,
    )
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("reminders.board")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RemindersScreen)
        table = screen.query_one("#rem-upcoming", DataTable)
        assert _cells(table)[0][5] == "食品经营许可证 JY-KEPT"
        assert _cells(table)[0][4] == "已送达"
        asof = str(screen.query_one("#rem-asof", Static).render())
        from plugins.reminders.plugin import reminders_badge

        badge = reminders_badge(runtime)
        assert badge is not None, service.last_pulled(runtime.config.site_code)
        assert badge.text == "1 个证照一周内到期" and not badge.alert
        assert "12-01 10:00" in asof  # kept at 02:00 UTC, shown in China time
        assert "未刷新" in asof


def test_the_cli_prints_what_was_last_pulled(runtime: Runtime, data_dir: Path) -> None:
    from click.testing import CliRunner

    from workstation.cli import main

    runtime.config.enabled_plugins = ["reminders"]
    from core.config import save_site_config

    save_site_config(runtime.paths.site_config, runtime.config)
    runtime.apply_policy()
    service.keep(
        runtime.config.site_code,
        {
            "upcoming": [
                {
                    "licence_id": 1,
                    "licence_type": "排污许可证",
                    "licence_no": "PW-9",
                    "holder": "淄博丁化工有限公司",
                    "mobile": "137****1111",
                    "valid_until": "2027-01-20",
                }
            ],
            "messages": [
                {
                    "id": 5,
                    "licence_no": "PW-9",
                    "holder": "淄博丁化工有限公司",
                    "state": "failed",
                    "error": "no_mobile",
                }
            ],
        },  # fmt: skip
    )
    runtime.shutdown()
    answer = CliRunner().invoke(main, ["--data-dir", str(data_dir), "reminders", "--refresh"])
    assert answer.exit_code == 0, answer.output
    assert "PW-9" in answer.output and "2027-01-20" in answer.output
    assert "无法询问中心服务器" in answer.output  # not enrolled: said, and the kept data shown
    failed = CliRunner().invoke(main, ["--data-dir", str(data_dir), "reminders", "--failures"])
    assert "#5" in failed.output and "没有手机号" in failed.output


def test_hostile_resends_are_rejected_one_by_one(server: Any) -> None:
    import uuid

    import httpx

    from server import admin

    mine = next(row for row in sms_rows() if row.site_code == DEMO_SITE and row.kind == "due")
    other = next(row for row in sms_rows() if row.site_code == "370300-ZWFW")
    client = httpx.Client(base_url=server.url, timeout=30)
    answer = client.post(
        "/v1/enroll",
        json={"code": admin.issue_enroll_code(DEMO_SITE), "name": "hostile", "schema": 1},
    )
    headers = {"Authorization": f"Bearer {answer.json()['token']}", "X-Sihao-Schema": "1"}
    good = {"sms_id": mine.id, "reason": "再发一次", "staff_no": "1001",
            "requested_at": "2026-12-01T09:00:00"}  # fmt: skip
    cases = {
        "no reason": {**good, "reason": ""},
        "a string id": {**good, "sms_id": str(mine.id)},
        "another site's": {**good, "sms_id": other.id},
        "an extra field": {**good, "mobile": "13800000000"},
        "a NUL": {**good, "reason": "再发\x00一次"},
        "another writer": {**good, "site_code": "370300-ZWFW"},
        "fine": good,
    }
    mutations = []
    for n, payload in enumerate(cases.values(), 1):
        entity = str(uuid.uuid4())
        mutations.append(
            {"client_seq": n, "mutation_id": str(uuid.uuid4()), "kind": "reminders.resend",
             "entity_id": entity, "payload_version": 1, "payload": {"id": entity, **payload},
             "created_at": "2026-12-01T09:00:00"}
        )  # fmt: skip
    before = len(sms_rows())
    result = client.post("/v1/sync/push", json={"mutations": mutations}, headers=headers).json()
    states = [r["status"] for r in result["results"]]
    assert states == ["rejected"] * 6 + ["applied"], result
    assert "no reminder" in result["results"][2]["reason"]
    after = sms_rows()
    assert len(after) == before + 1 and after[-1].key == f"resend:{mutations[-1]['entity_id']}"
    client.close()


async def test_the_screen_speaks_english_with_lang_en(runtime: Runtime) -> None:
    from core.i18n import set_language

    set_language("en")
    runtime.config.enabled_plugins = ["reminders"]
    runtime.apply_policy()
    service.keep(
        runtime.config.site_code,
        {"upcoming": [], "messages": [{"id": 9, "licence_no": "PW-1", "holder": "某公司",
                                       "state": "failed", "error": "expired"}]},
    )  # fmt: skip
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("reminders.board")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RemindersScreen)
        table = screen.query_one("#rem-upcoming", DataTable)
        assert [str(c.label) for c in table.columns.values()][:2] == ["Expires", "Days left"]
        screen.query_one("#rem-tabs", TabbedContent).active = "tab-failed"
        await pilot.pause()
        failed = _cells(screen.query_one("#rem-failed", DataTable))
        assert failed[0][3:] == ["failed", "The licence expired before the message could be sent."]
        assert "Not refreshed" in str(screen.query_one("#rem-asof", Static).render())
