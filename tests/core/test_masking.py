"""Personal data never reaches the log: phones in every usual form, ID numbers, inside
exception messages and tracebacks too; ordinary numbers stay readable."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.logs import setup_logging
from core.masking import scrub

MASKED = [
    ("+8613812345678", "+86138****5678"),
    ("电话 +86 138 1234 5678。", "电话 +86 138****5678。"),
    ("0086-138-1234-5678", "0086-138****5678"),
    ("手机138 1234 5678", "手机138****5678"),
    ("138-1234-5678", "138****5678"),
    ("phone=13812345678;", "phone=138****5678;"),
    ("申请人370303198001011239", "申请人370303********1239"),
    ("id 37030319800101123x", "id 370303********123X"),
    ("id 370303 19800101 1239", "id 370303********1239"),
]

KEPT = [
    "client_seq 13812345678901",  # a long sequence number
    "at 1733561234567 ms",  # a millisecond timestamp
    "2026-12-07 05:46:08,123 pushed 138 records in 1234 ms",
    "mutation 0193a135-1234-7123-8abc-0123456789ab",  # a UUID with digit groups
    "snowflake 123456789012345678",  # 18 digits, but no birth date in it
    "370303199913451239",  # month 13: not an ID number
    "HTTP 503 after 12345678901 bytes",  # 11 digits not starting 13-19
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_personal_numbers_are_masked(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert scrub(text) == text


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    level = root.level
    path = setup_logging(tmp_path / "logs")
    yield path
    for handler in list(root.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_logged_exceptions_and_stacks_are_masked(log_file: Path) -> None:
    log = logging.getLogger("sihao.test")

    def check(phone: str, number: str) -> None:
        raise ValueError(f"bad applicant {number}, phone {phone}")

    try:
        check("+86 139 8765 4321", "370303198001011239")
    except ValueError:
        log.exception("intake row %d refused", 12)
    try:
        check("13987654321", "37030319800101123X")
    except ValueError as exc:
        log.warning("refused: %s", exc, exc_info=True, stack_info=True)
    text = log_file.read_text(encoding="utf-8")
    assert "intake row 12 refused" in text and "Traceback" in text and "ValueError" in text
    assert "139****4321" in text and "370303********1239" in text
    assert "370303********123X" in text and "Stack (most recent call last)" in text
    for raw in ("8765 4321", "13987654321", "198001011239", "19800101123X"):
        assert raw not in text
