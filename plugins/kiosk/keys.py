"""The workstation's side of QR rating links: keep the site's key, make a case's link.

``rating_link(runtime, case)`` answers ``sihao_rating_link``. It signs with the key
kept in the store; a workstation without one asks its central server once
(``GET /v1/plugins/kiosk/rating-key``) and keeps the answer, so every later
receipt is signed offline. A standalone workstation (no server) offers no link:
the page that would check it lives on the server.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import threading
import time
from typing import Any
from urllib.parse import quote

from core.cases import CaseRef
from plugins.kiosk import links
from plugins.kiosk.models import RatingKey

log = logging.getLogger(__name__)

PAGE_PATH = "/pages/kiosk/rate/"
FAILED_AT = "kiosk.rating_key_failed_at"
RETRY_SECONDS = 60


def cached_key(site_code: str) -> RatingKey | None:
    key: RatingKey | None = (
        RatingKey.select()
        .where(RatingKey.site_code == site_code)
        .order_by(RatingKey.fetched_at.desc())
        .first()
    )
    return key


def keep_key(site_code: str, answer: Any) -> RatingKey:
    """Store a key the server answered (checked: an id and 32 bytes of secret)."""
    if not isinstance(answer, dict):
        raise ValueError("the server's answer is not a key")
    key_id, secret = answer.get("key_id"), answer.get("secret")
    if not isinstance(key_id, str) or not 0 < len(key_id) <= 64:
        raise ValueError("the server's key has no usable id")
    if not isinstance(secret, str) or len(_secret_bytes(secret)) != 32:
        raise ValueError("the server's key is not 32 bytes")
    RatingKey.insert(
        key_id=key_id, site_code=site_code, secret=secret
    ).on_conflict_replace().execute()
    found = RatingKey.get_by_id(key_id)
    assert isinstance(found, RatingKey)
    return found


def _secret_bytes(secret: str) -> bytes:
    return base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))


def fetch_key(runtime: Any, *, timeout: float = 5.0) -> RatingKey | None:
    """Ask the central server for this site's key; None when it cannot be had now."""
    if not runtime.config.server_url:
        return None
    from core.sync.client import SyncError
    from core.sync.engine import connect

    try:
        client = connect(runtime, timeout=timeout)
    except SyncError as exc:
        log.info("rating key not fetched: %s", exc)
        return None
    try:
        answer = client.plugin_get("kiosk", "rating-key")
    except SyncError as exc:
        log.warning("rating key not fetched: %s", exc)
        return None
    finally:
        client.close()
    try:
        return keep_key(runtime.config.site_code, answer)
    except ValueError as exc:
        log.warning("rating key refused: %s", exc)
        return None


def prefetch_key(runtime: Any) -> threading.Thread | None:
    """At start-up, on a workstation with a server and no key yet: ask for the key on
    a thread of its own, so the first receipt does not wait on the network."""
    if not runtime.config.server_url or cached_key(runtime.config.site_code) is not None:
        return None
    from core.sync.client import SyncError
    from core.sync.engine import connect

    try:
        client = connect(runtime, timeout=10.0)  # reads the store: on this thread
    except SyncError as exc:
        log.info("rating key not fetched at start-up: %s", exc)
        return None
    site = runtime.config.site_code

    def run() -> None:
        from core.db import database

        try:
            keep_key(site, client.plugin_get("kiosk", "rating-key"))
            log.info("rating key of site %s kept", site)
        except (SyncError, ValueError) as exc:
            log.info("rating key not fetched at start-up: %s", exc)
        finally:
            client.close()
            if not database.is_closed():
                database.close()  # this thread's connection

    thread = threading.Thread(target=run, name="kiosk-rating-key", daemon=True)
    thread.start()
    return thread


def page_base(runtime: Any) -> str:
    """Where phones open the page: the site's setting, else the server's own address."""
    base = str(runtime.settings("kiosk").get("rating_page_url") or "").strip()
    if not base:
        server = str(runtime.config.server_url or "").rstrip("/")
        base = f"{server}{PAGE_PATH}" if server else ""
    if base and not base.endswith("/"):
        base += "/"
    return base


def _days(runtime: Any) -> int:
    value = runtime.settings("kiosk").get("rating_link_days", 30)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 366:
        return value
    log.warning("setting kiosk.rating_link_days=%r is not 1–366 days; using 30", value)
    return 30


def rating_link(runtime: Any, case: CaseRef, *, now: dt.datetime | None = None) -> str | None:
    """The address for rating ``case``, signed with this site's key; None without one."""
    if not isinstance(case, CaseRef) or not case.case_id:
        return None
    base = page_base(runtime)
    if not base:
        return None
    key = cached_key(case.site_code)
    if key is None and case.site_code == runtime.config.site_code:
        # Offline with no key yet: ask again a minute later, not on every receipt.
        failed_at = runtime.extras.get(FAILED_AT)
        if failed_at is None or time.monotonic() - failed_at > RETRY_SECONDS:
            key = fetch_key(runtime)
            if key is None:
                runtime.extras[FAILED_AT] = time.monotonic()
    if key is None:
        log.info("no rating key for site %s: the receipt carries no rating link", case.site_code)
        return None
    moment = now or dt.datetime.now(dt.UTC)
    expires = int((moment + dt.timedelta(days=_days(runtime))).timestamp())
    token = links.sign(
        case, key_id=str(key.key_id), secret=_secret_bytes(str(key.secret)), expires_at=expires
    )
    return base + quote(token, safe=".-_")
