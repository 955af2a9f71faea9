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


_ID_PATTERN = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
_MOBILE_PATTERN = re.compile(r"(?<!\d)(1\d{2})(\d{4})(\d{4})(?!\d)")


def scrub(text: str) -> str:
    """Mask anything in free text that looks like an ID number or a mobile number."""
    text = _ID_PATTERN.sub(lambda m: mask_id(m.group(0).upper()), text)
    return _MOBILE_PATTERN.sub(lambda m: mask_phone(m.group(0)), text)


class PersonalDataFilter(logging.Filter):
    """Scrubs ID and mobile numbers out of every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg = scrubbed
            record.args = None
        return True
