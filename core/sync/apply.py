"""What a pulled change does to the local store, kind by kind.

Every change is an ``upsert`` (the whole entity) or a ``delete`` (a tombstone), so
applying one twice is harmless: that is what lets the engine re-pull a page after
a crash without bookkeeping of its own.

- ``catalog.*``: ``core.catalog.store.upsert/delete``;
- ``site``, ``window``, ``staff``: ``core.models`` (a removed member of staff is
  made inactive rather than deleted: records made offline still name them);
- ``holiday.year``: ``core.workdays.import_holiday_table``; the caller invalidates
  the calendar's cache after the transaction;
- ``site.policy``: cached in ``sync_state.policy`` for the engine to apply live;
- any other kind: the ``sihao_apply_change`` hook; a plugin returns True when it
  handled the kind, or raises ``RecordRejected`` for a change that fails its
  checks (a pulled record is hostile until checked): that change is parked with
  the reason, visible, and the rest of the page applies. A change nobody handles is parked (``ParkedChange``, in the
  page's transaction; only the newest per kind and id) and handed to the plugins
  again when the loaded plugins change (``apply_parked``): the plugin is off here
  for now, or the page that switches it on is still being applied.

The caller holds the transaction. Functions here raise on a change they cannot
apply; the engine then re-applies the page change by change (savepoints) so one
bad change never loses the good ones.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from core.models import Site, Staff, Window, utcnow
from core.outbox import RecordRejected
from core.roles import SiteLevel
from core.sync.models import ParkedChange, SyncSeen, SyncState
from core.workdays import HolidayDay, HolidayYear, import_holiday_table

log = logging.getLogger(__name__)

CATALOG_PREFIX = "catalog."
POLICY = "site.policy"
HOLIDAY = "holiday.year"

# Kinds a reset snapshot replaces: whatever of these it did not mention goes.
RESET_KINDS = ("window", "staff", HOLIDAY)


@dataclass
class ApplyOutcome:
    """What one page did, for the engine's report and follow-up work."""

    applied: int = 0
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # kind, id, why
    unhandled: set[str] = field(default_factory=set)
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # kind, id, reason
    policy_changed: bool = False
    holidays_changed: bool = False
    catalog_changed: bool = False


PluginDispatch = Callable[[str, str, str, Any], bool]


def _site(code: str) -> Site:
    """The site row, created as a placeholder if a change names it before its own row."""
    site = Site.get_or_none(Site.code == code)
    if site is None:
        site = Site.create(
            code=code, name=code, level=SiteLevel.TOWN.value, region_code=code.split("-")[0]
        )
    return site


def _apply_site(change_id: str, op: str, data: Any) -> None:
    if op == "delete":
        return  # sites are never removed from a workstation: records name them
    parent = data.get("parent") or None
    if parent and Site.get_or_none(Site.code == parent) is None:
        parent = None
    Site.insert(
        code=data.get("code") or change_id,
        name=data["name"],
        level=data.get("level") or SiteLevel.TOWN.value,
        region_code=data.get("region_code") or "",
        parent=parent,
        address=data.get("address") or "",
        phone=data.get("phone") or "",
        updated_at=utcnow(),
    ).on_conflict(
        conflict_target=[Site.code],
        preserve=[
            Site.name,
            Site.level,
            Site.region_code,
            Site.parent,
            Site.address,
            Site.phone,
            Site.updated_at,
        ],
    ).execute()


def _window_key(change_id: str, data: Any) -> tuple[str, str]:
    if isinstance(data, dict) and data.get("site") and data.get("number") is not None:
        return str(data["site"]), str(data["number"])
    site, _slash, number = change_id.partition("/")
    return site, number


def _departments(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value or "")


def _apply_window(change_id: str, op: str, data: Any) -> None:
    site_code, number = _window_key(change_id, data)
    if op == "delete":
        Window.delete().where((Window.site == site_code) & (Window.number == number)).execute()
        return
    _site(site_code)
    Window.insert(
        site=site_code,
        number=number,
        name=data.get("name") or number,
        departments=_departments(data.get("departments")),
        updated_at=utcnow(),
    ).on_conflict(
        conflict_target=[Window.site, Window.number],
        preserve=[Window.name, Window.departments, Window.updated_at],
    ).execute()


