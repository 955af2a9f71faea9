"""IT's staff desk at a workstation, without Textual: the screen and ``sihao staff``.

Who owns the staff decides where a change is made:

- A standalone site (no central server) keeps its staff in this store: a change is
  made here, in one transaction with its audit entry (``LocalDesk``).
- A site with a server: the server owns staff, and workstations pull them. A change
  is an admin call to the server (``ServerDesk``) carrying the workstation's token
  and the signed-in IT administrator's own staff number and PIN, which the server
  checks; the change then reaches every workstation of the site by pull (this one
  is asked to sync at once). Offline, nothing is pretended: ``StaffDeskError`` says
  the server was not reached. The one exception is an unlock: a lockout is counted
  at each workstation, so this workstation's own is cleared even offline, and the
  sentence says that the others follow only once the server has it.

Temporary PINs (a new member, a reset) are six random digits, shown once; the
person sets their own at the next sign-in (``must_change_pin``).
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from core import audit
from core.db import atomic
from core.i18n import _
from core.models import Staff, Window, utcnow
from core.roles import Role

log = logging.getLogger(__name__)


class StaffDeskError(Exception):
    """A change that was not made; ``str()`` is the sentence for IT.
    ``bad_credentials``: the server refused the IT administrator's PIN or role."""

    def __init__(self, message: str, *, bad_credentials: bool = False) -> None:
        super().__init__(message)
        self.bad_credentials = bad_credentials


@dataclass(frozen=True)
class StaffRow:
    staff_no: str
    name: str
    role: str
    window: str  # the window number, or ""
    active: bool
    must_change_pin: bool
    locked_here: bool  # locked out at this workstation after wrong PINs


def _locked_here(staff_no: str) -> bool:
    staff = Staff.get_or_none(Staff.staff_no == staff_no)
    return bool(staff and staff.locked_until and staff.locked_until > utcnow())


def temporary_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(6))


def _check_new_member(staff_no: str, name: str, role: str) -> None:
    if not staff_no.strip() or not name.strip():
        raise StaffDeskError(_("Enter the staff number and the name."))
    if not staff_no.strip().isalnum() or len(staff_no.strip()) > 20:
        raise StaffDeskError(_("A staff number is letters and digits, at most 20."))
    if role not in {r.value for r in Role}:
        raise StaffDeskError(_("Choose a role."))


def clear_lockout_here(staff_no: str, actor: str) -> bool:
    """End this workstation's own lockout of ``staff_no``; False if none."""
    with atomic():
        staff = Staff.get_or_none(Staff.staff_no == staff_no)
        if staff is None:
            return False
        staff.failed_attempts = 0
        staff.locked_until = None
        staff.unlocked_at = utcnow()
        staff.save()
        audit.record("staff.unlocked", actor=actor, row=staff)
    return True


