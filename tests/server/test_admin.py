"""Every admin change writes its change row in the same transaction; the CLI drives it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from server import admin
from server.models import Change, Site, Staff
from server.testing import LiveServer
from tests.server.conftest import Workstation, enroll, new_site, write
from workstation.cli import main


def _feed(site: str) -> list[tuple[str, str, str]]:
    rows = Change.select().where(Change.scope.in_(["city", f"site:{site}"])).order_by(Change.seq)
    return [(c.kind, c.entity_id, c.op) for c in rows]


def _cli(server: LiveServer, *args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(
        main, ["server", "--database", server.database_url, *args], input=input
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_each_admin_change_writes_a_change_row(server: LiveServer, tmp_path: Path) -> None:
    site = new_site()
    assert _feed(site)[-2:] == [("site", site, "upsert"), ("site.policy", site, "upsert")]
    before = Change.select().count()
    admin.add_window(site, "A01", "综合窗口")
    admin.add_staff("AD1", "王丽", site, "clerk", pin="123456")
    admin.set_pin("AD1", "246810")
    admin.set_policy(site, enable=["about"], settings={"about": {"show_off_duty_staff": True}})
    admin.add_site(site, "改名后的站点", "town")
    year = write(
        tmp_path / "2027.csv",
        "date,is_workday,name\n2027-01-01,0,元旦\n2027-02-07,1,春节调休\n",
    )
    assert admin.import_holidays(year) == (2027, 2)
    tail = _feed(site)[-6:]
    assert tail == [
        ("window", f"{site}/A01", "upsert"),
        ("staff", "AD1", "upsert"),
        ("staff", "AD1", "upsert"),
        ("site.policy", site, "upsert"),
        ("site", site, "upsert"),
        ("holiday.year", "2027", "upsert"),
    ]
    assert Change.select().count() == before + 6
    holiday = Change.select().order_by(Change.seq.desc()).first()
    assert json.loads(holiday.data) == {
        "year": 2027,
        "days": [
            {"date": "2027-01-01", "is_workday": False, "name": "元旦"},
            {"date": "2027-02-07", "is_workday": True, "name": "春节调休"},
        ],
    }


def test_a_hostile_holiday_file_is_refused_in_a_sentence(tmp_path: Path) -> None:
    """IT's holiday file is checked like any imported file (core.safefiles)."""
    deep = tmp_path / "2027.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(admin.AdminError, match="200"):
        admin.parse_holidays(deep)
    broken = tmp_path / "2028.json"
    broken.write_text('{"year": 2028, "days": [', encoding="utf-8")
    with pytest.raises(admin.AdminError, match="JSON"):
        admin.parse_holidays(broken)


def test_a_failed_admin_change_writes_nothing(server: LiveServer) -> None:
    before = Change.select().count()
    with pytest.raises(admin.AdminError):
        admin.add_staff("NOPE", "无站点", "NO-SUCH-SITE", "clerk", pin="123456")
    with pytest.raises(admin.AdminError):
        admin.add_site("X-1", "某站", "galaxy")
    assert Change.select().count() == before
    assert Staff.get_or_none(Staff.staff_no == "NOPE") is None


def test_catalog_import_writes_changed_entities_only(server: LiveServer, tmp_path: Path) -> None:
    from core.catalog.formats import CatalogImportError

    demo = Path(__file__).parents[2] / "data" / "demo" / "catalog.json"
    data = json.loads(demo.read_text(encoding="utf-8"))
    first = admin.import_catalog(demo)
    items = first["catalog.item"]["in_file"]
    assert items == len(data["items"]) > 0
    again = admin.import_catalog(demo)
    assert again["catalog.item"]["written"] == 0
    data["items"][0]["name"] = data["items"][0]["name"] + "（新）"
    dropped = data["items"].pop()
    changed = write(tmp_path / "catalog.json", json.dumps(data, ensure_ascii=False))
    before = Change.select().count()
    summary = admin.import_catalog(changed, replace=True)
    assert summary["catalog.item"]["written"] == 1
    assert summary["catalog.item"]["deleted"] == 1
    rows = list(Change.select().where(Change.seq > 0).order_by(Change.seq.desc()).limit(2))
    assert {(r.kind, r.entity_id, r.op) for r in rows} == {
        ("catalog.item", data["items"][0]["code"], "upsert"),
        ("catalog.item", dropped["code"], "delete"),
    }
    assert Change.select().count() == before + 2
    broken = write(tmp_path / "bad.json", json.dumps({"version": 1, "items": [{"name": ""}]}))
    with pytest.raises(CatalogImportError):
        admin.import_catalog(broken)
    assert Change.select().count() == before + 2