def _apply_staff(change_id: str, op: str, data: Any) -> None:
    if op == "delete":
        Staff.update(active=False, updated_at=utcnow()).where(Staff.staff_no == change_id).execute()
        return
    site_code = str(data["site"])
    _site(site_code)
    window_id = None
    if data.get("window") not in (None, ""):
        window = Window.get_or_none(
            (Window.site == site_code) & (Window.number == str(data["window"]))
        )
        window_id = window.id if window is not None else None
    staff_no = data.get("staff_no") or change_id
    unlocked_at = _timestamp(data.get("unlocked_at"))
    before = Staff.get_or_none(Staff.staff_no == staff_no)
    Staff.insert(
        staff_no=staff_no,
        name=data["name"],
        site=site_code,
        window=window_id,
        role=data["role"],
        pin_hash=data["pin_hash"],
        active=bool(data.get("active", True)),
        must_change_pin=bool(data.get("must_change_pin", False)),
        unlocked_at=unlocked_at,
        updated_at=utcnow(),
    ).on_conflict(
        conflict_target=[Staff.staff_no],
        # failed_attempts, locked_until and on_duty are this workstation's own state.
        preserve=[
            Staff.name,
            Staff.site,
            Staff.window,
            Staff.role,
            Staff.pin_hash,
            Staff.active,
            Staff.must_change_pin,
            Staff.unlocked_at,
            Staff.updated_at,
        ],
    ).execute()
    if (
        before is not None
        and unlocked_at is not None
        and (before.unlocked_at is None or unlocked_at > before.unlocked_at)
    ):
        # IT unlocked the account on the server since this store last heard: the
        # lockout counted here ends now (once: the stamp is kept).
        Staff.update(failed_attempts=0, locked_until=None).where(
            Staff.staff_no == staff_no
        ).execute()


