"""What plugins tell each other about an application case (办件) and the licence
it issued, without importing each other.

The intake plugin owns cases; the 好评 plugin accepts a case number on a rating
card (``sihao_find_case``), the kiosk plugin offers the link a receipt's QR code
carries (``sihao_rating_link``), and the reminders plugin keeps the licences
cases issued (``sihao_server_licences_issued``). These are the shapes those hooks
pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CaseRef:
    """One application case as other plugins see it."""

    case_id: str  # UUIDv7, kept for the case's life
    case_no: str  # unique city-wide (docs/intake.md gives the rule)
    site_code: str
    item_code: str
    item_name: str
    window_no: str
    staff_no: str
    state: str  # the intake plugin's state name (accepted, reviewing, decided, delivered, ...)
    accepted_on: date | None = None
    delivered_on: date | None = None


@dataclass(frozen=True)
class IssuedLicence:
    """A licence or certificate a case issued at 办结 (or IT imported)."""

    licence_no: str
    licence_type: str
    item_code: str
    holder_kind: str  # "person" (自然人) or "org" (法人)
    holder_name: str
    holder_id: str  # resident ID number or unified social credit code
    legal_rep: str
    mobile: str
    valid_until: date
    issued_on: date
    site_code: str
    case_no: str = ""


# Records a citizen writes (the QR rating page on the central server) are pushed
# by the server itself under this writer, one per site ("citizen:<site code>"). A
# workstation's id is a UUID the server gave it, so no workstation can push as one.
CITIZEN_WRITER_PREFIX = "citizen:"


def citizen_writer(site_code: str) -> str:
    return f"{CITIZEN_WRITER_PREFIX}{site_code}"


@dataclass(frozen=True)
class CitizenRating:
    """A rating a citizen gave on the QR page, bound to one case by a signed link.

    ``sihao_server_citizen_rating`` turns it into the records the ratings store
    keeps (the rating, and for a bad review its rectification case), each a dict
    with ``kind``, ``entity_id``, ``payload`` and ``payload_version``; the server
    stores them through the same checks as a workstation's push."""

    case: CaseRef
    channel: str  # the tag set's channel code: "qr" (动态二维码)
    level: int
    tags: tuple[str, ...]
    text: str
    rated_on: date