def test_cli_site_staff_code_plugins_workstations(server: LiveServer, tmp_path: Path) -> None:
    _cli(server, "site", "add", "CLI-SITE", "命令行测试站", "--level", "town")
    assert Site.get_by_id("CLI-SITE").name == "命令行测试站"
    _cli(server, "window", "add", "CLI-SITE", "A01", "综合窗口")
    _cli(
        server,
        "staff",
        "add",
        "CLI1",
        "周洁",
        "--site",
        "CLI-SITE",
        "--role",
        "officer",
        input="13579\n13579\n",
    )
    assert Staff.get_by_id("CLI1").pin_hash.startswith("scrypt$")
    code = _cli(server, "enroll-code", "--site", "CLI-SITE", "--ttl-minutes", "5").strip()
    assert len(code) == 19
    # A hall with several counters: one code each, all different, each good once.
    hall = _cli(server, "enroll-code", "--site", "CLI-SITE", "--count", "3").split()
    assert len(hall) == 3 == len(set(hall)) and code not in hall
    _cli(server, "plugins", "enable", "about", "--site", "CLI-SITE")
    assert admin.get_policy("CLI-SITE")["enabled_plugins"] == ["about"]
    _cli(server, "plugins", "disable", "about", "--site", "CLI-SITE")
    assert admin.get_policy("CLI-SITE")["enabled_plugins"] == []
    holidays = write(
        tmp_path / "2028.json",
        json.dumps({"year": 2028, "days": [{"date": "2028-01-01", "is_workday": False}]}),
    )
    assert "2028: 1 days" in _cli(server, "holidays", "import", str(holidays))

    import httpx

    answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "name": "窗口电脑"})
    station_id = answer.json()["workstation_id"]
    for counter, extra in enumerate(hall, start=2):
        enrolled = httpx.post(
            f"{server.url}/v1/enroll", json={"code": extra, "name": f"{counter}号窗口"}
        )
        assert enrolled.status_code == 200, enrolled.text
        again = httpx.post(f"{server.url}/v1/enroll", json={"code": extra, "name": "再来一次"})
        assert again.status_code == 400
    listing = json.loads(_cli(server, "workstations", "--json"))
    mine = next(row for row in listing if row["id"] == station_id)
    assert mine["site"] == "CLI-SITE" and mine["name"] == "窗口电脑" and not mine["revoked"]
    assert mine["counter_tag"] == answer.json()["counter_tag"]
    site_tags = [row["counter_tag"] for row in listing if row["site"] == "CLI-SITE"]
    assert len(site_tags) == len(set(site_tags)) == 1 + len(hall)
    _cli(server, "workstation", "revoke", station_id)
    text = _cli(server, "workstations")
    assert "(revoked)" in text and answer.json()["counter_tag"] in text


def test_cli_errors_are_one_sentence(server: LiveServer) -> None:
    result = CliRunner().invoke(
        main,
        ["server", "--database", server.database_url, "enroll-code", "--site", "NO-SUCH"],
    )
    assert result.exit_code == 2
    assert "add it with 'sihao server site add'" in result.output
    assert "Traceback" not in result.output


def test_policy_pulled_by_the_site(server: LiveServer) -> None:
    site = new_site()
    station: Workstation = enroll(server, site)
    admin.set_policy(site, enable=["about"])
    admin.set_policy(site, disable=["about"])
    feed, _ = station.pull_all()
    policies = [c["data"] for c in feed if c["kind"] == "site.policy"]
    assert policies[-1] == {"enabled_plugins": [], "plugin_settings": {}}
    assert {"enabled_plugins": ["about"], "plugin_settings": {}} in policies
