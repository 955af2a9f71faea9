"""The QR rating page on a real central server (loopback): a signed link made at an
enrolled workstation, opened in headless Chromium on a phone-sized window, and
every way a link or a form can be bad."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.cases import CaseRef
from core.runtime import Runtime
from tests.conftest import make_runtime
from tests.pg import require_postgres
from tests.plugins.kiosk.browser import chromium
from tests.sync_support.keyring_memory import memory_keyring

SITE = "370303-ZWFW"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    from server import admin
    from server.testing import live_server, postgres_database

    if request.param == "postgresql":
        require_postgres()
        with postgres_database("sihao_kiosk") as url, live_server(url) as srv:
            admin.seed_demo()
            yield srv
        return
    db = tmp_path_factory.mktemp("server") / "server.db"
    with live_server(f"sqlite:///{db}") as srv:
        admin.seed_demo()
        yield srv


@pytest.fixture
def workstation(server: Any, data_dir: Path) -> Iterator[Runtime]:
    from core.sync.engine import Syncer
    from server import admin

    with memory_keyring():
        rt = make_runtime(data_dir, plugins=["about", "sync", "feedback", "kiosk"])
        rt.apply_policy()
        Syncer(rt).enroll(server.url, admin.issue_enroll_code(SITE), "window 1")
        yield rt
        rt.shutdown()


def a_case(**changes: Any) -> CaseRef:
    values: dict[str, Any] = {
        "case_id": str(uuid.uuid4()),
        "case_no": "370303202612070001",
        "site_code": SITE,
        "item_code": "370303-SCJG-XK-001-01",
        "item_name": "食品经营许可（新设）",
        "window_no": "1",
        "staff_no": "1001",
        "state": "delivered",
    }
    values.update(changes)
    return CaseRef(**values)


def link_for(rt: Runtime, case: CaseRef, **kw: Any) -> str:
    from plugins.kiosk import keys

    if kw:
        url = keys.rating_link(rt, case, **kw)
    else:
        url = next(u for _n, u in rt.host.call("sihao_rating_link", case=case, context=rt) if u)
    assert url is not None
    return url


def shown(browser: Any, element_id: str) -> str:
    """The text of an element of the page once it is there (a submit navigates)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 15).until(
        expected_conditions.presence_of_element_located((By.ID, element_id))
    )
    return str(browser.find_element(By.ID, element_id).text)


def stored(kind: str, case_no: str) -> list[dict[str, Any]]:
    from server.models import Record

    rows = Record.select(Record.payload, Record.workstation).where(Record.kind == kind)
    found = []
    for payload, writer in rows.tuples():
        data = json.loads(payload)
        if kind != "feedback.rating" or data.get("case_no") == case_no:
            found.append({**data, "_writer": writer})
    return found


def test_a_phone_rates_a_case_once(workstation: Runtime, server: Any) -> None:
    case = a_case(case_no="370303202612070101")
    url = link_for(workstation, case)
    assert url.startswith(f"{server.url}/pages/kiosk/rate/")
    from selenium.webdriver.common.by import By

    with chromium() as browser:
        browser.get(url)
        assert "食品经营许可（新设）" in browser.page_source
        assert browser.execute_script("return window.innerWidth") <= 420
        browser.find_element(By.ID, "level-2").click()
        tag = browser.find_element(By.ID, "tag-2-0")
        assert tag.is_displayed()  # the chosen level's tags show
        assert not browser.find_element(By.ID, "tag-5-0").is_displayed()
        tag.click()
        browser.find_element(By.ID, "text").send_keys("等了一个小时")
        browser.find_element(By.ID, "submit").click()
        assert "评价已提交" in shown(browser, "done")
        ratings = stored("feedback.rating", case.case_no)
        assert len(ratings) == 1
        rating = ratings[0]
        assert (rating["channel"], rating["target"], rating["level"]) == ("qr", "case", 2)
        assert json.loads(rating["tags"]) == ["等候时间长"] and rating["text"] == "等了一个小时"
        assert rating["real_name"] is False and rating["_writer"] == f"citizen:{SITE}"
        # The bad review opened its rectification case, routed to the site's workstations.
        opened = [c for c in stored("feedback.case", "") if c["source_id"] == rating["id"]]
        assert len(opened) == 1 and opened[0]["unit_site"] == SITE
        from server.models import Change

        assert (
            Change.select()
            .where((Change.kind == "feedback.case") & (Change.entity_id == opened[0]["id"]))
            .exists()
        )

        # The same link again: refused politely, nothing more stored.
        browser.get(url)
        assert "已评价" in shown(browser, "refused")
        assert len(stored("feedback.rating", case.case_no)) == 1

        # A forged link (another case's claims under this MAC) and an expired one.
        token = url.rsplit("/", 1)[1]
        other = link_for(workstation, a_case(case_no="370303202612070102"))
        forged = f"{server.url}/pages/kiosk/rate/{other.rsplit('/', 1)[1].split('.')[0]}.{token.split('.')[1]}"
        browser.get(forged)
        assert "链接无效" in shown(browser, "refused")
        past = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
        browser.get(link_for(workstation, a_case(case_no="370303202612070103"), now=past))
        assert "过期" in shown(browser, "refused")


