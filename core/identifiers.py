"""Identifier checks for what clerks type: resident ID, unified social credit code, mobile.

python-stdnum does the arithmetic (format, check digits, birth date). We do not call
``stdnum.cn.ric.validate()`` as a whole: it also checks the address code against
its own table *and* the birth year, and so rejects real numbers — retired codes
(python-stdnum issue #442), and every Zibo number of a person born before 1983,
because the table dates the Zibo districts from 1983 (高青县 and 沂源县 from 1989)
while the code in a number is where the person was registered when the card was
first issued. An address code it does not know is a warning for the clerk, never
a rejection.

Input is normalised first: full-width digits and letters (what a Chinese IME types)
become ASCII, spaces go, a lower-case ``x`` becomes ``X``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from core.i18n import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    """The outcome of checking one identifier."""

    value: str  # normalised
    error: str = ""  # a sentence for the clerk; empty when accepted
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.error


def normalise(raw: str) -> str:
    """Full-width to ASCII (NFKC), drop spaces and dashes, upper-case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"[\s\-]", "", text).upper()


def check_resident_id(raw: str, *, today: dt.date | None = None) -> Check:
    """An 18-digit resident ID (GB 11643-1999)."""
    from stdnum.cn import ric  # ~12 ms with its address table: only when a number is checked
    from stdnum.exceptions import ValidationError

    number = normalise(raw)
    if len(number) != 18:
        return Check(
            number, _("A resident ID has 18 characters; this one has {n}.").format(n=len(number))
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return Check(number, _("A resident ID is 17 digits followed by a digit or X."))
    if ric.calc_check_digit(number) != number[17]:
        return Check(
            number,
            _(
                "The check character of this resident ID is wrong: please re-read the number from the card."
            ),
        )
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return Check(
            number, _("The birth date in this resident ID (digits 7 to 14) is not a real date.")
        )
    if born > (today or dt.date.today()) or born.year < 1880:
        return Check(
            number, _("The birth date in this resident ID (digits 7 to 14) is not a real date.")
        )
    warnings: list[str] = []
    if not _known_place(number[:6], born.year):
        # Known false rejections: retired codes, and codes the table dates later
        # than the birth year. The number is kept as typed.
        warnings.append(
            _("The address code {code} is not in the reference table; accepted as typed.").format(
                code=number[:6]
            )
        )
    return Check(number, "", tuple(warnings))


@functools.lru_cache(maxsize=4096)
def _known_place(code: str, year: int) -> bool:
    """Whether stdnum's table knows the address code in that birth year. Cached: the
    table lookup is a linear search (0.1 ms a number; a 10,000-row batch file names a
    few hundred codes and years)."""
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    # Any valid date of that year with a dummy sequence: only code and year are read.
    try:
        ric.get_birth_place(f"{code}{year:04d}0101000X")
    except ValidationError:
        return False
    return True


def check_uscc(raw: str, *, allow_bad_check_digit: bool = False, staff_no: str = "") -> Check:
    """A unified social credit code (GB 32100-2015).

    Real codes with wrong check digits exist; a clerk may accept one with an
    explicit override, which is logged with the staff number (the code is not
    personal data).
    """
    from stdnum.cn import uscc

    code = normalise(raw)
    if len(code) != 18:
        return Check(
            code,
            _("A unified social credit code has 18 characters; this one has {n}.").format(
                n=len(code)
            ),
        )
    alphabet = set("0123456789ABCDEFGHJKLMNPQRTUWXY")
    bad = sorted(set(code) - alphabet)
    if bad:
        return Check(
            code,
            _(
                "A unified social credit code never contains {chars} (I, O, S, V and Z are not used)."
            ).format(chars="".join(bad)),
        )
    if not code[2:8].isdigit():
        return Check(
            code,
            _(
                "Characters 3 to 8 of a unified social credit code are the region code and must be digits."
            ),
        )
    if uscc.calc_check_digit(code[:17]) != code[17]:
        if not allow_bad_check_digit:
            return Check(
                code,
                _(
                    "The check character of this unified social credit code is wrong: please re-read it from the licence."
                ),
            )
        log.warning(
            "USCC with a wrong check digit accepted by override: %s by staff %s",
            code,
            staff_no or "?",
        )
        return Check(code, "", (_("Wrong check character accepted by override."),))
    return Check(code)


_MOBILE = re.compile(r"^1\d{10}$")


def check_mobile(raw: str) -> Check:
    number = normalise(raw)
    if number.startswith("+86"):
        number = number[3:]
    if not _MOBILE.match(number):
        return Check(number, _("A mobile number has 11 digits and starts with 1."))
    return Check(number)
