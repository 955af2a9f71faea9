"""IT sets plugins for many sites at once: a district and every site below it, or all
of them; all sites change in one transaction, or none does."""

from __future__ import annotations

import json
import uuid

from click.testing import CliRunner, Result

from server import admin
from server.models import Change
from server.testing import LiveServer
from workstation.cli import main


def _sihao(server: LiveServer, *args: str) -> Result:
    result = CliRunner().invoke(main, ["server", "--database", server.database_url, *args])
    assert "Traceback" not in result.output, result.output
    return result


def _district() -> dict[str, str]:
    """A district with two towns, a village under the first, and a site elsewhere."""
    tag = uuid.uuid4().hex[:4].upper()
    codes = {k: f"{k}-{tag}" for k in ("district", "town1", "town2", "village", "other")}
    admin.add_site(codes["district"], "张店区政务服务中心", "district")
    admin.add_site(codes["town1"], "车站街道便民服务中心", "town", parent=codes["district"])
    admin.add_site(codes["town2"], "马尚街道便民服务中心", "town", parent=codes["district"])
    admin.add_site(codes["village"], "某社区党群服务中心", "village", parent=codes["town1"])
    admin.add_site(codes["other"], "淄川区政务服务中心", "district")
    return codes


def _on(site: str) -> list[str]:
    return list(admin.get_policy(site)["enabled_plugins"])


def _policy_changes(site: str) -> int:
    return (
        Change.select()
        .where((Change.scope == f"site:{site}") & (Change.kind == "site.policy"))
        .count()
    )


def test_a_district_and_every_site_below_it(server: LiveServer) -> None:
    s = _district()
    below = [s["district"], s["town1"], s["town2"], s["village"]]
    before = {code: _policy_changes(code) for code in below}
    result = _sihao(server, "plugins", "enable", "about", "feedback", "--under", s["district"])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        s["district"], s["town1"], s["town2"], s["village"]  # parents first
    ]  # fmt: skip
    assert all(_on(code) == ["about", "feedback"] for code in below)
    assert _on(s["other"]) == []
    # Every workstation of every one of them pulls its new policy.
    assert all(_policy_changes(code) == before[code] + 1 for code in below)

    result = _sihao(
        server, "plugins", "disable", "feedback", "--site", s["town2"], "--site", s["village"]
    )
    assert result.exit_code == 0, result.output
    assert [_on(code) for code in below] == [
        ["about", "feedback"], ["about", "feedback"], ["about"], ["about"]
    ]  # fmt: skip

    listed = _sihao(server, "plugins", "list", "--under", s["town1"], "--json")
    assert [json.loads(line) for line in listed.stdout.splitlines()] == [
        {"code": s["town1"], "name": "车站街道便民服务中心", "level": "town",
         "parent": s["district"], "enabled_plugins": ["about", "feedback"]},
        {"code": s["village"], "name": "某社区党群服务中心", "level": "village",
         "parent": s["town1"], "enabled_plugins": ["about"]},
    ]  # fmt: skip


def test_all_or_none(server: LiveServer) -> None:
    s = _district()
    failed = _sihao(server, "plugins", "enable", "about", "--site", s["town1"], "--site", "NO-SUCH")
    assert failed.exit_code == 2 and "no site NO-SUCH" in failed.output
    assert _on(s["town1"]) == []  # the good site was not changed either

    for args, said in [
        (("enable", "about"), "name the sites"),
        (("enable", "nosuch", "--site", s["town1"]), "unknown plugin nosuch"),
        (("enable", "about", "--under", "NO-SUCH"), "no site NO-SUCH"),
        (("list", "--site", "NO-SUCH"), "no site NO-SUCH"),
    ]:
        result = _sihao(server, "plugins", *args)
        assert result.exit_code == 2 and said in result.output, (args, result.output)

    every = _sihao(server, "plugins", "enable", "lookup", "--all-sites")
    assert every.exit_code == 0, every.output
    assert {row["code"] for row in admin.list_policies()} == {
        line.split(":")[0] for line in every.stdout.splitlines()
    }
    assert all("lookup" in row["enabled_plugins"] for row in admin.list_policies())


def test_which_workstations_of_a_district_have_gone_quiet(server: LiveServer) -> None:
    import datetime as dt

    import httpx

    from server.models import Workstation, utcnow

    s = _district()

    def enroll(site: str, name: str) -> str:
        code = admin.issue_enroll_code(site)
        answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "name": name})
        return str(answer.json()["workstation_id"])

    busy = enroll(s["town1"], "车站街道1号窗口")
    quiet = enroll(s["village"], "社区代办点")
    gone = enroll(s["town2"], "已撤销的电脑")
    elsewhere = enroll(s["other"], "淄川1号窗口")
    now = utcnow()
    for station, hours in [(busy, 0.1), (quiet, 30), (gone, 30), (elsewhere, 30)]:
        Workstation.update(last_seen=now - dt.timedelta(hours=hours)).where(
            Workstation.id == station
        ).execute()
    admin.revoke_workstation(gone)

    def listed(*args: str) -> list[str]:
        result = _sihao(server, "workstations", *args, "--json")
        assert result.exit_code == 0, result.output
        return sorted(row["id"] for row in json.loads(result.stdout))

    assert listed("--under", s["district"]) == sorted([busy, quiet, gone])
    assert listed("--under", s["district"], "--not-seen-for", "24") == [quiet]
    assert listed("--site", s["other"], "--not-seen-for", "24") == [elsewhere]
    assert listed("--site", s["town1"], "--not-seen-for", "1") == []
    text = _sihao(server, "workstations", "--site", s["town1"], "--not-seen-for", "1")
    assert text.exit_code == 0 and "no workstations match" in text.output
