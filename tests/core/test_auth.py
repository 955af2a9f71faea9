from __future__ import annotations

import datetime as dt
import time

import pytest

from core import audit
from core.audit import AuditEntry
from core.auth import (
    PinRuleError,
    Reason,
    SignInError,
    change_pin_locally,
    check_new_pin,
    hash_pin,
    sign_in,
    verify_pin,
)
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
    for _attempt in range(4):
        with pytest.raises(SignInError) as caught:
            sign_in("1001", "999999", settings, now=start)
        assert caught.value.reason is Reason.WRONG_PIN
    assert Staff.get_by_id("1001").failed_attempts == 4
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
    # Another site's account is only named as such to someone with its PIN.
    with pytest.raises(SignInError) as caught:
        sign_in("1001", "000000", settings, site_code="370302-ZWFW")
    assert caught.value.reason is Reason.WRONG_PIN


def _refusal(staff_no: str, pin: str, settings: SecuritySettings) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(SignInError) as caught:
        sign_in(staff_no, pin, settings)
    return str(caught.value), time.perf_counter() - started


def test_unknown_number_and_wrong_pin_read_the_same_and_cost_the_same(runtime: Runtime) -> None:
    """Nothing tells a stranger which staff numbers exist: the sentence is the same,
    both run scrypt, and an unknown number is locked out like a real one."""
    settings = SecuritySettings(max_pin_attempts=3, lockout_minutes=15)
    unknown, unknown_cost = _refusal("7788", "000000", settings)
    known, known_cost = _refusal("1001", "000000", settings)
    assert unknown == known == "工号或密码错误。连续输错 3 次，账号将被锁定 15 分钟。"
    # Both hash the PIN (≈ 40 ms); no scrypt at all would take well under 5 ms.
    assert unknown_cost > 0.005 and known_cost > 0.005
    for _ in range(2):
        unknown, _cost = _refusal("7788", "000000", settings)
        known, _cost = _refusal("1001", "000000", settings)
    assert "已锁定" in unknown and "已锁定" in known
    assert unknown == known
    # IT sees the tries at a number nobody has in the audit chain.
    tried = AuditEntry.select().where(AuditEntry.actor == "7788")
    assert [e.kind for e in tried.order_by(AuditEntry.seq)] == ["auth.failed"] * 2 + ["auth.locked"]
    assert audit.verify(runtime.models()).ok


def test_damaged_pin_hash_refuses_that_account_and_sends_to_it(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    settings = SecuritySettings()
    for damaged in (
        "plain-text",
        "scrypt$16384$8$1$!!!$AAAA",
        "scrypt$1073741824$8$1$AAAAAAAAAAA=$" + "A" * 44,
    ):
        Staff.update(pin_hash=damaged).where(Staff.staff_no == "1002").execute()
        with caplog.at_level("ERROR"), pytest.raises(SignInError) as caught:
            sign_in("1002", "123456", settings)
        assert caught.value.reason is Reason.DAMAGED
        assert "信息技术人员" in str(caught.value)
    assert "1002" in caplog.text and "123456" not in caplog.text
    kinds = [e.kind for e in AuditEntry.select()]
    assert "auth.damaged_hash" in kinds
    # Other accounts are unaffected.
    assert sign_in("1001", "123456", settings).staff_no == "1001"


def test_new_pin_rules_and_local_change(runtime: Runtime) -> None:
    for bad in ("12345", "111111", "123456", "987654", "12a456", "１２３４５７"):
        with pytest.raises(PinRuleError):
            check_new_pin(bad, bad, "246810")
    with pytest.raises(PinRuleError, match="两次"):
        check_new_pin("258147", "258148", "246810")
    with pytest.raises(PinRuleError):
        check_new_pin("246810", "246810", "246810")
    Staff.update(must_change_pin=True).where(Staff.staff_no == "1001").execute()
    session = sign_in("1001", "123456", SecuritySettings())
    assert session.must_change_pin
    with pytest.raises(PinRuleError):
        change_pin_locally("1001", "000000", "258147", "258147")
    change_pin_locally("1001", "123456", "258147", "258147")
    assert not sign_in("1001", "258147", SecuritySettings()).must_change_pin
    assert audit.verify(runtime.models()).ok