def test_bad_forms_get_a_clear_page_never_a_server_error(workstation: Runtime, server: Any) -> None:
    case = a_case(case_no="370303202612070201")
    url = link_for(workstation, case)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with httpx.Client(timeout=10) as client:
        cases = {
            "level=9": "满意程度",
            "": "满意程度",
            "level=5&tag="
            + "%E7%AD%89%E5%80%99%E6%97%B6%E9%97%B4%E9%95%BF": "不符",  # a level-2 tag
            "level=5&tag=%E4%B9%B1%E5%86%99": "不符",  # a tag of no level
            "level=4&text=" + "很" * 501: "最多 500 字",
            "level=4&text=a%00b": "无法识别",
        }
        for body, says in cases.items():
            answer = client.post(url, content=body.encode(), headers=form)
            assert answer.status_code == 422, body
            assert says in answer.text, body
        huge = client.post(url, content=b"level=4&text=" + b"x" * 20_000, headers=form)
        assert huge.status_code in (413, 422) and huge.status_code < 500
        assert stored("feedback.rating", case.case_no) == []
        for bad in ("abc", "a.b", "%00", "x" * 3000, url.rsplit("/", 1)[1] + "x"):
            answer = client.get(f"{server.url}/pages/kiosk/rate/{bad}")
            assert 400 <= answer.status_code < 500, bad
            assert "<html" in answer.text
        # A good submission, then the same link with other content: stored once.
        assert client.post(url, content=b"level=5", headers=form).status_code == 200
        again = client.post(url, content=b"level=1", headers=form)
        assert again.status_code == 409 and "已评价" in again.text
        ratings = stored("feedback.rating", case.case_no)
        assert [r["level"] for r in ratings] == [5]
        assert stored("feedback.case", "") == [] or all(
            c["source_id"] != ratings[0]["id"] for c in stored("feedback.case", "")
        )


def test_the_key_is_kept_and_links_are_signed_offline(workstation: Runtime, server: Any) -> None:
    from plugins.kiosk.models import RatingKey

    link_for(workstation, a_case())
    assert RatingKey.select().count() == 1
    workstation.config.server_url = "http://127.0.0.1:9"  # the server is out of reach
    url = link_for(workstation, a_case())
    assert url.startswith("http://127.0.0.1:9/pages/kiosk/rate/")


def test_a_bad_kiosk_rating_and_its_case_are_accepted_by_the_server(
    workstation: Runtime, server: Any
) -> None:
    """The kiosk's own ratings (nobody signed in) pass the server's checks with the
    case they open; a case without an opener and without such a rating does not."""
    from core import outbox
    from core.db import atomic
    from core.sync.engine import Syncer
    from plugins.feedback import citizen
    from plugins.feedback.models import Case, Rating
    from server.models import Record, Rejection

    checked = citizen.check_kiosk_rating(workstation, 1, ["办理拖延"], "窗口没人")
    assert checked.ok, checked.problems
    citizen.save_kiosk_rating(workstation, checked)
    rating = Rating.get(Rating.channel == "kiosk")
    case = Case.get(Case.source_id == rating.id)
    report = Syncer(workstation).push()
    assert report.rejected == 0, report
    for kind, entity in (("feedback.rating", rating.id), ("feedback.case", case.id)):
        assert Record.select().where((Record.kind == kind) & (Record.entity_id == entity)).exists()
    # A forged case: nobody opened it, and no citizen's rating travels with it.
    forged = {**json.loads(Record.get(Record.entity_id == case.id).payload)}
    forged.update(id=str(uuid.uuid4()), source_id=str(uuid.uuid4()))
    with atomic():
        outbox.enqueue("feedback.case", forged["id"], forged)
    report = Syncer(workstation).push()
    assert report.rejected == 1
    assert Rejection.select().where(Rejection.kind == "feedback.case").exists()


def test_an_enrolled_workstation_fetches_its_key_at_start_up(
    workstation: Runtime, server: Any
) -> None:
    from plugins.kiosk import keys
    from plugins.kiosk.models import RatingKey

    assert RatingKey.select().count() == 0
    thread = keys.prefetch_key(workstation)
    assert thread is not None
    thread.join(timeout=15)
    key = RatingKey.get()
    assert key.site_code == SITE
    assert keys.prefetch_key(workstation) is None  # kept: nothing more to ask