class LocalDesk:
    """A standalone site: staff live in this store."""

    remote = False

    def __init__(self, site_code: str, actor: str) -> None:
        self.site_code = site_code
        self.actor = actor

    def members(self) -> list[StaffRow]:
        rows = []
        query = Staff.select().where(Staff.site == self.site_code).order_by(Staff.staff_no)
        for staff in query:
            window = Window.get_or_none(Window.id == staff.window_id) if staff.window_id else None
            rows.append(
                StaffRow(
                    staff.staff_no,
                    staff.name,
                    staff.role,
                    window.number if window else "",
                    bool(staff.active),
                    bool(staff.must_change_pin),
                    _locked_here(staff.staff_no),
                )
            )
        return rows

    def _get(self, staff_no: str) -> Staff:
        staff = Staff.get_or_none(
            (Staff.staff_no == staff_no.strip()) & (Staff.site == self.site_code)
        )
        if staff is None:
            raise StaffDeskError(
                _("No staff number {staff_no} at this site.").format(staff_no=staff_no)
            )
        return staff

    def add(self, staff_no: str, name: str, role: str, window: str = "") -> str:
        """A new member with a temporary PIN (returned, shown once)."""
        from core.auth import hash_pin

        _check_new_member(staff_no, name, role)
        pin = temporary_pin()
        with atomic():
            if Staff.get_or_none(Staff.staff_no == staff_no.strip()) is not None:
                raise StaffDeskError(
                    _("Staff number {staff_no} is taken.").format(staff_no=staff_no)
                )
            window_row = None
            if window:
                window_row = Window.get_or_none(
                    (Window.site == self.site_code) & (Window.number == window)
                )
                if window_row is None:
                    raise StaffDeskError(
                        _("This site has no window {window}.").format(window=window)
                    )
            staff = Staff.create(
                staff_no=staff_no.strip(),
                name=name.strip(),
                site=self.site_code,
                window=window_row.id if window_row else None,
                role=role,
                pin_hash=hash_pin(pin),
                must_change_pin=True,
            )
            audit.record("staff.added", actor=self.actor, row=staff, detail={"role": role})
        log.info("IT %s added staff %s (%s)", self.actor, staff_no, role)
        return pin

    def set_active(self, staff_no: str, active: bool) -> str:
        if not active and staff_no.strip() == self.actor:
            raise StaffDeskError(_("You cannot deactivate your own account."))
        with atomic():
            staff = self._get(staff_no)
            staff.active = active
            staff.updated_at = utcnow()
            staff.save()
            audit.record(
                "staff.activated" if active else "staff.deactivated", actor=self.actor, row=staff
            )
        return (
            _("{name} can sign in again.") if active else _("{name} can no longer sign in.")
        ).format(name=staff.name)

    def reset_pin(self, staff_no: str) -> str:
        from core.auth import hash_pin

        pin = temporary_pin()
        with atomic():
            staff = self._get(staff_no)
            staff.pin_hash = hash_pin(pin)
            staff.must_change_pin = True
            staff.failed_attempts = 0
            staff.locked_until = None
            staff.updated_at = utcnow()
            staff.save()
            audit.record("staff.pin_reset", actor=self.actor, row=staff)
        return pin

    def unlock(self, staff_no: str) -> str:
        staff = self._get(staff_no)
        clear_lockout_here(staff.staff_no, self.actor)
        return _("{name} is unlocked and can sign in now.").format(name=staff.name)


# -- a site with a central server ----------------------------------------------------

_CODES = {
    "not_allowed": lambda: _(
        "The server refused: your staff number or PIN is wrong, or you are not an IT "
        "administrator of this site."
    ),
    "not_found": lambda: _("The server has no such member of this site's staff."),
    "taken": lambda: _("The server already has this staff number: choose another."),
}


class ServerDesk:
    """A site with a central server: every change is an admin call to it."""

    remote = True

    def __init__(self, runtime: Any, actor: str, pin: str) -> None:
        self.runtime = runtime
        self.actor = actor
        self.pin = pin

    def _call(self, path: str, **body: Any) -> Any:
        from core.sync import engine
        from core.sync.client import NotEnrolled, Refused, Retryable, SyncError

        try:
            client = engine.connect(self.runtime)
        except SyncError as exc:
            raise StaffDeskError(str(exc)) from exc
        try:
            return client.post(path, {"admin": {"staff_no": self.actor, "pin": self.pin}, **body})
        except Retryable as exc:
            log.warning("admin call %s: server not reached: %s", path, exc.detail or exc)
            raise StaffDeskError(
                _(
                    "The central server cannot be reached, so nothing was changed. Try again "
                    "when the network is back."
                )
            ) from exc
        except Refused as exc:
            code, message = _refusal(exc.detail)
            log.warning("admin call %s refused (%s): %s", path, exc.status, message)
            sentence = _CODES.get(code)
            raise StaffDeskError(
                sentence()
                if sentence
                else _("The server did not accept the change: {reason}").format(reason=message),
                bad_credentials=code == "not_allowed",
            ) from exc
        except (NotEnrolled, SyncError) as exc:
            raise StaffDeskError(str(exc)) from exc
        finally:
            client.close()

    def _pull_soon(self) -> None:
        """Ask the sync worker (if running) to pull now: the change comes back as a row."""
        worker = self.runtime.extras.get("sync_worker")
        trigger = getattr(worker, "trigger", None)
        if callable(trigger):
            trigger()

    def members(self) -> list[StaffRow]:
        answer = self._call("/v1/admin/staff/list")
        return [
            StaffRow(
                str(row["staff_no"]),
                str(row["name"]),
                str(row["role"]),
                str(row.get("window") or ""),
                bool(row["active"]),
                bool(row.get("must_change_pin")),
                _locked_here(str(row["staff_no"])),
            )
            for row in answer.get("staff", [])
        ]

    def add(self, staff_no: str, name: str, role: str, window: str = "") -> str:
        _check_new_member(staff_no, name, role)
        answer = self._call(
            "/v1/admin/staff/add",
            staff_no=staff_no.strip(),
            name=name.strip(),
            role=role,
            window=window or None,
        )
        self._pull_soon()
        return str(answer["temporary_pin"])

    def set_active(self, staff_no: str, active: bool) -> str:
        if not active and staff_no.strip() == self.actor:
            raise StaffDeskError(_("You cannot deactivate your own account."))
        self._call(f"/v1/admin/staff/{_quoted(staff_no)}/{'activate' if active else 'deactivate'}")
        self._pull_soon()
        return (
            _("Done on the central server: {staff_no} can sign in again.")
            if active
            else _("Done on the central server: {staff_no} can no longer sign in.")
        ).format(staff_no=staff_no)

    def reset_pin(self, staff_no: str) -> str:
        answer = self._call(f"/v1/admin/staff/{_quoted(staff_no)}/reset-pin")
        self._pull_soon()
        return str(answer["temporary_pin"])

    def unlock(self, staff_no: str) -> str:
        local = Staff.get_or_none(Staff.staff_no == staff_no)
        try:
            self._call(f"/v1/admin/staff/{_quoted(staff_no)}/unlock")
        except StaffDeskError as exc:
            if local is None or not clear_lockout_here(staff_no, self.actor):
                raise
            return _(
                "Unlocked at this workstation only: {reason} Other workstations stay locked "
                "until the server is reached."
            ).format(reason=str(exc))
        if local is not None:
            clear_lockout_here(staff_no, self.actor)
        self._pull_soon()
        return _(
            "Unlocked on the central server: {staff_no} can sign in at every workstation."
        ).format(staff_no=staff_no)

    def set_plugin(self, plugin: str, enabled: bool) -> list[str]:
        answer = self._call("/v1/admin/plugins", plugin=plugin, enabled=enabled)
        self._pull_soon()
        return [str(name) for name in answer.get("enabled_plugins", [])]


