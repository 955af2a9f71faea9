"""IT's staff desk on the central server: list, add, deactivate, reset a PIN, unlock.

The server owns the staff of every site that has one: a change here writes the
staff row and its change row in one transaction (``admin.add_staff`` and
``_save``), so every workstation of the site gets it by its next pull, and an
``AdminLog`` row says who did it. The server's shell (``sihao server staff …``)
acts as ``cli``; a workstation's IT desk acts through ``/v1/admin/…``
(server/admin_api.py) as the IT administrator signed in there, whose PIN the
server checks against its own copy (``check_admin``).

A reset PIN is temporary: ``must_change_pin`` makes the next sign-in ask for a new
one, which the workstation sends to ``/v1/staff/pin`` (``change_own_pin``).
An unlock stamps ``unlocked_at``; a workstation that pulls a newer stamp clears the
lockout it counted itself (lockouts are counted at each workstation, offline).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from core.auth import MalformedHash, PinRuleError, check_new_pin, check_pin, hash_pin
from core.roles import Role
from server import admin, changes, db
from server.admin import AdminError
from server.changes import UPSERT, site_scope
from server.models import AdminLog, Site, Staff, utcnow

log = logging.getLogger(__name__)

CLI = "cli"


class NotAllowed(AdminError):
    """The caller may not do this (wrong PIN, not IT, another site's staff)."""


def record(
    action: str,
    target: str,
    *,
    actor: str = CLI,
    site: str = "",
    workstation: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """One line of the admin log (call inside the change's transaction)."""
    AdminLog.create(
        actor=actor,
        workstation=workstation,
        site=site,
        action=action,
        target=target,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    )


def staff_row(staff: Staff) -> dict[str, Any]:
    """What IT sees of a member of staff (never the PIN hash)."""
    return {
        "staff_no": staff.staff_no,
        "name": staff.name,
        "site": staff.site,
        "window": staff.window,
        "role": staff.role,
        "active": bool(staff.active),
        "must_change_pin": bool(staff.must_change_pin),
        "unlocked_at": staff.unlocked_at.isoformat() if staff.unlocked_at else None,
    }


def list_staff(sites: Iterable[str] | None = None) -> list[dict[str, Any]]:
    query = Staff.select().order_by(Staff.site, Staff.staff_no)
    if sites is not None:
        query = query.where(Staff.site.in_(list(sites)))
    return [staff_row(s) for s in query]


def _get(staff_no: str, site: str | None) -> Staff:
    staff = Staff.get_or_none(Staff.staff_no == staff_no.strip())
    if staff is None or (site is not None and staff.site != site):
        # Another site's staff are not this caller's to see: the same answer.
        raise AdminError(f"no staff number {staff_no}" + (f" at site {site}" if site else ""))
    return staff


def _save(staff: Staff, **values: Any) -> Staff:
    for name, value in values.items():
        setattr(staff, name, value)
    staff.updated_at = utcnow()
    staff.save()
    changes.emit(site_scope(staff.site), "staff", staff.staff_no, UPSERT, admin.staff_data(staff))
    return staff


def temporary_pin() -> str:
    """Six random digits for a reset, told to the person once."""
    return "".join(secrets.choice("0123456789") for _ in range(6))


def add(
    staff_no: str,
    name: str,
    site: str,
    role: str,
    *,
    pin: str,
    window: str | None = None,
    must_change_pin: bool = True,
    actor: str = CLI,
    workstation: str = "",
) -> Staff:
    """A new member of staff (refused if the number is taken: deactivate, do not reuse)."""
    with db.transaction():
        if Staff.get_or_none(Staff.staff_no == staff_no.strip()) is not None:
            raise AdminError(f"staff number {staff_no} is taken")
        staff = admin.add_staff(
            staff_no, name, site, role, pin=pin, window=window, must_change_pin=must_change_pin
        )
        record(
            "staff.add",
            staff.staff_no,
            actor=actor,
            site=site,
            workstation=workstation,
            detail={"role": role},
        )
    return staff


def set_active(
    staff_no: str,
    active: bool,
    *,
    site: str | None = None,
    actor: str = CLI,
    workstation: str = "",
) -> Staff:
    with db.transaction():
        staff = _get(staff_no, site)
        if actor != CLI and staff.staff_no == actor and not active:
            raise AdminError("you cannot deactivate your own account")
        _save(staff, active=active)
        record(
            "staff.activate" if active else "staff.deactivate",
            staff.staff_no,
            actor=actor,
            site=staff.site,
            workstation=workstation,
        )
    return staff


def reset_pin(
    staff_no: str,
    pin: str | None = None,
    *,
    site: str | None = None,
    actor: str = CLI,
    workstation: str = "",
) -> str:
    """Give a temporary PIN (``pin`` or six random digits, returned) and make the
    next sign-in ask for a new one; the lockout ends too."""
    temporary = pin if pin is not None else temporary_pin()
    if not temporary.isdigit() or not 4 <= len(temporary) <= 12:
        raise AdminError("a PIN is 4 to 12 digits")
    with db.transaction():
        staff = _get(staff_no, site)
        _save(
            staff,
            pin_hash=hash_pin(temporary),
            must_change_pin=True,
            unlocked_at=utcnow(),
            failed_attempts=0,
            locked_until=None,
        )
        record(
            "staff.reset_pin", staff.staff_no, actor=actor, site=staff.site, workstation=workstation
        )
    return temporary


def unlock(
    staff_no: str, *, site: str | None = None, actor: str = CLI, workstation: str = ""
) -> Staff:
    with db.transaction():
        staff = _get(staff_no, site)
        _save(staff, unlocked_at=utcnow(), failed_attempts=0, locked_until=None)
        record(
            "staff.unlock", staff.staff_no, actor=actor, site=staff.site, workstation=workstation
        )
    return staff


def _ancestors(site: str) -> list[str]:
    """``site`` and every site above it, nearest first."""
    found: list[str] = []
    code: str | None = site
    while code and code not in found:
        found.append(code)
        row = Site.get_or_none(Site.code == code)
        code = row.parent if row is not None else None
    return found


MAX_ATTEMPTS = 5
LOCK_MINUTES = 15


def _pin_matches(staff_no: str, pin: str) -> Staff | None:
    """The member of staff if ``pin`` is theirs. Wrong PINs are counted here, in their
    own transaction, and lock the calls for a while (a workstation token would
    otherwise let anyone guess an IT administrator's PIN at leisure); an unknown
    number costs the same scrypt as a real one."""
    import datetime as dt

    from core.auth import dummy_hash, verify_pin

    staff = Staff.get_or_none(Staff.staff_no == staff_no.strip())
    if staff is None:
        verify_pin(pin, dummy_hash())
        return None
    now = utcnow()
    if staff.locked_until is not None and staff.locked_until > now:
        verify_pin(pin, dummy_hash())
        log.warning("call refused: staff %s is locked on the server", staff.staff_no)
        return None
    try:
        matched = check_pin(pin, staff.pin_hash)
    except MalformedHash:
        log.error("staff %s has an unreadable PIN hash on the server", staff.staff_no)
        matched = False
    with db.transaction():
        if matched:
            if staff.failed_attempts:
                Staff.update(failed_attempts=0).where(Staff.staff_no == staff.staff_no).execute()
            return staff
        failed = staff.failed_attempts + 1
        locked = failed >= MAX_ATTEMPTS
        Staff.update(
            failed_attempts=0 if locked else failed,
            locked_until=now + dt.timedelta(minutes=LOCK_MINUTES) if locked else None,
        ).where(Staff.staff_no == staff.staff_no).execute()
    if locked:
        log.warning("staff %s locked on the server after %d wrong PINs", staff.staff_no, failed)
    return None


def check_admin(staff_no: str, pin: str, workstation_site: str) -> Staff:
    """The IT administrator making a call from a workstation of ``workstation_site``:
    their PIN checked here, role it_admin, of that site or a site above it."""
    staff = _pin_matches(staff_no, pin)
    if staff is None or not staff.active:
        log.warning("admin call refused: staff %s, wrong PIN or inactive", staff_no)
        raise NotAllowed("staff number or PIN is wrong, or the account is disabled")
    if staff.role != Role.IT_ADMIN.value:
        log.warning("admin call refused: staff %s is %s, not it_admin", staff_no, staff.role)
        raise NotAllowed("only IT administrators may do this")
    if staff.site not in _ancestors(workstation_site):
        log.warning(
            "admin call refused: staff %s of %s at a workstation of %s",
            staff_no,
            staff.site,
            workstation_site,
        )
        raise NotAllowed("this IT administrator does not administer this workstation's site")
    if staff.must_change_pin:
        raise NotAllowed("set your own PIN first (sign in again)")
    return staff


def change_own_pin(staff_no: str, current: str, new: str, confirm: str, site: str) -> Staff:
    """A member of staff of ``site`` sets a new PIN after a reset (or any time)."""
    try:
        check_new_pin(new, confirm, current)
    except PinRuleError as exc:
        raise AdminError(str(exc)) from exc
    checked = _pin_matches(staff_no, current)
    if checked is None or checked.site != site or not checked.active:
        raise NotAllowed("staff number or current PIN is wrong")
    with db.transaction():
        staff = Staff.get_by_id(checked.staff_no)
        if staff.pin_hash != checked.pin_hash:  # changed meanwhile: prove it again
            raise NotAllowed("staff number or current PIN is wrong")
        _save(staff, pin_hash=hash_pin(new), must_change_pin=False)
        record("staff.pin_changed", staff.staff_no, actor=staff.staff_no, site=site)
    return staff
