"""Masking of personal information (PIPL): ID numbers, phones, names.

Shown masked everywhere but where a clerk must see a value whole; never written to
logs (``PersonalDataFilter`` scrubs log records as a last line of defence); never
printed on guides.
"""

from __future__ import annotations

import logging
import re


def mask_id(number: str) -> str:
    """370303198001011239 -> 370303********1239."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(number: str) -> str:
    """13812345678 -> 138****5678; landlines keep the area code and last 4."""
    if len(number) == 11 and number.startswith("1"):
        return number[:3] + "****" + number[-4:]
    if len(number) <= 4:
        return "*" * len(number)
    return number[: max(0, len(number) - 8)] + "****" + number[-4:]


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧**娜."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# What counts as personal data in free text (log lines, exception messages, notes).
# Both patterns stop at letters and digits on either side, so a number inside a
# longer one (a UUID, a millisecond timestamp, an 18-digit sequence) is left alone.
#
# Resident ID: 6-digit address code, a real-looking birth date (18xx-20xx, month
# 01-12, day 01-31), 3-digit sequence and a check character; the groups may be
# written apart with one space (370303 19800101 1239). A date check keeps ordinary
# 18-digit numbers (ids, nanosecond clocks) readable.
_ID_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(\d{6})( ?)((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\2(\d{3}[\dXx])"
    r"(?![0-9A-Za-z])"
)
# Mobile: 1[3-9]x xxxx xxxx, compact or grouped 3-4-4 by one space or dash (the same
# one twice), with an optional country code (+86, 0086 or 86, then a space or dash or
# nothing): 13812345678, 138 1234 5678, 138-1234-5678, +8613812345678, +86 138….
_MOBILE_PATTERN = re.compile(
    r"(?<![0-9A-Za-z+])"
    r"((?:\+|00)?86[ -]?)?"
    r"(1[3-9]\d)([ -]?)(\d{4})\3(\d{4})"
    r"(?![0-9A-Za-z])"
)


def _masked_id(match: re.Match[str]) -> str:
    return mask_id((match.group(1) + match.group(3) + match.group(4)).upper())


def _masked_mobile(match: re.Match[str]) -> str:
    prefix = match.group(1) or ""
    return prefix + mask_phone(match.group(2) + match.group(4) + match.group(5))


def scrub(text: str) -> str:
    """Mask anything in free text that looks like an ID number or a mobile number."""
    text = _ID_PATTERN.sub(_masked_id, text)
    return _MOBILE_PATTERN.sub(_masked_mobile, text)


class PersonalDataFilter(logging.Filter):
    """Scrubs ID and mobile numbers out of every log record: its message, the text of
    an exception logged with it (``exc_info``: the message of a ``ValueError`` often
    quotes the bad input) and its stack.

    The exception is formatted here, once, and kept scrubbed in ``exc_text``, which
    every formatter uses instead of formatting the traceback again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let logging report it as it does
            message = None
        if message is not None:
            scrubbed = scrub(message)
            if scrubbed != message:
                record.msg = scrubbed
                record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class ScrubbingFormatter(logging.Formatter):
    """A formatter whose whole output is scrubbed: the last line of defence for what a
    filter cannot see (a handler's own formatting, text added by a subclass)."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