def _quoted(staff_no: str) -> str:
    from urllib.parse import quote

    return quote(staff_no.strip(), safe="")


def _refusal(detail: str) -> tuple[str, str]:
    """(code, message) from a refused admin call's ``detail``."""
    try:
        body = json.loads(detail)
    except ValueError:
        return "", detail
    if isinstance(body, dict):
        return str(body.get("code", "")), str(body.get("message", ""))
    return "", detail


def has_server(runtime: Any) -> bool:
    """Whether this workstation's site has a central server (it is enrolled)."""
    from core.sync import engine

    return bool(engine.status().enrolled)


def desk_for(runtime: Any, actor: str, pin: str = "") -> LocalDesk | ServerDesk:
    if has_server(runtime):
        return ServerDesk(runtime, actor, pin)
    return LocalDesk(runtime.config.site_code, actor)


def change_pin(runtime: Any, staff_no: str, current: str, new: str, confirm: str) -> None:
    """Set a new PIN at sign-in: locally at a standalone site; on the server (which
    owns it) at a site with one, and the answer is applied here at once so the person
    can carry on. Raises ``PinRuleError`` (rules, wrong current PIN) or
    ``StaffDeskError`` (the server not reached)."""
    from core.auth import PinRuleError, change_pin_locally, check_new_pin

    if not has_server(runtime):
        change_pin_locally(staff_no, current, new, confirm)
        return
    check_new_pin(new, confirm, current)  # before the network: the same sentences
    from core.sync import apply, engine
    from core.sync.client import Refused, Retryable, SyncError

    try:
        client = engine.connect(runtime)
    except SyncError as exc:
        raise StaffDeskError(str(exc)) from exc
    try:
        answer = client.post(
            "/v1/staff/pin",
            {"staff_no": staff_no, "current": current, "new": new, "confirm": confirm},
        )
    except Retryable as exc:
        raise StaffDeskError(
            _(
                "A new PIN is set on the central server, which cannot be reached now. Try "
                "again when the network is back, or ask IT."
            )
        ) from exc
    except Refused as exc:
        code, message = _refusal(exc.detail)
        log.warning("PIN change for staff %s refused: %s", staff_no, message)
        if code == "not_allowed":
            raise PinRuleError(_("The current PIN is wrong.")) from exc
        raise PinRuleError(
            _("The server did not accept the change: {reason}").format(reason=message)
        ) from exc
    finally:
        client.close()
    with atomic():
        apply.apply_change(
            "staff", staff_no, "upsert", answer["staff"], apply.ApplyOutcome(), lambda *a: False
        )
        staff = Staff.get_by_id(staff_no)
        audit.record("auth.pin_changed", actor=staff_no, row=staff)
    log.info("staff %s set a new PIN on the server", staff_no)
