"""IT's staff desk on the server: the shell commands, the admin calls a workstation
makes (workstation token + the IT administrator's own PIN), and what a workstation
of the site pulls afterwards. SQLite and PostgreSQL (the ``server`` fixture)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from server import admin
from server.models import AdminLog, Staff
from server.testing import LiveServer
from tests.server.conftest import Workstation, enroll, new_site
from workstation.cli import main


def _cli(server: LiveServer, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["server", "--database", server.database_url, *args])
    assert result.exit_code == code, result.output
    return result.output


def _staff_changes(station: Workstation, staff_no: str) -> list[dict[str, object]]:
    feed, _ = station.pull_all()
    return [c["data"] for c in feed if c["kind"] == "staff" and c["id"] == staff_no]


def test_staff_commands_change_what_the_site_pulls(server: LiveServer) -> None:
    site = new_site()
    station = enroll(server, site)
    _cli(server, "staff", "add", "SD1", "孙颖", "--site", site, "--role", "clerk", "--pin", "2468")
    listing = [
        json.loads(line)
        for line in _cli(server, "staff", "list", "--site", site, "--json").splitlines()
    ]
    assert [(r["staff_no"], r["active"]) for r in listing] == [("SD1", True)]
    assert "pin_hash" not in listing[0]

    _cli(server, "staff", "deactivate", "SD1")
    assert _staff_changes(station, "SD1")[-1]["active"] is False
    assert "deactivated" in _cli(server, "staff", "list", "--site", site)
    _cli(server, "staff", "activate", "SD1")

    result = CliRunner().invoke(
        main, ["server", "--database", server.database_url, "staff", "reset-pin", "SD1"]
    )
    assert result.exit_code == 0, result.output
    temporary = result.stdout.strip()
    assert temporary.isdigit() and len(temporary) == 6
    pulled = _staff_changes(station, "SD1")[-1]
    assert pulled["must_change_pin"] is True and pulled["active"] is True
    from core.auth import verify_pin

    assert verify_pin(temporary, str(pulled["pin_hash"]))

    before = Staff.get_by_id("SD1").unlocked_at
    _cli(server, "staff", "unlock", "SD1")
    after = Staff.get_by_id("SD1").unlocked_at
    assert after is not None and (before is None or after > before)
    assert _staff_changes(station, "SD1")[-1]["unlocked_at"] == after.isoformat()

    actions = [
        (row.action, row.actor)
        for row in AdminLog.select().where(AdminLog.target == "SD1").order_by(AdminLog.id)
    ]
    assert actions == [
        ("staff.add", "cli"),
        ("staff.deactivate", "cli"),
        ("staff.activate", "cli"),
        ("staff.reset_pin", "cli"),
        ("staff.unlock", "cli"),
    ]
    # Unknown staff: one sentence, exit code 2.
    assert "no staff number NOPE" in _cli(server, "staff", "unlock", "NOPE", code=2)


def test_a_command_on_a_missing_sqlite_file_refuses_instead_of_creating_it(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nowhere" / "server.db"
    result = CliRunner().invoke(
        main, ["server", "--database", f"sqlite:///{missing}", "plugins", "list"]
    )
    assert result.exit_code == 2
    assert f"no server database at {missing}" in result.output
    assert not missing.exists() and not missing.parent.exists()


def _admin(station: Workstation, path: str, who: str, pin: str, **body: object) -> Any:
    return station.client.post(
        path, json={"admin": {"staff_no": who, "pin": pin}, **body}, headers=station.headers
    )


def test_admin_calls_need_it_admin_of_this_site(server: LiveServer) -> None:
    district = new_site("测试区")
    town = f"{district}-T"
    admin.add_site(town, "测试镇", "town", parent=district)
    other = new_site("别的站点")
    admin.add_staff("IT1", "钱进", district, "it_admin", pin="135790")  # above the town
    admin.add_staff("IT2", "冯可", other, "it_admin", pin="135790")
    admin.add_staff("CL1", "陈晨", town, "clerk", pin="135790")
    admin.add_staff("CL2", "林立", other, "clerk", pin="135790")
    station = enroll(server, town)

    # No token: 401. A clerk, a wrong PIN, another site's IT: 403, nothing changes.
    bare = station.client.post(
        "/v1/admin/staff/CL1/deactivate",
        json={"admin": {"staff_no": "IT1", "pin": "135790"}},
        headers={"X-Sihao-Schema": "1"},
    )
    assert bare.status_code == 401
    for who, pin in (("CL1", "135790"), ("IT1", "000000"), ("IT2", "135790")):
        answer = _admin(station, "/v1/admin/staff/CL1/deactivate", who, pin)
        assert answer.status_code == 403, answer.text
        assert answer.json()["detail"]["code"] == "not_allowed"
    assert Staff.get_by_id("CL1").active

    # The district's IT administrator at the town's workstation may.
    listing = _admin(station, "/v1/admin/staff/list", "IT1", "135790")
    assert [r["staff_no"] for r in listing.json()["staff"]] == ["CL1"]
    assert _admin(station, "/v1/admin/staff/CL1/deactivate", "IT1", "135790").status_code == 200
    assert not Staff.get_by_id("CL1").active
    # Another site's staff are not this workstation's to touch.
    stranger = _admin(station, "/v1/admin/staff/CL2/unlock", "IT1", "135790")
    assert stranger.status_code == 400 and stranger.json()["detail"]["code"] == "not_found"

    added = _admin(
        station, "/v1/admin/staff/add", "IT1", "135790", staff_no="CL3", name="高远", role="clerk"
    )
    assert added.status_code == 200, added.text
    temporary = added.json()["temporary_pin"]
    assert Staff.get_by_id("CL3").site == town and Staff.get_by_id("CL3").must_change_pin
    taken = _admin(
        station, "/v1/admin/staff/add", "IT1", "135790", staff_no="CL3", name="重复", role="clerk"
    )
    assert taken.json()["detail"]["code"] == "taken"

    # The new member sets their own PIN, proving the temporary one.
    weak = station.client.post(
        "/v1/staff/pin",
        json={"staff_no": "CL3", "current": temporary, "new": "123456", "confirm": "123456"},
        headers=station.headers,
    )
    assert weak.status_code == 400
    changed = station.client.post(
        "/v1/staff/pin",
        json={"staff_no": "CL3", "current": temporary, "new": "258147", "confirm": "258147"},
        headers=station.headers,
    )
    assert changed.status_code == 200, changed.text
    assert not Staff.get_by_id("CL3").must_change_pin

    # Plugins for this site through the same call, logged with who asked.
    switched = _admin(station, "/v1/admin/plugins", "IT1", "135790", plugin="about", enabled=True)
    assert switched.status_code == 200 and "about" in switched.json()["enabled_plugins"]
    assert "about" in admin.get_policy(town)["enabled_plugins"]
    assert "about" not in admin.get_policy(district)["enabled_plugins"]
    refused = _admin(station, "/v1/admin/plugins", "CL3", "258147", plugin="about", enabled=False)
    assert refused.status_code == 403
    log = [
        (row.action, row.actor, row.workstation)
        for row in AdminLog.select().where(AdminLog.site == town).order_by(AdminLog.id)
    ]
    assert log == [
        ("staff.deactivate", "IT1", station.workstation_id),
        ("staff.add", "IT1", station.workstation_id),
        ("staff.pin_changed", "CL3", ""),
        ("plugins.enable", "IT1", station.workstation_id),
    ]


def test_wrong_pins_in_admin_calls_lock_them_on_the_server(server: LiveServer) -> None:
    site = new_site()
    admin.add_staff("IT9", "严明", site, "it_admin", pin="135790")
    admin.add_staff("CL9", "温和", site, "clerk", pin="135790")
    station = enroll(server, site)
    for _ in range(5):
        assert _admin(station, "/v1/admin/staff/list", "IT9", "000000").status_code == 403
    # Locked: even the right PIN is refused for now.
    assert _admin(station, "/v1/admin/staff/list", "IT9", "135790").status_code == 403
    assert Staff.get_by_id("IT9").locked_until is not None
    # The server's own shell unlocks it.
    _cli(server, "staff", "unlock", "IT9")
    assert _admin(station, "/v1/admin/staff/list", "IT9", "135790").status_code == 200
