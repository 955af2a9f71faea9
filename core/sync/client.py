"""The HTTP calls of the sync protocol (docs/sync-protocol.md) and what their failures mean.

Every failure becomes one of a few exceptions the engine and the worker act on:

- ``Retryable``: the network failed, timed out or reset, or the server shed load
  (429/502/503/504, or any 5xx); send again later, no sooner than ``retry_after``.
- ``Unauthorized`` (401): the token is unknown or revoked; stop until re-enrolled.
- ``UpgradeRequired`` (426): this client's schema is too old; the outbox is kept.
- ``Refused``: any other 4xx, with the server's reason (a bad enrollment code, a
  request the server will not take as it is).

A failure of the network itself is told as a sentence a clerk understands (the
server cannot be reached, the connection dropped, no answer in time, a certificate
problem); httpx's class name and its words go to the log only.

The server's address must be ``https://``: a token and every record sent over
plain ``http://`` can be read and changed by anyone on the network path. Plain
http is accepted for loopback (the demo, tests) or where IT says so explicitly
(``[server] allow_insecure_http = true`` in site.toml, or the environment variable
``SIHAO_ALLOW_INSECURE_HTTP=1``), e.g. behind a TLS-terminating tunnel.

httpx is imported when the first client is built (≈ 60 ms with its dependencies).
Answers are decoded by ``decode_json``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import ipaddress
import json
import logging
import os
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.i18n import _
from core.sync import SCHEMA_VERSION

log = logging.getLogger(__name__)

SCHEMA_HEADER = "X-Sihao-Schema"


class SyncError(Exception):
    """A sync step failed; ``str()`` is a sentence for people, ``detail`` the server's
    words, ``code`` the server's short reason where it gives one."""

    def __init__(
        self, message: str, detail: str = "", status: int | None = None, code: str = ""
    ) -> None:
        super().__init__(message)
        self.detail = detail
        self.status = status
        self.code = code


class Retryable(SyncError):
    def __init__(
        self, message: str, detail: str = "", status: int | None = None, retry_after: float = 0.0
    ) -> None:
        super().__init__(message, detail, status)
        self.retry_after = retry_after


class Unauthorized(SyncError):
    pass


class UpgradeRequired(SyncError):
    pass


class Refused(SyncError):
    pass


class NotEnrolled(SyncError):
    pass


class InsecureServerURL(SyncError):
    """The server address is not https:// (or not an address at all)."""


INSECURE_HTTP_ENV = "SIHAO_ALLOW_INSECURE_HTTP"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_http_allowed(site_setting: bool = False) -> bool:
    """IT allowed plain http for this workstation (site.toml or the environment)."""
    return site_setting or os.environ.get(INSECURE_HTTP_ENV, "").strip().lower() in (
        "1",
        "true",
        "yes",
    )


def check_server_url(url: str, *, allow_insecure: bool = False) -> str:
    """``url`` if it is fit to send a token to; ``InsecureServerURL`` with the fix if not."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise InsecureServerURL(
            _(
                "{url} is not a server address. Write it in full, for example "
                "https://sihao.example.gov.cn."
            ).format(url=url)
        )
    if scheme == "http" and not _is_loopback(parts.hostname):
        if not insecure_http_allowed(allow_insecure):
            log.warning("refused plain-http server address %s", url)
            raise InsecureServerURL(
                _(
                    "The server address {url} is not encrypted (http://): the sync token and "
                    "every record could be read on the network. Use the https:// address of "
                    "the server; if IT has no other way, IT can allow it with "
                    "allow_insecure_http = true under [server] in site.toml, or "
                    "{env}=1."
                ).format(url=url, env=INSECURE_HTTP_ENV)
            )
        log.warning("plain-http server address %s allowed by IT's setting", url)
    return url


def _has_ssl_cause(exc: BaseException) -> bool:
    import ssl

    seen: BaseException | None = exc
    for _depth in range(10):  # the chain is short; never loop on a cycle
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def transport_failure(exc: Exception, httpx: Any) -> str:
    """The clerk's sentence for a failure of the network between here and the server."""
    if _has_ssl_cause(exc):
        return _(
            "The sync server's certificate could not be checked (expired, or the address "
            "leads to another machine). Ask IT to check the server address and its "
            "certificate; records waiting to be sent are kept."
        )
    if isinstance(exc, httpx.ConnectTimeout | httpx.ConnectError):
        return _(
            "Cannot reach the sync server: check the network cable or Wi-Fi, or ask IT "
            "whether the server is running. Sync will try again by itself; nothing is lost."
        )
    if isinstance(exc, httpx.TimeoutException):
        return _(
            "The sync server did not answer in time. Sync will try again by itself; "
            "nothing is lost."
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return _(
            "The connection to the sync server dropped half-way. Sync will try again by "
            "itself; nothing is lost."
        )
    return _(
        "Cannot talk to the sync server (the server address or a proxy may be wrong). "
        "Ask IT to check the address; sync will try again by itself."
    )


@dataclass(frozen=True)
class Enrollment:
    token: str
    workstation_id: str
    site_code: str
    server_time: str
    counter_tag: str = ""


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return 0.0
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())


