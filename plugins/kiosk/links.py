"""The signed link a receipt's QR code carries: one case, an expiry, a site's key.

A workstation makes the link without a round trip (the hall may be offline when
the receipt prints), so it signs with a key it holds: the central server issues
each site one rating key (``kiosk_rating_key``: an id and 32 random bytes), hands
it to the site's enrolled workstations on request (``GET
/v1/plugins/kiosk/rating-key``, with the workstation's token) and keeps it to check
links. The token is

    base64url(JSON of the case and the expiry) "." base64url(HMAC-SHA256)

where the JSON names the key (``k``), the case (``c`` id, ``n`` number, ``s`` site,
``i`` item code, ``m`` item name, ``w`` window, ``p`` staff number) and the expiry
(``x``, Unix seconds). The server refuses a token whose key it does not know,
whose MAC does not match (compared in constant time), or whose expiry has passed;
the case inside a good token is the one the rating names, so a link cannot be
turned into a link for another case. Single use is the server's: the rating of a
case is stored under ids made from the case id, so a second submission is the
same record again and is answered as already given.

Stdlib only (hmac, hashlib, base64, json): imported by the workstation and the
server alike.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from core.cases import CaseRef

MAX_TOKEN = 2000  # characters; a QR code of a link past this would not scan well


class BadToken(Exception):
    """The token cannot be used; ``reason`` says why for the log and the page."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # "malformed", "unknown_key", "forged", "expired"


@dataclass(frozen=True)
class LinkClaims:
    key_id: str
    case: CaseRef
    expires_at: int  # Unix seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())


def sign(case: CaseRef, *, key_id: str, secret: bytes, expires_at: int) -> str:
    claims = {
        "k": key_id,
        "c": case.case_id,
        "n": case.case_no,
        "s": case.site_code,
        "i": case.item_code,
        "m": case.item_name,
        "w": case.window_no,
        "p": case.staff_no,
        "x": int(expires_at),
    }
    body = _b64(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_mac(secret, body)}"


def key_id_of(token: str) -> str:
    """The key a token names (before its MAC is checked: only to find the key)."""
    return str(_claims(token)[1]["k"])


def _claims(token: str) -> tuple[str, dict[str, Any], str]:
    malformed = BadToken("malformed", "this link is damaged")
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN or token.count(".") != 1:
        raise malformed
    body, mac = token.split(".")
    try:
        data = json.loads(_unb64(body).decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise malformed from exc
    if not isinstance(data, dict):
        raise malformed
    strings = ("k", "c", "n", "s", "i", "m", "w", "p")
    if not all(isinstance(data.get(name), str) for name in strings):
        raise malformed
    if not isinstance(data.get("x"), int) or isinstance(data.get("x"), bool):
        raise malformed
    if not (data["k"] and data["c"] and data["s"]):
        raise malformed
    return body, data, mac


def verify(token: str, secret: bytes, *, now: dt.datetime | None = None) -> LinkClaims:
    """The claims of a good token signed with ``secret``; ``BadToken`` otherwise."""
    body, data, mac = _claims(token)
    if not hmac.compare_digest(_mac(secret, body), mac):
        raise BadToken("forged", "this link was not issued by the service hall")
    moment = now or dt.datetime.now(dt.UTC)
    if data["x"] < int(moment.timestamp()):
        raise BadToken("expired", "this link has expired")
    case = CaseRef(
        case_id=data["c"],
        case_no=data["n"],
        site_code=data["s"],
        item_code=data["i"],
        item_name=data["m"],
        window_no=data["w"],
        staff_no=data["p"],
        state="",
    )
    return LinkClaims(key_id=data["k"], case=case, expires_at=data["x"])
