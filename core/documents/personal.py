"""Personal-data rules for printed documents, on top of core.masking.

Guides carry no ID numbers or mobile numbers at all (``PersonalData.REFUSE``);
receipts and notices may name a person but print the numbers masked
(``PersonalData.MASK``: 370303********1239, 138****5678). Landlines written the
usual way (0533-2512345) are consultation numbers and are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from core.documents.errors import PersonalDataFound
from core.documents.parts import PersonalData
from core.masking import scrub


def apply(text: str, policy: PersonalData, where: Callable[[], str]) -> str:
    """``text`` as it may be printed under ``policy``; ``where`` names it in the error."""
    if not text:
        return text
    cleaned = scrub(text)
    if cleaned != text and policy is PersonalData.REFUSE:
        raise PersonalDataFound(where())
    return cleaned