@functools.cache
def _fast_loads() -> Callable[[bytes], Any] | None:
    try:
        from pydantic_core import from_json
    except ImportError:  # pragma: no cover - a workstation installed without it
        return None
    return from_json


def decode_json(body: bytes) -> Any:
    """``json.loads(body)``, faster: pydantic-core's parser when it is there.

    A pull page is ≈ 1.5 MB of JSON; ``json.loads`` spends ≈ 50 ms on it holding the
    GIL the page being applied meanwhile needs (20,000 items: 21 pages, ≈ 1 s), the
    Rust parser about half that, with the same result for JSON (objects, arrays,
    text, whole and decimal numbers, true, false, null; a repeated key keeps its
    last value). What it refuses (a byte order mark, a lone surrogate escape,
    UTF-16, malformed JSON) goes to ``json.loads``, which decides as before:
    ``ValueError`` when it is not JSON.
    """
    fast = _fast_loads()
    if fast is not None:
        try:
            return fast(body)
        except ValueError:
            pass
    return json.loads(body)


def _detail(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return str(response.text[:200])
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
        return detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)[:500]
    return str(body)[:200]


def _raise_for(response: Any) -> None:
    status = int(response.status_code)
    if status < 400:
        return
    detail = _detail(response)
    if status == 401:
        raise Unauthorized(
            _(
                "The server no longer accepts this workstation (its enrollment was revoked). "
                "Ask IT for a new enrollment code; records waiting to be sent are kept."
            ),
            detail,
            status,
        )
    if status == 426:
        raise UpgradeRequired(
            _(
                "The server needs a newer version of Sihao. Please ask IT to upgrade this "
                "workstation; records waiting to be sent are kept."
            ),
            detail,
            status,
        )
    if status in (408, 429) or status >= 500:
        log.warning("sync server answered HTTP %d: %s", status, detail[:200])
        raise Retryable(
            _(
                "The sync server is busy or has a fault (HTTP {status}). Sync will try again "
                "by itself; nothing is lost."
            ).format(status=status),
            detail,
            status,
            parse_retry_after(response.headers.get("Retry-After")),
        )
    code = _code(response)
    sentence = _REFUSALS.get(code)
    if sentence is not None:
        log.warning("the server refused (%s): %s", code, detail)
        raise Refused(sentence(), detail, status, code)
    raise Refused(
        _("The server refused the request: {detail}").format(detail=detail), detail, status, code
    )


def _code(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("code", "")) if isinstance(body, dict) else ""


# What the server says in English, said in the UI's language (by its ``code``).
_REFUSALS: dict[str, Callable[[], str]] = {
    "unknown_code": lambda: _(
        "The server does not know this enrollment code. Check it, or ask IT for a new one."
    ),
    "used_code": lambda: _(
        "This enrollment code was already used. Ask IT for a new one (one code per workstation)."
    ),
    "expired_code": lambda: _("This enrollment code has expired. Ask IT for a new one."),
    "cloned_token": lambda: _(
        "The server refused these records: this workstation's key seems to be in use on "
        "another computer too. Ask IT to revoke it and enroll this workstation again; "
        "records waiting to be sent are kept."
    ),
}


