"""Staff sign-in with staff number and PIN, offline.

PINs are stored as scrypt hashes (hashlib, n=2**14, r=8, p=1: about 40 ms on this
kind of machine, slow enough to make guessing a synced hash costly, fast enough at
the counter). The hash syncs from the server, so sign-in needs no network.

Nothing about a refusal tells a stranger whether a staff number exists: an unknown
number is checked against a dummy hash (the same 40 ms as a real one), gets the
same sentence as a wrong PIN, and is locked out after the same number of tries
(counted in memory). Whether an account is disabled or belongs to another site is
said only to someone who typed its right PIN.

Wrong PINs are counted per staff member; reaching the site's limit (5 by default)
locks the account for the configured minutes, until IT unlocks it. A stored hash
that cannot be read (damaged, or written by something else) refuses that account
with a sentence sending the person to IT, and the log says which account. Failures
and lockouts go to the audit chain with the staff number only.

A PIN IT has reset (``must_change_pin``) signs in once, to set a new PIN
(``check_new_pin`` holds the rules) before anything else.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import hmac
import logging
import math
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

from core import audit
from core.config import SecuritySettings
from core.db import atomic
from core.i18n import _
from core.models import Staff, utcnow

log = logging.getLogger(__name__)

_N, _R, _P = 2**14, 8, 1
# What a stored hash may ask for: more would let a forged row make sign-in take
# minutes or gigabytes (scrypt needs 128 * n * r bytes).
_MAX_N, _MAX_R, _MAX_P = 2**17, 16, 4


class MalformedHash(ValueError):
    """A stored PIN hash that cannot be checked."""


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches ``stored``; ``MalformedHash`` if ``stored`` is unreadable."""
    try:
        scheme, n_text, r_text, p_text, salt_b64, digest_b64 = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(digest_b64, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise MalformedHash("not scrypt$N$r$p$salt$digest") from exc
    if scheme != "scrypt":
        raise MalformedHash(f"unknown scheme {scheme[:20]!r}")
    if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        raise MalformedHash("scrypt parameters out of range")
    if len(salt) < 8 or not 16 <= len(expected) <= 64:
        raise MalformedHash("salt or digest of the wrong length")
    actual = hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=2**27
    )
    return hmac.compare_digest(actual, expected)


def verify_pin(pin: str, stored: str) -> bool:
    """``check_pin``, with an unreadable hash simply not matching."""
    try:
        return check_pin(pin, stored)
    except MalformedHash:
        return False


@functools.cache
def dummy_hash() -> str:
    """A hash nobody's PIN matches, checked for unknown staff numbers (same work)."""
    return hash_pin(secrets.token_hex(16))


class Reason(StrEnum):
    UNKNOWN = "unknown"
    WRONG_PIN = "wrong_pin"
    LOCKED = "locked"
    INACTIVE = "inactive"
    OTHER_SITE = "other_site"
    DAMAGED = "damaged"