def _timestamp(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    moment = dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _delete_holiday_year(year: int) -> None:
    HolidayDay.delete().where(
        (HolidayDay.day >= dt.date(year, 1, 1)) & (HolidayDay.day <= dt.date(year, 12, 31))
    ).execute()
    HolidayYear.delete().where(HolidayYear.year == year).execute()


def _apply_holidays(change_id: str, op: str, data: Any) -> None:
    year = int(data["year"]) if isinstance(data, dict) and "year" in data else int(change_id)
    if op == "delete":
        _delete_holiday_year(year)
        return
    days = [
        (dt.date.fromisoformat(str(day["date"])), bool(day["is_workday"]), str(day.get("name", "")))
        for day in data.get("days", [])
    ]
    import_holiday_table(year, days, source="server")


def _apply_policy(change_id: str, op: str, data: Any) -> None:
    state = SyncState.get_by_id(1)
    if op == "delete":
        policy = ""
    else:
        plugins = data.get("enabled_plugins", [])
        settings = data.get("plugin_settings", {}) or {}
        if not isinstance(plugins, list) or not isinstance(settings, dict):
            raise ValueError("site.policy: enabled_plugins must be a list, plugin_settings a dict")
        policy = json.dumps(
            {"site": change_id, "enabled_plugins": plugins, "plugin_settings": settings},
            ensure_ascii=False,
            sort_keys=True,
        )
    SyncState.update(policy=policy).where(SyncState.id == state.id).execute()


def _catalog_store() -> Any:
    from core.catalog import store

    return store


def apply_change(
    kind: str, change_id: str, op: str, data: Any, outcome: ApplyOutcome, plugins: PluginDispatch
) -> None:
    """Apply one change; raise if it cannot be applied."""
    if op not in ("upsert", "delete"):
        raise ValueError(f"unknown op {op!r}")
    if op == "upsert" and data is None:
        raise ValueError("an upsert without data")
    if kind.startswith(CATALOG_PREFIX):
        store = _catalog_store()
        if op == "delete":
            store.delete(kind, change_id)
        else:
            store.upsert(kind, data)
        outcome.catalog_changed = True
    elif kind == "site":
        _apply_site(change_id, op, data)
    elif kind == "window":
        _apply_window(change_id, op, data)
    elif kind == "staff":
        _apply_staff(change_id, op, data)
    elif kind == HOLIDAY:
        _apply_holidays(change_id, op, data)
        outcome.holidays_changed = True
    elif kind == POLICY:
        _apply_policy(change_id, op, data)
        outcome.policy_changed = True
    else:
        try:
            handled = plugins(kind, change_id, op, data)
        except RecordRejected as exc:
            reason = str(exc) or "refused by a plugin"
            log.warning("pulled change %s %s refused (parked): %s", kind, change_id, reason)
            park(kind, change_id, op, data, reason)
            outcome.refused.append((kind, change_id, reason))
            return
        if handled:
            # A plugin took a newer change: an older parked one must never come back over it.
            ParkedChange.delete().where(
                (ParkedChange.kind == kind) & (ParkedChange.entity_id == change_id)
            ).execute()
            outcome.applied += 1
            return
        park(kind, change_id, op, data)
        outcome.unhandled.add(kind)
        return
    outcome.applied += 1


# -- parked changes ----------------------------------------------------------------
def park(kind: str, change_id: str, op: str, data: Any, reason: str = "") -> None:
    """Keep a change no loaded plugin handled (or one refused, with ``reason``),
    replacing an older one of the same entity.

    ``INSERT OR REPLACE`` gives the newer change a new ``seq``: the end of the queue,
    where its place in the server's order is."""
    ParkedChange.insert(
        kind=kind,
        entity_id=change_id,
        op=op,
        data=None if data is None else json.dumps(data, ensure_ascii=False),
        parked_at=utcnow(),
        reason=reason,
    ).on_conflict_replace().execute()


@dataclass
class ParkedOutcome:
    applied: int = 0
    waiting: int = 0  # still nobody handles them
    refused: int = 0  # a plugin refused them again (kept, with the reason)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # kind, id, why (kept)


def apply_parked(plugins: PluginDispatch, savepoint: Callable[[], Any]) -> ParkedOutcome:
    """Offer every parked change to the plugins again, oldest first; delete each one a
    plugin handles. The caller holds the transaction; ``savepoint()`` gives a nested
    one, so a change a plugin raises on is logged and kept (for a later reload)
    without losing the others."""
    outcome = ParkedOutcome()
    rows = _tuples(
        ParkedChange.select(
            ParkedChange.seq,
            ParkedChange.kind,
            ParkedChange.entity_id,
            ParkedChange.op,
            ParkedChange.data,
        ).order_by(ParkedChange.seq)
    )
    for seq, kind, change_id, op, raw in rows:
        try:
            with savepoint():
                data = None if raw is None else json.loads(raw)
                handled = plugins(kind, change_id, op, data)
                if handled:
                    ParkedChange.delete().where(ParkedChange.seq == seq).execute()
        except RecordRejected as exc:
            ParkedChange.update(reason=str(exc) or "refused by a plugin").where(
                ParkedChange.seq == seq
            ).execute()
            outcome.refused += 1
            continue
        except Exception as exc:
            log.error(
                "parked change %s %s not applied (kept): %s: %s",
                kind,
                change_id,
                type(exc).__name__,
                exc,
            )
            outcome.failed.append((kind, change_id, f"{type(exc).__name__}: {exc}"))
            continue
        if handled:
            outcome.applied += 1
        else:
            outcome.waiting += 1
    return outcome


def apply_catalog_upserts(kind: str, entities: list[Any], outcome: ApplyOutcome) -> None:
    """Upsert a run of pulled catalog entities of one kind (``store.upsert_many``: one
    ``executemany``; ``store.upsert`` per item cost ≈ 1.5 ms, 30 s for 20,000 items).
    An invalid entity raises and nothing of the run is written; the engine then
    re-applies the page change by change."""
    outcome.applied += _catalog_store().upsert_many(kind, entities)
    outcome.catalog_changed = True


# -- reset snapshots ---------------------------------------------------------------
def remember_seen(changes: Iterable[dict[str, Any]]) -> None:
    rows = [
        {"kind": str(c["kind"]), "entity_id": str(c["id"])}
        for c in changes
        if c.get("op") == "upsert"
    ]
    for start in range(0, len(rows), 400):
        SyncSeen.insert_many(rows[start : start + 400]).on_conflict_ignore().execute()


def _tuples(query: Any) -> list[tuple[Any, ...]]:
    return list(query.tuples())


def _local_ids(kind: str, site_code: str) -> list[str]:
    if kind.startswith(CATALOG_PREFIX):
        model = _catalog_store().MODEL_OF[kind]
        return [str(row[0]) for row in _tuples(model.select(model._meta.primary_key))]
    if kind == "window":
        query = Window.select(Window.site, Window.number)
        return [f"{row[0]}/{row[1]}" for row in _tuples(query)]
    if kind == "staff":
        staff = Staff.select(Staff.staff_no).where(Staff.active & (Staff.site == site_code))
        return [str(row[0]) for row in _tuples(staff)]
    if kind == HOLIDAY:
        return [str(row[0]) for row in _tuples(HolidayYear.select(HolidayYear.year))]
    return []


def sweep_after_reset(outcome: ApplyOutcome, plugins: PluginDispatch, site_code: str) -> int:
    """End of a snapshot: remove what it did not mention, of the kinds it replaces."""
    kinds: list[str] = [*_catalog_kinds(), *RESET_KINDS]
    removed = 0
    for kind in kinds:
        query = SyncSeen.select(SyncSeen.entity_id).where(SyncSeen.kind == kind)
        seen = {str(row[0]) for row in _tuples(query)}
        for entity_id in _local_ids(kind, site_code):
            if entity_id in seen:
                continue
            if kind == "window" and not entity_id.startswith(f"{site_code}/"):
                continue  # only this site's windows come from the server
            apply_change(kind, entity_id, "delete", None, outcome, plugins)
            removed += 1
    SyncSeen.delete().execute()
    return removed


def _catalog_kinds() -> list[str]:
    try:
        return list(_catalog_store().MODEL_OF)
    except ImportError:  # pragma: no cover - the catalog ships with core
        return []