_TAG = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}$")


def _counter_tag(body: Any, *, required: bool = False) -> str:
    """The counter tag of an answer, checked (four Crockford base32 characters)."""
    tag = body.get("counter_tag") if isinstance(body, dict) else None
    if isinstance(tag, str) and _TAG.match(tag):
        return tag
    if tag is None and not required:
        return ""  # an older server: the workstation asks again when it pulls
    raise Retryable(_("The sync server sent an unreadable answer; will retry."), repr(tag)[:80])


class SyncClient:
    """One connection pool to one server; thread-confined (one per worker)."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        schema: int = SCHEMA_VERSION,
        transport: Any = None,
        allow_insecure: bool = False,
    ) -> None:
        check_server_url(base_url, allow_insecure=allow_insecure)
        import httpx  # ≈ 60 ms: only when this workstation talks to a server

        _fast_loads()  # imported now rather than in the first answer
        self._httpx = httpx
        headers = {SCHEMA_HEADER: str(schema), "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, url, **kwargs)
        except self._httpx.TransportError as exc:
            # The class and httpx's words are for IT, in the log; the clerk gets a sentence.
            log.warning("sync %s %s failed: %s: %s", method, url, type(exc).__name__, exc)
            raise Retryable(
                transport_failure(exc, self._httpx), f"{type(exc).__name__}: {exc}"
            ) from exc
        _raise_for(response)
        try:
            return decode_json(response.content)
        except ValueError as exc:
            raise Retryable(
                _("The sync server sent an unreadable answer; will retry."), response.text[:200]
            ) from exc

    def enroll(self, code: str, name: str) -> Enrollment:
        body = self._send(
            "POST", "/v1/enroll", json={"code": code, "name": name, "schema": SCHEMA_VERSION}
        )
        return Enrollment(
            token=str(body["token"]),
            workstation_id=str(body["workstation_id"]),
            site_code=str(body["site_code"]),
            server_time=str(body.get("server_time", "")),
            counter_tag=_counter_tag(body),
        )

    def enrollment(self) -> str:
        """This workstation's counter tag as the server allocated it (allocated now
        if it was enrolled before tags were)."""
        return _counter_tag(self._send("GET", "/v1/sync/enrollment"), required=True)

    def new_counter_tag(self) -> str:
        """A fresh counter tag from the server; the old one is never given again."""
        return _counter_tag(self._send("POST", "/v1/sync/counter-tag"), required=True)

    def push_raw(self, body: bytes) -> dict[str, Any]:
        """POST a ready-made push body (the engine builds it without re-parsing payloads)."""
        answer: dict[str, Any] = self._send(
            "POST",
            "/v1/sync/push",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        return answer

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """POST a JSON body to one of the server's own endpoints (admin calls)."""
        return self._send("POST", path, json=body)

    def plugin_get(self, plugin: str, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET one of a plugin's server endpoints (``/v1/plugins/<plugin>/<path>``)."""
        return self._send("GET", f"/v1/plugins/{plugin}/{path.lstrip('/')}", params=params)

    def audit_anchor(self) -> dict[str, Any]:
        """The head of this workstation's audit chain as the server acknowledged it."""
        answer: dict[str, Any] = self._send("GET", "/v1/sync/audit-anchor")
        return answer

    def pull(self, since: int, limit: int = 1000, *, first: bool = False) -> dict[str, Any]:
        """One page; ``first``: this workstation's first catch-up (open work and the
        recent window, not the site's whole history)."""
        params: dict[str, Any] = {"since": since, "limit": limit}
        if first:
            params["first"] = 1
        answer: dict[str, Any] = self._send("GET", "/v1/sync/pull", params=params)
        return answer
