"""What IT does on the central server: sites, windows, staff, policy, enrollment,
holiday tables, catalog imports. The CLI (server/cli.py) and the tests call these.

Every function that changes something workstations pull writes the change row in
the same transaction (``server.changes.emit``), so a pull never sees a change
without its row nor a row without its change.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee

from core.auth import hash_pin
from core.roles import Role, SiteLevel
from server import changes, db
from server.changes import CITY, DELETE, UPSERT, site_scope
from server.models import (
    CatalogEntity,
    EnrollCode,
    HolidayYear,
    Record,
    Rejection,
    Site,
    SitePolicy,
    Staff,
    Window,
    Workstation,
    utcnow,
)


class AdminError(ValueError):
    """A request IT can fix; ``str()`` says what is wrong and what to do."""


# -- sites, windows, staff --------------------------------------------------------------


def site_data(site: Site) -> dict[str, Any]:
    return {
        "code": site.code,
        "name": site.name,
        "level": site.level,
        "region_code": site.region_code,
        "parent": site.parent,
        "address": site.address,
        "phone": site.phone,
    }


def add_site(
    code: str,
    name: str,
    level: str,
    *,
    region_code: str = "",
    parent: str | None = None,
    address: str = "",
    phone: str = "",
) -> Site:
    """Create or update a site; its row goes to its own scope."""
    code = code.strip()
    if not code or not name.strip():
        raise AdminError("a site needs a code and a name")
    if level not in {lvl.value for lvl in SiteLevel}:
        raise AdminError(
            f"unknown site level {level!r}: use one of {', '.join(lvl.value for lvl in SiteLevel)}"
        )
    with db.transaction():
        if parent and Site.get_or_none(Site.code == parent) is None:
            raise AdminError(f"parent site {parent} does not exist: add it first")
        values = {
            "name": name.strip(),
            "level": level,
            "region_code": region_code,
            "parent": parent or None,
            "address": address,
            "phone": phone,
            "updated_at": utcnow(),
        }
        Site.insert(code=code, **values).on_conflict(
            conflict_target=[Site.code], update=values
        ).execute()
        site = Site.get_by_id(code)
        changes.emit(site_scope(code), "site", code, UPSERT, site_data(site))
        if SitePolicy.get_or_none(SitePolicy.site == code) is None:
            SitePolicy.create(site=code)
            _emit_policy(code)
    return site


def _require_site(code: str) -> Site:
    site = Site.get_or_none(Site.code == code)
    if site is None:
        raise AdminError(f"no site {code}: add it with 'sihao server site add' first")
    return site


def sites_under(code: str) -> list[str]:
    """``code`` and every site below it (a district's towns, their villages…), each
    parent before its children; AdminError if there is no such site."""
    _require_site(code)
    children: dict[str, list[str]] = {}
    rows: Iterable[tuple[str, str | None]] = Site.select(Site.code, Site.parent).tuples()  # type: ignore[assignment]
    for child, parent in rows:
        if parent:
            children.setdefault(str(parent), []).append(str(child))
    found: list[str] = []
    seen: set[str] = set()
    todo = [code]
    while todo:
        site = todo.pop(0)
        if site not in seen:  # a loop in the parents must not hang IT's shell
            seen.add(site)
            found.append(site)
            todo.extend(sorted(children.get(site, [])))
    return found


def window_data(window: Window) -> dict[str, Any]:
    return {
        "site": window.site,
        "number": window.number,
        "name": window.name,
        "departments": window.departments,
    }


def add_window(site: str, number: str, name: str, departments: str = "") -> Window:
    with db.transaction():
        _require_site(site)
        values = {"name": name, "departments": departments, "updated_at": utcnow()}
        Window.insert(site=site, number=number, **values).on_conflict(
            conflict_target=[Window.site, Window.number], update=values
        ).execute()
        window = Window.get((Window.site == site) & (Window.number == number))
        changes.emit(site_scope(site), "window", f"{site}/{number}", UPSERT, window_data(window))
    return window


def staff_data(staff: Staff) -> dict[str, Any]:
    return {
        "staff_no": staff.staff_no,
        "name": staff.name,
        "site": staff.site,
        "window": staff.window,
        "role": staff.role,
        "pin_hash": staff.pin_hash,
        "active": staff.active,
        "must_change_pin": staff.must_change_pin,
        "unlocked_at": staff.unlocked_at.isoformat() if staff.unlocked_at else None,
    }


def add_staff(
    staff_no: str,
    name: str,
    site: str,
    role: str,
    *,
    pin: str | None = None,
    pin_hash: str | None = None,
    window: str | None = None,
    active: bool = True,
    must_change_pin: bool | None = None,
) -> Staff:
    """Create or update a member of staff (PIN hashed with scrypt, never stored plain).

    ``must_change_pin``: the PIN given is temporary and the person sets their own at
    the next sign-in; left out, a new member keeps the PIN given and an existing one
    keeps their flag."""
    staff_no = staff_no.strip()
    if not staff_no or not name.strip():
        raise AdminError("staff need a staff number and a name")
    if role not in {r.value for r in Role}:
        raise AdminError(f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}")
    if pin is not None:
        if not pin.isdigit() or not 4 <= len(pin) <= 12:
            raise AdminError("a PIN is 4 to 12 digits")
        pin_hash = hash_pin(pin)
    with db.transaction():
        _require_site(site)
        existing = Staff.get_or_none(Staff.staff_no == staff_no)
        if pin_hash is None:
            if existing is None:
                raise AdminError("new staff need a PIN (--pin or the prompt)")
            pin_hash = existing.pin_hash
        if window and Window.get_or_none((Window.site == site) & (Window.number == window)) is None:
            raise AdminError(f"site {site} has no window {window}")
        if must_change_pin is None:
            must_change_pin = bool(existing.must_change_pin) if existing is not None else False
        values = {
            "name": name.strip(),
            "site": site,
            "window": window or None,
            "role": role,
            "pin_hash": pin_hash,
            "active": active,
            "must_change_pin": must_change_pin,
            "updated_at": utcnow(),
        }
        Staff.insert(staff_no=staff_no, **values).on_conflict(
            conflict_target=[Staff.staff_no], update=values
        ).execute()
        staff = Staff.get_by_id(staff_no)
        if existing is not None and existing.site != site:
            changes.emit(site_scope(existing.site), "staff", staff_no, DELETE)
        changes.emit(site_scope(site), "staff", staff_no, UPSERT, staff_data(staff))
    return staff


def set_pin(staff_no: str, pin: str) -> None:
    staff = Staff.get_or_none(Staff.staff_no == staff_no)
    if staff is None:
        raise AdminError(f"no staff number {staff_no}")
    add_staff(
        staff_no, staff.name, staff.site, staff.role, pin=pin, window=staff.window, active=True
    )


# -- site policy --------------------------------------------------------------------------


def policy_data(policy: SitePolicy) -> dict[str, Any]:
    return {
        "enabled_plugins": json.loads(policy.enabled_plugins),
        "plugin_settings": json.loads(policy.plugin_settings),
    }


def _emit_policy(site: str) -> None:
    policy = SitePolicy.get_by_id(site)
    changes.emit(site_scope(site), "site.policy", site, UPSERT, policy_data(policy))


def get_policy(site: str) -> dict[str, Any]:
    policy = SitePolicy.get_or_none(SitePolicy.site == site)
    return (
        policy_data(policy)
        if policy is not None
        else {"enabled_plugins": [], "plugin_settings": {}}
    )


def set_policy(
    site: str,
    *,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    settings: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Enable/disable plugins and merge plugin settings for a site."""
    with db.transaction():
        _require_site(site)
        policy, _created = SitePolicy.get_or_create(site=site)
        enabled = set(json.loads(policy.enabled_plugins))
        enabled |= set(enable)
        enabled -= set(disable)
        merged: dict[str, Any] = json.loads(policy.plugin_settings)
        for plugin, values in (settings or {}).items():
            merged.setdefault(plugin, {}).update(values)
        policy.enabled_plugins = json.dumps(sorted(enabled), ensure_ascii=False)
        policy.plugin_settings = json.dumps(merged, ensure_ascii=False, sort_keys=True)
        policy.updated_at = utcnow()
        policy.save()
        _emit_policy(site)
    return policy_data(policy)


def set_policies(
    sites: Iterable[str], *, enable: Iterable[str] = (), disable: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """``set_policy`` for many sites in one transaction: all of them, or none if one
    fails (an unknown site, say). Returns each site's policy after the change."""
    enable, disable = list(enable), list(disable)
    done: dict[str, dict[str, Any]] = {}
    with db.transaction():
        for site in sites:
            if site not in done:
                done[site] = set_policy(site, enable=enable, disable=disable)
    return done


def list_policies(sites: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Each site (all, or those named) with its level, parent and enabled plugins."""
    query = Site.select().order_by(Site.code)
    if sites is not None:
        query = query.where(Site.code.in_(list(sites)))
    policies = {p.site: p for p in SitePolicy.select()}
    rows = []
    for site in query:
        policy = policies.get(site.code)
        rows.append(
            {
                **site_data(site),
                "enabled_plugins": json.loads(policy.enabled_plugins) if policy else [],
            }
        )
    return rows


# -- enrollment and workstations ----------------------------------------------------------

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def issue_enroll_code(site: str, *, ttl_minutes: int = 60) -> str:
    """A one-time code for one workstation of ``site``; only its hash is stored."""
    if ttl_minutes <= 0:
        raise AdminError("the code must live at least one minute")
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    with db.transaction():
        _require_site(site)
        now = utcnow()
        EnrollCode.create(
            code_hash=hash_secret(normalise_code(code)),
            site=site,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=ttl_minutes),
        )
    return code


def revoke_workstation(workstation_id: str) -> None:
    with db.transaction():
        updated = (
            Workstation.update(revoked=True, revoked_at=utcnow())
            .where(Workstation.id == workstation_id)
            .execute()
        )
    if not updated:
        raise AdminError(f"no workstation {workstation_id}: see 'sihao server workstations'")


@dataclass(frozen=True)
class WorkstationRow:
    id: str
    name: str
    site: str
    enrolled_at: dt.datetime
    last_seen: dt.datetime | None
    last_client_seq: int
    revoked: bool
    pending_rejections: int
    suspect: str = ""  # why IT should look at it (server.integrity), or ""
    suspect_at: dt.datetime | None = None
    counter_tag: str = ""  # the tag its case numbers carry (server.counter_tags)


def list_workstations() -> list[WorkstationRow]:
    applied = Record.select(Record.server_seq).where(
        (Record.workstation == Rejection.workstation)
        & (Record.client_seq == Rejection.client_seq)
        & (Record.mutation_id == Rejection.mutation_id)
    )
    pending: dict[str, int] = dict(
        Rejection.select(Rejection.workstation, peewee.fn.COUNT(Rejection.id))
        .where(~peewee.fn.EXISTS(applied))
        .group_by(Rejection.workstation)
        .tuples()  # type: ignore[arg-type]
    )
    return [
        WorkstationRow(
            ws.id,
            ws.name,
            ws.site,
            ws.enrolled_at,
            ws.last_seen,
            ws.last_client_seq,
            ws.revoked,
            int(pending.get(ws.id, 0)),
            ws.suspect,
            ws.suspect_at,
            ws.counter_tag or "",
        )
        for ws in Workstation.select().order_by(Workstation.site, Workstation.enrolled_at)
    ]


# -- holiday tables -------------------------------------------------------------------------


def parse_holidays(path: Path) -> tuple[int, list[dict[str, Any]]]:
    """Read one year's table: JSON (``{year, days: [...]}`` or a list) or CSV date,is_workday,name."""
    text = Path(path).read_text(encoding="utf-8-sig")
    rows: list[dict[str, Any]]
    year: int | None = None
    if path.suffix.lower() == ".json":
        from core.safefiles import FileRefused, load_json

        try:  # nesting and syntax checked (a RecursionError or a traceback otherwise)
            data = load_json(text, name=path.name)
        except FileRefused as exc:
            raise AdminError(str(exc)) from exc
        if isinstance(data, dict):
            year = data.get("year")
            rows = list(data.get("days", []))
        else:
            rows = list(data)
    else:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "date" not in reader.fieldnames:
            reader = csv.DictReader(io.StringIO(text), fieldnames=["date", "is_workday", "name"])
        rows = [row for row in reader if row.get("date") and row["date"].strip() != "date"]
    days: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        try:
            day = dt.date.fromisoformat(str(row["date"]).strip())
        except (KeyError, ValueError) as exc:
            raise AdminError(f"row {number}: the date must be YYYY-MM-DD") from exc
        flag = row.get("is_workday", False)
        if isinstance(flag, str):
            flag = flag.strip().lower() in ("1", "true", "yes", "y", "workday", "班")
        days.append(
            {
                "date": day.isoformat(),
                "is_workday": bool(flag),
                "name": str(row.get("name") or "").strip(),
            }
        )
    years = {d["date"][:4] for d in days}
    if year is None:
        if len(years) != 1:
            raise AdminError("a holiday file holds exactly one year")
        year = int(years.pop())
    elif years - {str(year)}:
        raise AdminError(f"every date must fall in {year}")
    days.sort(key=lambda d: d["date"])
    return int(year), days


def import_holidays(path: Path) -> tuple[int, int]:
    year, days = parse_holidays(path)
    with db.transaction():
        values = {"days": json.dumps(days, ensure_ascii=False), "updated_at": utcnow()}
        HolidayYear.insert(year=year, **values).on_conflict(
            conflict_target=[HolidayYear.year], update=values
        ).execute()
        changes.emit(CITY, "holiday.year", str(year), UPSERT, {"year": year, "days": days})
    return year, len(days)


# -- the catalog ----------------------------------------------------------------------------


def import_catalog(path: Path, *, replace: bool = False) -> dict[str, dict[str, int]]:
    """Import a catalog file (JSON or Excel, checked whole by ``core.catalog.formats``).

    Entities whose JSON changed are written with a ``city`` change row (an item's
    with its ``pinyin`` and ``initials``, docs/sync-protocol.md); unchanged ones
    cost nothing. With ``replace``, entities of a kind missing from the file are
    deleted (tombstones). Raises ``CatalogImportError`` listing every problem.
    """
    from core.catalog.formats import SECTIONS, load_catalog
    from core.catalog.pinyin import with_pinyin
    from core.catalog.schema import ITEM

    document = load_catalog(path)
    summary: dict[str, dict[str, int]] = {}
    now = utcnow()
    with db.transaction():
        for kind in SECTIONS:
            entities = document.entities(kind)
            existing: dict[str, str] = dict(
                CatalogEntity.select(CatalogEntity.code, CatalogEntity.data)
                .where(CatalogEntity.kind == kind)
                .tuples()  # type: ignore[arg-type]
            )
            upserts: list[dict[str, Any]] = []
            feed: list[tuple[str, str, str, str, Any]] = []
            seen: set[str] = set()
            for entity in entities:
                code = str(entity["code"])
                seen.add(code)
                text = json.dumps(entity, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                if existing.get(code) == text:
                    continue
                upserts.append({"kind": kind, "code": code, "data": text, "updated_at": now})
                # Items travel with their pinyin, computed here once for every workstation.
                feed.append(
                    (CITY, kind, code, UPSERT, with_pinyin(entity) if kind == ITEM else entity)
                )
            gone = sorted(set(existing) - seen) if replace else []
            for start in range(0, len(upserts), 500):
                CatalogEntity.insert_many(upserts[start : start + 500]).on_conflict(
                    conflict_target=[CatalogEntity.kind, CatalogEntity.code],
                    update={
                        CatalogEntity.data: peewee.EXCLUDED.data,
                        CatalogEntity.updated_at: peewee.EXCLUDED.updated_at,
                    },
                ).execute()
            for start in range(0, len(gone), 500):
                CatalogEntity.delete().where(
                    (CatalogEntity.kind == kind) & CatalogEntity.code.in_(gone[start : start + 500])
                ).execute()
            feed.extend((CITY, kind, code, DELETE, None) for code in gone)
            if feed:
                changes.emit_many(feed)
            summary[kind] = {
                "in_file": len(entities),
                "written": len(upserts),
                "unchanged": len(entities) - len(upserts),
                "deleted": len(gone),
            }
    return summary


# -- the demo --------------------------------------------------------------------------------


def seed_demo() -> str:
    """The demo sites, windows and staff (data/demo/site.json), the demo catalog when it
    exists, and every built-in plugin enabled for the demo site. Safe to run again."""
    from importlib import resources

    from core.demo import demo_data
    from core.plugins import BUILTIN_PLUGINS

    data = demo_data()
    site_code: str = data["site"]
    for site in data["sites"]:
        add_site(
            site["code"],
            site["name"],
            site["level"],
            region_code=site.get("region_code", ""),
            parent=site.get("parent"),
            address=site.get("address", ""),
            phone=site.get("phone", ""),
        )
    for window in data["windows"]:
        add_window(site_code, window["number"], window["name"], window.get("departments", ""))
    for person in data["staff"]:
        existing = Staff.get_or_none(Staff.staff_no == person["staff_no"])
        add_staff(
            person["staff_no"],
            person["name"],
            site_code,
            person["role"],
            pin=None if existing is not None else person["pin"],
            window=person.get("window"),
        )
    catalog = resources.files("data.demo").joinpath("catalog.json")
    if catalog.is_file():
        with resources.as_file(catalog) as path:
            import_catalog(Path(path))
    set_policy(site_code, enable=sorted(BUILTIN_PLUGINS))
    return site_code
