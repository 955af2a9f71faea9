from __future__ import annotations

import datetime as dt

import pytest

from core import audit
from core.audit import AuditEntry
from core.auth import Reason, SignInError, hash_pin, sign_in, verify_pin
from core.config import SecuritySettings
from core.models import Staff
from core.runtime import Runtime


def test_hash_is_salted_scrypt() -> None:
    first, second = hash_pin("123456"), hash_pin("123456")
    assert first != second and first.startswith("scrypt$")
    assert verify_pin("123456", first) and not verify_pin("123457", first)
    assert not verify_pin("123456", "plain-text")


def test_lockout_after_configured_attempts_and_expiry(runtime: Runtime) -> None:
    settings = SecuritySettings(max_pin_attempts=5, lockout_minutes=15)
    start = dt.datetime(2026, 11, 30, 9, 0)
    for attempt in range(4):
        with pytest.raises(SignInError) as caught:
            sign_in("1001", "999999", settings, now=start)
        assert caught.value.reason is Reason.WRONG_PIN and caught.value.remaining == 4 - attempt
    with pytest.raises(SignInError) as caught:
        sign_in("1001", "999999", settings, now=start)
    assert caught.value.reason is Reason.LOCKED
    # Locked: the right PIN is refused until the lockout ends.
    with pytest.raises(SignInError) as caught:
        sign_in("1001", "123456", settings, now=start + dt.timedelta(minutes=14))
    assert caught.value.reason is Reason.LOCKED
    session = sign_in("1001", "123456", settings, now=start + dt.timedelta(minutes=16))
    assert session.role == "clerk" and session.site_code == "370303-ZWFW"
    assert Staff.get_by_id("1001").failed_attempts == 0
    kinds = [e.kind for e in AuditEntry.select().order_by(AuditEntry.seq)]
    assert kinds.count("auth.failed") == 4 and kinds.count("auth.locked") == 1
    assert kinds[-1] == "auth.signed_in"
    assert audit.verify(runtime.models()).ok


def test_unknown_staff_and_other_site(runtime: Runtime) -> None:
    settings = SecuritySettings()
    with pytest.raises(SignInError) as caught:
        sign_in("7777", "123456", settings)
    assert caught.value.reason is Reason.UNKNOWN
    with pytest.raises(SignInError) as caught:
        sign_in("1001", "123456", settings, site_code="370302-ZWFW")
    assert caught.value.reason is Reason.OTHER_SITE
