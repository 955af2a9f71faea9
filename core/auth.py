"""Staff sign-in with staff number and PIN, offline.

PINs are stored as scrypt hashes (hashlib, n=2**14, r=8, p=1: about 40 ms on this
kind of machine, slow enough to make guessing a synced hash costly, fast enough at
the counter). The hash syncs from the server, so sign-in needs no network.

Wrong PINs are counted per staff member; reaching the site's limit (5 by default)
locks the account for the configured minutes. Failures and lockouts go to the audit
chain with the staff number only.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from enum import StrEnum

from core import audit
from core.config import SecuritySettings
from core.db import atomic
from core.i18n import _
from core.models import Staff, utcnow

log = logging.getLogger(__name__)

_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt = base64.b64decode(salt_b64)
    expected = base64.b64decode(digest_b64)
    actual = hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
    )
    return hmac.compare_digest(actual, expected)


class Reason(StrEnum):
    UNKNOWN = "unknown"
    WRONG_PIN = "wrong_pin"
    LOCKED = "locked"
    INACTIVE = "inactive"
    OTHER_SITE = "other_site"


class SignInError(Exception):
    def __init__(
        self,
        reason: Reason,
        message: str,
        *,
        remaining: int | None = None,
        locked_until: dt.datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.remaining = remaining
        self.locked_until = locked_until


@dataclass(frozen=True)
class Session:
    staff_no: str
    name: str
    role: str
    site_code: str
    window_id: int | None


def sign_in(
    staff_no: str,
    pin: str,
    settings: SecuritySettings,
    *,
    site_code: str = "",
    now: dt.datetime | None = None,
) -> Session:
    """Check the PIN; raise ``SignInError`` with a sentence for the clerk."""
    now = now or utcnow()
    staff_no = staff_no.strip()
    staff = Staff.get_or_none(Staff.staff_no == staff_no)
    if staff is None:
        log.info("sign-in: unknown staff number")
        raise SignInError(Reason.UNKNOWN, _("Staff number or PIN is wrong."))
    if not staff.active:
        raise SignInError(Reason.INACTIVE, _("This account is disabled. Ask IT to enable it."))
    if site_code and staff.site_id != site_code:
        raise SignInError(Reason.OTHER_SITE, _("This account belongs to another site."))
    if staff.locked_until is not None and staff.locked_until > now:
        minutes = max(1, int((staff.locked_until - now).total_seconds() // 60) + 1)
        raise SignInError(
            Reason.LOCKED,
            _("Too many wrong PINs: this account is locked for {minutes} more minutes.").format(
                minutes=minutes
            ),
            locked_until=staff.locked_until,
        )
    if not verify_pin(pin, staff.pin_hash):
        with atomic():
            staff.failed_attempts += 1
            remaining = settings.max_pin_attempts - staff.failed_attempts
            if remaining <= 0:
                staff.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
                staff.failed_attempts = 0
            staff.save()
            audit.record(
                "auth.locked" if remaining <= 0 else "auth.failed",
                actor=staff_no,
                detail={"remaining": max(0, remaining)},
            )
        if remaining <= 0:
            log.warning(
                "sign-in: staff %s locked after %d wrong PINs", staff_no, settings.max_pin_attempts
            )
            raise SignInError(
                Reason.LOCKED,
                _("Too many wrong PINs: this account is locked for {minutes} more minutes.").format(
                    minutes=settings.lockout_minutes
                ),
                locked_until=staff.locked_until,
            )
        log.info("sign-in: wrong PIN for staff %s (%d left)", staff_no, remaining)
        raise SignInError(
            Reason.WRONG_PIN,
            _(
                "Staff number or PIN is wrong. {n} attempts left before the account is locked."
            ).format(n=remaining),
            remaining=remaining,
        )
    with atomic():
        if staff.failed_attempts or staff.locked_until:
            staff.failed_attempts = 0
            staff.locked_until = None
            staff.save()
        audit.record("auth.signed_in", actor=staff_no)
    return Session(staff.staff_no, staff.name, staff.role, staff.site_id, staff.window_id)
