"""The reminder worker on SQLite and PostgreSQL, against the fake provider on loopback.

Licences come in through the core hook the intake plugin calls at 办结; the due
pass writes what is due on a simulated day; the send pass sends through the real
HTTP adapter to ``data/sms_fake.py``. Two workers race, a provider is down for an
hour, a worker is SIGKILLed after the provider accepted: each reminder reaches a
phone once.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.sms_fake import FakeProvider, serve
from plugins.reminders import gateways, register, rules, worker
from plugins.reminders.server_models import DELIVERED, FAILED, QUEUED, SENDING, SENT
from server import jobs
from tests.plugins.reminders.conftest import china, issue, licence, no_quiet_hours, sms_rows

D = dt.date


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def context(clock: Clock, name: str = "reminders.send") -> jobs.JobContext:
    return jobs.JobContext(name, clock=clock)


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with serve(FakeProvider()) as fake:
        yield fake


def http(fake: FakeProvider, timeout: float = 5.0) -> gateways.HttpGateway:
    return gateways.HttpGateway(fake.url, fake.key, timeout=timeout)


# -- due pass ------------------------------------------------------------------------
def test_reminders_fall_due_across_the_year_end_and_a_leap_day(clean: str) -> None:
    no_quiet_hours(licence_type="食品经营许可证", lead_days=[60, 30, 7])
    issue(
        licence(D(2027, 1, 5)),  # 7 days: 2026-12-29
        licence(D(2028, 2, 29)),  # 60 days: 2027-12-31
        licence(D(2028, 3, 1), licence_type="药品经营许可证"),  # default 30: 2028-01-31
    )
    made: dict[dt.date, list[tuple[str, int]]] = {}
    day = D(2026, 12, 1)
    while day <= D(2028, 3, 2):
        before = {row.id for row in sms_rows()}
        assert worker.due_pass(china(day.year, day.month, day.day, 6)) >= 0
        new = [row for row in sms_rows() if row.id not in before]
        if new:
            made[day] = [(str(worker._as_date(r.valid_until)), r.lead_days) for r in new]
        day += dt.timedelta(days=1)
    assert made[D(2026, 12, 6)] == [("2027-01-05", 30)]
    assert made[D(2026, 12, 29)] == [("2027-01-05", 7)]
    assert made[D(2027, 12, 31)] == [("2028-02-29", 60)]
    assert made[D(2028, 1, 30)] == [("2028-02-29", 30)]
    assert made[D(2028, 1, 31)] == [("2028-03-01", 30)]
    assert made[D(2028, 2, 22)] == [("2028-02-29", 7)]
    # The licence expiring 2027-01-05 was already within 60 days on 2026-12-01: its
    # 60-day reminder came then (late), once.
    assert made[D(2026, 12, 1)] == [("2027-01-05", 60)]
    assert sum(len(v) for v in made.values()) == len(sms_rows()) == 7


def test_a_second_pass_or_a_second_worker_writes_nothing_twice(clean: str) -> None:
    no_quiet_hours()
    issue(*(licence(D(2027, 3, 1)) for _ in range(50)))
    now = china(2027, 1, 30, 6)
    counts: list[int] = []
    threads = [
        threading.Thread(target=lambda: counts.append(worker.due_pass(now))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) in ([0, 50], [50, 0]) or sum(counts) == 50
    assert worker.due_pass(now) == 0
    assert len(sms_rows()) == 50


def test_no_mobile_opted_out_and_renewed_licences(clean: str) -> None:
    no_quiet_hours()
    without = licence(D(2027, 3, 1), mobile="", number="JY-NO-MOBILE")
    opted = licence(D(2027, 3, 1), number="JY-OPTED")
    issue(without, opted)
    register.opt_out(opted.holder_id, "asked at the counter")
    assert worker.due_pass(china(2027, 1, 30)) == 1
    (row,) = sms_rows()
    assert (row.state, row.error) == (FAILED, worker.NO_MOBILE)
    # Renewed at the counter before expiry: the same licence, a new expiry date, and
    # the reminders of the new date come in their turn.
    issue(licence(D(2032, 3, 1), mobile="13900001111", number="JY-NO-MOBILE"))
    assert worker.due_pass(china(2027, 2, 10)) == 0
    assert worker.due_pass(china(2032, 1, 31)) == 1
    assert sms_rows()[-1].mobile == "13900001111"


def test_the_message_masks_the_holder_where_the_rule_says_so(
    clean: str, provider: FakeProvider
) -> None:
    no_quiet_hours(
        licence_type="食品经营许可证",
        template="{holder}（{legal_rep}）：您的{licence_type}将于{valid_until}到期，请办理{renewal_item}。",
        mask_holder=True,
    )
    issue(licence(D(2027, 3, 1), holder="张三丰", rep="李四"))
    issue(licence(D(2027, 3, 1), licence_type="排污许可证", holder="王五", rep="王五"))
    clock = Clock(china(2027, 1, 30))
    worker.due_pass(clock.now)
    assert worker.send_pass(context(clock), http(provider)) == 2
    texts = sorted(d.text for d in provider.deliveries)
    assert any(t.startswith("张*丰（李*）：您的食品经营许可证将于2027年3月1日到期") for t in texts)
    assert not any("张三丰" in t or "李四" in t for t in texts)
    assert any(t.startswith("【张店区政务服务中心】王五：您的排污许可证") for t in texts)


# -- send pass -------------------------------------------------------------------------
def test_quiet_hours_hold_messages_until_morning(clean: str, provider: FakeProvider) -> None:
    register.save_rules(rules.parse_rules({"quiet_hours": {"start": "21:00", "end": "08:00"}}))
    issue(licence(D(2027, 3, 1)))
    clock = Clock(china(2027, 1, 30, 21, 30))
    assert worker.due_pass(clock.now) == 1  # written at night…
    assert worker.send_pass(context(clock), http(provider)) == 0  # …not sent
    clock.now = china(2027, 1, 31, 7, 59)
    assert worker.send_pass(context(clock), http(provider)) == 0
    assert provider.calls == 0
    clock.now = china(2027, 1, 31, 8, 0)
    assert worker.send_pass(context(clock), http(provider)) == 1
    (row,) = sms_rows()
    assert row.state == SENT and row.gateway_id == provider.deliveries[0].message_id


def test_two_workers_racing_send_each_reminder_once(clean: str, provider: FakeProvider) -> None:
    no_quiet_hours()
    issue(*(licence(D(2027, 3, 1), mobile=f"139{n:08d}") for n in range(120)))
    clock = Clock(china(2027, 1, 30))
    assert worker.due_pass(clock.now) == 120
    totals: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        totals.append(worker.send_pass(context(clock), http(provider), batch=5))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(totals) == 120
    assert provider.calls == 120  # not one message asked for twice
    assert len(provider.deliveries) == len(provider.by_key) == 120
    assert provider.sent_twice() == 0
    assert {row.state for row in sms_rows()} == {SENT}


def test_provider_down_for_an_hour_then_back(clean: str, provider: FakeProvider) -> None:
    no_quiet_hours()
    issue(*(licence(D(2027, 3, 1), mobile=f"137{n:08d}") for n in range(30)))
    clock = Clock(china(2027, 1, 30, 9))
    worker.due_pass(clock.now)
    provider.down = True
    gateway = http(provider)
    for _ in range(360):  # every 10 s for an hour
        assert worker.send_pass(context(clock), gateway) == 0
        clock.advance(seconds=10)
    assert provider.calls < 60  # paused, not hammered: at most 3 tries a pause
    assert {row.state for row in sms_rows()} == {QUEUED}
    assert worker.paused_until() is not None
    provider.down = False
    sent = 0
    for _ in range(60):
        sent += worker.send_pass(context(clock), gateway)
        clock.advance(seconds=10)
    assert sent == 30
    rows = sms_rows()
    assert {row.state for row in rows} == {SENT}
    assert [d.key for d in provider.deliveries] == [row.key for row in rows]  # in order
    assert provider.sent_twice() == 0
    assert len(provider.by_key) == 30


def test_a_refused_message_fails_and_a_reminder_too_late_expires(
    clean: str, provider: FakeProvider
) -> None:
    no_quiet_hours()
    issue(licence(D(2027, 3, 1), mobile="1381234567X"))  # the provider refuses it
    issue(licence(D(2027, 2, 3), number="JY-LATE"))
    clock = Clock(china(2027, 1, 30))
    worker.due_pass(clock.now)
    clock.now = china(2027, 2, 4)  # the worker was away until after JY-LATE expired
    worker.send_pass(context(clock), http(provider))
    rows = {row.mobile: row for row in sms_rows()}
    assert rows["1381234567X"].state == FAILED and rows["1381234567X"].error.startswith("refused")
    assert rows["13812345678"].state == FAILED and rows["13812345678"].error == worker.EXPIRED
    assert provider.deliveries == []


def test_delivery_reports_are_polled(clean: str, provider: FakeProvider) -> None:
    no_quiet_hours()
    issue(licence(D(2027, 3, 1)))
    clock = Clock(china(2027, 1, 30))
    worker.due_pass(clock.now)
    worker.send_pass(context(clock), http(provider))
    assert worker.report_pass(context(clock), http(provider)) == 1
    (row,) = sms_rows()
    assert row.state == DELIVERED and row.delivered_at is not None


def test_a_timeout_after_the_provider_accepted_is_sent_once(clean: str) -> None:
    no_quiet_hours()
    issue(licence(D(2027, 3, 1)))
    with serve(FakeProvider(slow_rate=1.0, slow_seconds=1.0)) as fake:
        clock = Clock(china(2027, 1, 30))
        worker.due_pass(clock.now)
        assert worker.send_pass(context(clock), http(fake, timeout=0.3)) == 0  # timed out
        assert len(fake.deliveries) == 1  # but it went out
        fake.slow_rate = 0.0
        clock.advance(minutes=5)
        assert worker.send_pass(context(clock), http(fake)) == 1
        assert len(fake.deliveries) == 1 and fake.accepted_calls == 2
        (row,) = sms_rows()
        assert row.state == SENT and row.gateway_id == fake.deliveries[0].message_id


# -- a worker killed mid-send -------------------------------------------------------------
def _sihao() -> str:
    return str(Path(sys.executable).with_name("sihao"))


def test_a_worker_killed_between_accept_and_mark_sends_once(clean: str, tmp_path: Path) -> None:
    from server.models import utcnow

    no_quiet_hours()
    today = rules.china_today(utcnow())
    issue(licence(today + dt.timedelta(days=30)))
    with serve(FakeProvider()) as fake:
        fake.hold.set()  # the first accepted call waits before answering
        env = {
            **os.environ,
            "SIHAO_SERVER_DATABASE": clean,
            "SIHAO_SMS_GATEWAY": fake.url,
            "SIHAO_SMS_KEY": fake.key,
        }
        proc = subprocess.Popen(
            [_sihao(), "server", "reminders", "run", "--once"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert fake.held.wait(60), proc.stderr.read() if proc.poll() is not None else "no call"
            os.kill(proc.pid, signal.SIGKILL)  # accepted by the provider, not yet marked
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            fake.release.set()
        assert len(fake.deliveries) == 1
        (row,) = sms_rows()
        assert row.state == SENDING  # the mark never happened
        # A worker before the lease is up leaves it alone; after, sends it again with
        # the same key, and the provider answers the same message id.
        clock = Clock(utcnow() + dt.timedelta(minutes=1))
        assert worker.send_pass(context(clock), http(fake)) == 0
        clock.advance(minutes=5)
        assert worker.send_pass(context(clock), http(fake)) == 1
        (row,) = sms_rows()
        assert row.state == SENT and row.gateway_id == fake.deliveries[0].message_id
        assert len(fake.deliveries) == 1 and fake.accepted_calls == 2
        assert fake.sent_twice() == 0


def test_the_jobs_are_registered_for_the_server_worker(clean: str) -> None:
    from server.plugins import load_host

    registry = jobs.load_jobs(load_host())
    names = {job.name for job in registry.all() if job.plugin == "reminders"}
    assert names == {"reminders.due", "reminders.send", "reminders.report"}


def test_two_worker_processes_on_one_database_send_each_reminder_once(clean: str) -> None:
    from server.models import utcnow

    no_quiet_hours()
    today = rules.china_today(utcnow())
    issue(*(licence(today + dt.timedelta(days=30), mobile=f"136{n:08d}") for n in range(80)))
    assert worker.due_pass(utcnow()) == 80
    with serve(FakeProvider()) as fake:
        env = {
            **os.environ,
            "SIHAO_SERVER_DATABASE": clean,
            "SIHAO_SMS_GATEWAY": fake.url,
            "SIHAO_SMS_KEY": fake.key,
        }
        procs = [
            subprocess.Popen(
                [_sihao(), "server", "reminders", "run", "--once"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [proc.communicate(timeout=120) for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0], outputs
        sent = [int(out.split("reminders.send: ")[1].split()[0]) for out, _err in outputs]
        assert sum(sent) == 80, outputs
        assert fake.calls == 80 and len(fake.deliveries) == 80
        assert fake.sent_twice() == 0
    # Written, sent, then reported by the same --once: delivered.
    assert {row.state for row in sms_rows()} == {DELIVERED}


def test_a_mobile_added_later_lets_the_failed_reminder_go_again(clean: str) -> None:
    from plugins.reminders import server as reminders_server

    no_quiet_hours()
    issue(licence(D(2027, 3, 1), mobile="", number="JY-LATER"))
    now = china(2027, 1, 30)
    worker.due_pass(now)
    (failed,) = sms_rows()
    assert failed.error == worker.NO_MOBILE
    view = reminders_server.site_view(failed.site_code, 90, now)
    assert view["messages"][0]["mobile"] == ""
    issue(licence(D(2027, 3, 1), mobile="13912340000", number="JY-LATER"))  # IT re-imports
    view = reminders_server.site_view(failed.site_code, 90, now)
    assert view["messages"][0]["mobile"] == "139****0000"
    assert worker.queue_resend("r-1", failed.id, "补充了手机号", "1001", now)
    assert not worker.queue_resend("r-1", failed.id, "补充了手机号", "1001", now)  # once
    resend = sms_rows()[-1]
    assert (resend.state, resend.mobile, resend.reason) == (QUEUED, "13912340000", "补充了手机号")