class SignInError(Exception):
    def __init__(
        self,
        reason: Reason,
        message: str,
        *,
        locked_until: dt.datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.locked_until = locked_until


@dataclass(frozen=True)
class Session:
    staff_no: str
    name: str
    role: str
    site_code: str
    window_id: int | None
    must_change_pin: bool = False


def wrong_text(settings: SecuritySettings) -> str:
    """The one sentence for an unknown staff number and a wrong PIN alike."""
    return _(
        "Staff number or PIN is wrong. After {n} wrong PINs in a row the account is "
        "locked for {minutes} minutes."
    ).format(n=settings.max_pin_attempts, minutes=settings.lockout_minutes)


def locked_text(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return _(
        "Too many wrong PINs: this account is locked for {minutes} more minutes. "
        "IT can unlock it now."
    ).format(minutes=minutes)


def damaged_text() -> str:
    return _(
        "This account cannot sign in: its stored PIN is damaged. Please contact IT "
        "to reset the PIN."
    )


class _UnknownNumbers:
    """Wrong tries at staff numbers nobody has, counted like real ones so that a
    lockout does not tell a stranger which numbers exist (bounded, in memory)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._rows: OrderedDict[str, tuple[int, dt.datetime | None]] = OrderedDict()

    def locked_until(self, staff_no: str, now: dt.datetime) -> dt.datetime | None:
        _count, until = self._rows.get(staff_no, (0, None))
        return until if until is not None and until > now else None

    def fail(self, staff_no: str, settings: SecuritySettings, now: dt.datetime) -> bool:
        """Count a wrong try; True when this one locks the number."""
        count, _until = self._rows.pop(staff_no, (0, None))
        count += 1
        locked = count >= settings.max_pin_attempts
        until = now + dt.timedelta(minutes=settings.lockout_minutes) if locked else None
        self._rows[staff_no] = (0 if locked else count, until)
        while len(self._rows) > self.size:
            self._rows.popitem(last=False)
        return locked


_unknown = _UnknownNumbers()


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
        verify_pin(pin, dummy_hash())  # the same work as a real check
        log.info("sign-in: unknown staff number")
        until = _unknown.locked_until(staff_no, now)
        if until is None:
            locked = _unknown.fail(staff_no, settings, now)
            # Written like a real failure (the same commit and fsync), and IT sees
            # someone trying numbers nobody has.
            with atomic():
                audit.record(
                    "auth.locked" if locked else "auth.failed",
                    actor=staff_no[:32],
                    detail={"unknown_number": True},
                )
            until = _unknown.locked_until(staff_no, now)
        if until is not None:
            raise SignInError(Reason.LOCKED, locked_text(until, now), locked_until=until)
        raise SignInError(Reason.UNKNOWN, wrong_text(settings))
    try:
        matched = check_pin(pin, staff.pin_hash)
    except MalformedHash as exc:
        verify_pin(pin, dummy_hash())
        log.error(
            "sign-in: staff %s has an unreadable PIN hash (%s): IT must reset it", staff_no, exc
        )
        with atomic():
            audit.record("auth.damaged_hash", actor=staff_no)
        raise SignInError(Reason.DAMAGED, damaged_text()) from exc
    if staff.locked_until is not None and staff.locked_until > now:
        raise SignInError(
            Reason.LOCKED, locked_text(staff.locked_until, now), locked_until=staff.locked_until
        )
    if not matched:
        _count_failure(staff, settings, now)
        if staff.locked_until is not None and staff.locked_until > now:
            raise SignInError(
                Reason.LOCKED,
                locked_text(staff.locked_until, now),
                locked_until=staff.locked_until,
            )
        raise SignInError(Reason.WRONG_PIN, wrong_text(settings))
    # The right PIN: only now may the account's state be told.
    if not staff.active:
        raise SignInError(Reason.INACTIVE, _("This account is disabled. Ask IT to enable it."))
    if site_code and staff.site_id != site_code:
        raise SignInError(Reason.OTHER_SITE, _("This account belongs to another site."))
    with atomic():
        if staff.failed_attempts or staff.locked_until:
            staff.failed_attempts = 0
            staff.locked_until = None
            staff.save()
        audit.record(
            "auth.pin_change_due" if staff.must_change_pin else "auth.signed_in", actor=staff_no
        )
    return Session(
        staff.staff_no,
        staff.name,
        staff.role,
        staff.site_id,
        staff.window_id,
        must_change_pin=bool(staff.must_change_pin),
    )


def _count_failure(staff: Staff, settings: SecuritySettings, now: dt.datetime) -> None:
    with atomic():
        staff.failed_attempts += 1
        remaining = settings.max_pin_attempts - staff.failed_attempts
        if remaining <= 0:
            staff.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
            staff.failed_attempts = 0
        staff.save()
        audit.record(
            "auth.locked" if remaining <= 0 else "auth.failed",
            actor=staff.staff_no,
            detail={"remaining": max(0, remaining)},
        )
    if remaining <= 0:
        log.warning(
            "sign-in: staff %s locked after %d wrong PINs",
            staff.staff_no,
            settings.max_pin_attempts,
        )
    else:
        log.info("sign-in: wrong PIN for staff %s (%d left)", staff.staff_no, remaining)


# -- new PINs -------------------------------------------------------------------------

PIN_MIN, PIN_MAX = 6, 12


class PinRuleError(ValueError):
    """A new PIN breaks a rule; ``str()`` is the sentence for the person."""


def pin_rules_text() -> str:
    return _(
        "A PIN is {low} to {high} digits, not all the same digit, not a run such as "
        "123456, and not the PIN IT gave you."
    ).format(low=PIN_MIN, high=PIN_MAX)


def check_new_pin(new: str, confirm: str, current: str = "") -> None:
    """Raise ``PinRuleError`` unless ``new`` is a PIN a person may choose."""
    if not new.isascii() or not new.isdigit() or not PIN_MIN <= len(new) <= PIN_MAX:
        raise PinRuleError(pin_rules_text())
    if len(set(new)) == 1:
        raise PinRuleError(pin_rules_text())
    steps = {int(b) - int(a) for a, b in zip(new, new[1:], strict=False)}
    if steps in ({1}, {-1}):
        raise PinRuleError(pin_rules_text())
    if current and new == current:
        raise PinRuleError(pin_rules_text())
    if new != confirm:
        raise PinRuleError(_("The two new PINs differ: type the same PIN twice."))


def change_pin_locally(staff_no: str, current: str, new: str, confirm: str) -> None:
    """Set a new PIN in this store (a standalone site), after checking the current
    one and the rules; clears ``must_change_pin``. Raises ``PinRuleError``."""
    check_new_pin(new, confirm, current)
    with atomic():
        staff = Staff.get_or_none(Staff.staff_no == staff_no)
        if staff is None or not verify_pin(current, staff.pin_hash):
            raise PinRuleError(_("The current PIN is wrong."))
        staff.pin_hash = hash_pin(new)
        staff.must_change_pin = False
        staff.updated_at = utcnow()
        staff.save()
        audit.record("auth.pin_changed", actor=staff_no, row=staff)
    log.info("staff %s set a new PIN", staff_no)