def test_a_link_sent_again_with_a_bad_level_opens_no_case(
    workstation: Runtime, server: Any
) -> None:
    """Past the page's own check (two submissions at once): the second is the same
    rating again, and the case its bad level would open is refused with it."""
    from core.cases import CitizenRating
    from plugins.kiosk import server as kiosk_server

    case = a_case(case_no="370303202612070301")
    host, kinds = server.app.state.host, server.app.state.kinds

    def rating(level: int) -> CitizenRating:
        return CitizenRating(case, "qr", level, (), "", dt.date.today())

    assert kiosk_server.store_rating(host, kinds, rating(5)) == kiosk_server.STORED
    assert kiosk_server.store_rating(host, kinds, rating(1)) == kiosk_server.USED
    ratings = stored("feedback.rating", case.case_no)
    assert [r["level"] for r in ratings] == [5]
    assert all(c["source_id"] != ratings[0]["id"] for c in stored("feedback.case", ""))


def test_the_page_escapes_what_the_link_carries(workstation: Runtime, server: Any) -> None:
    url = link_for(
        workstation, a_case(item_name="<script>alert(1)</script>食品", window_no='"><b>')
    )
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200
    assert "<script>alert" not in answer.text and "&lt;script&gt;" in answer.text
    assert '"><b>' not in answer.text


def test_the_rating_key_is_for_enrolled_workstations_only(server: Any) -> None:
    schema = {"X-Sihao-Schema": "1"}
    answer = httpx.get(f"{server.url}/v1/plugins/kiosk/rating-key", headers=schema, timeout=10)
    assert answer.status_code == 401
    forged = httpx.get(
        f"{server.url}/v1/plugins/kiosk/rating-key",
        headers={**schema, "Authorization": "Bearer not-a-token"},
        timeout=10,
    )
    assert forged.status_code == 401 and "secret" not in forged.text


def test_the_servers_deadlines_follow_its_holiday_table(server: Any) -> None:
    """A bad QR review's callback is due after the next working day in the city's
    table on the server (a Monday made a holiday moves it to Tuesday)."""
    from plugins.feedback import citizen
    from server.models import HolidayYear

    monday = dt.date(2027, 3, 1)
    HolidayYear.delete().where(HolidayYear.year == 2027).execute()
    HolidayYear.create(
        year=2027,
        days=json.dumps([{"date": "2027-03-01", "is_workday": False, "name": "test"}]),
    )
    try:
        calendar = citizen.ServerCalendar()
        assert calendar.add_working_days(monday - dt.timedelta(days=3), 1).due == dt.date(
            2027, 3, 2
        )
    finally:
        HolidayYear.delete().where(HolidayYear.year == 2027).execute()


def test_a_rotated_key_reaches_the_site_and_a_revoked_one_signs_nothing(
    workstation: Runtime, server: Any
) -> None:
    from core.sync.engine import Syncer
    from plugins.kiosk import server as kiosk_server
    from plugins.kiosk.models import RatingKey

    before = link_for(workstation, a_case(case_no="370303202612070401"))
    old_key = RatingKey.get().key_id
    Syncer(workstation).pull()  # whatever the server had for this site already
    new_key = kiosk_server.rotate_key(SITE)
    Syncer(workstation).pull()
    assert RatingKey.select().count() == 0  # dropped: the next link fetches the new key
    after = link_for(workstation, a_case(case_no="370303202612070402"))
    assert RatingKey.get().key_id == new_key.key_id != old_key
    assert httpx.get(before, timeout=10).status_code == 200  # older links stay good
    assert httpx.get(after, timeout=10).status_code == 200
    kiosk_server.rotate_key(SITE, revoke=True)
    refused = httpx.get(before, timeout=10)
    assert refused.status_code == 403 and "链接无效" in refused.text
    assert httpx.get(after, timeout=10).status_code == 403


def test_an_intake_receipt_carries_a_link_the_server_takes(server: Any, tmp_path: Path) -> None:
    """The counter's receipt (intake plugin) asks for the link through the hook; the
    QR code printed on it, read back with zbar, opens this server's page for that
    one case, and the rating given there is stored against it."""
    from core.sync.engine import Syncer
    from plugins.intake import documents
    from server import admin
    from tests.core.documents.pdf import decode_qr
    from tests.plugins.intake.helpers import take

    with memory_keyring():
        rt = make_runtime(
            tmp_path / "counter", plugins=["lookup", "intake", "feedback", "sync", "kiosk"]
        )
        rt.apply_policy()
        Syncer(rt).enroll(server.url, admin.issue_enroll_code(SITE), "window A01")
        rt.startup()
        try:
            case = take(rt, today=dt.date.today())
            receipt = tmp_path / "receipt.pdf"
            receipt.write_bytes(documents.receipt(rt, case))
            [url] = decode_qr(receipt, 1, tmp_path)
        finally:
            rt.shutdown()
    assert url.startswith(f"{server.url}/pages/kiosk/rate/")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = httpx.post(url, content=b"level=4", headers=form, timeout=10)
    assert answer.status_code == 200 and "评价已提交" in answer.text
    [rating] = stored("feedback.rating", case.case_no)
    assert (rating["channel"], rating["level"], rating["window_no"]) == ("qr", 4, "A01")
