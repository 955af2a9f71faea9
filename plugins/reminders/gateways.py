"""The SMS gateway interface, an HTTP provider adapter and a file gateway for demos.

A gateway sends one message under an idempotency key and answers the provider's
message id; asked again with the same key (a worker killed after the provider
accepted, before the outbox row was marked), the provider answers the same id and
sends nothing. ``status(message_id)`` polls a delivery report.

Failures come in two kinds: ``Transient`` (the provider is down, busy, answered
5xx or did not answer in time: try again later, with the same key) and
``Permanent`` (the provider refused this message: a number it does not serve, a
text it will not carry; trying again changes nothing).

The HTTP protocol (the one the loopback fake in ``data/sms_fake.py`` serves):

- ``POST {url}/messages`` with ``Authorization: Bearer {key}`` and JSON
  ``{"to": "13812345678", "text": "…", "idempotency_key": "…"}`` (also sent as the
  ``Idempotency-Key`` header); 200/201/202 answers ``{"message_id": "…"}``; 4xx
  is permanent (``{"error": "…"}``), 408, 429 and 5xx transient.
- ``GET {url}/messages/{message_id}`` answers ``{"status": "delivered" |
  "pending" | "failed", "error": "…"}``.

Configured on the server with ``SIHAO_SMS_GATEWAY`` (``https://…`` for the
provider, ``file:/path/sms.jsonl`` or ``console`` for demos) and
``SIHAO_SMS_KEY``; ``SIHAO_SMS_TIMEOUT`` (seconds, default 10).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

DELIVERED = "delivered"
PENDING = "pending"
UNDELIVERED = "failed"


class GatewayError(Exception):
    """Base of a failed send; ``str()`` is for IT's log and the outbox row."""


class Transient(GatewayError):
    """Try again later with the same key."""


class Permanent(GatewayError):
    """The provider will never take this message."""


class Gateway(Protocol):
    name: str

    def send(self, to: str, text: str, key: str) -> str:
        """Send (or find already sent) the message under ``key``; its message id."""
        ...

    def status(self, message_id: str) -> str:
        """``delivered``, ``pending`` or ``failed``."""
        ...

    def close(self) -> None: ...


class HttpGateway:
    """The provider's HTTP API, by URL and key."""

    name = "http"

    def __init__(self, url: str, key: str, *, timeout: float = 10.0) -> None:
        import httpx  # ≈ 40 ms: only when a worker sends

        self.url = url.rstrip("/")
        self._httpx = httpx
        self._client = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {key}"} if key else {},
            timeout=timeout,
        )

    def send(self, to: str, text: str, key: str) -> str:
        try:
            answer = self._client.post(
                "/messages",
                json={"to": to, "text": text, "idempotency_key": key},
                headers={"Idempotency-Key": key},
            )
        except self._httpx.TransportError as exc:  # refused, reset, timed out
            raise Transient(f"{type(exc).__name__}: {exc}") from exc
        if answer.status_code in (408, 429) or answer.status_code >= 500:
            raise Transient(f"provider answered {answer.status_code}")
        if answer.status_code >= 400:
            raise Permanent(f"provider refused: {answer.status_code} {_error_of(answer)}")
        try:
            message_id = str(answer.json()["message_id"])
        except (ValueError, KeyError, TypeError) as exc:
            # Accepted (2xx) but unreadable: the same key asks again and gets the id.
            raise Transient(f"unreadable answer: {answer.text[:100]!r}") from exc
        return message_id

    def status(self, message_id: str) -> str:
        try:
            answer = self._client.get(f"/messages/{message_id}")
        except self._httpx.TransportError as exc:
            raise Transient(f"{type(exc).__name__}: {exc}") from exc
        if answer.status_code >= 400:
            raise Transient(f"provider answered {answer.status_code}")
        try:
            status = str(answer.json()["status"])
        except (ValueError, KeyError, TypeError) as exc:
            raise Transient(f"unreadable report: {answer.text[:100]!r}") from exc
        return status if status in (DELIVERED, PENDING, UNDELIVERED) else PENDING

    def close(self) -> None:
        self._client.close()


def _error_of(answer: Any) -> str:
    try:
        return str(answer.json().get("error", ""))[:200]
    except (ValueError, AttributeError):
        return answer.text[:200]


class FileGateway:
    """Demo gateway: each message becomes a JSON line in a file (or on stdout).

    Idempotent like a provider: a key already in the file is not written again.
    Every message counts as delivered.
    """

    name = "file"

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._sent: set[str] = set()
        if path is not None and path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    self._sent.add(str(json.loads(line)["idempotency_key"]))
                except (ValueError, KeyError, TypeError):
                    continue

    @staticmethod
    def message_id(key: str) -> str:
        return "file-" + hashlib.sha256(key.encode()).hexdigest()[:16]

    def send(self, to: str, text: str, key: str) -> str:
        with self._lock:
            if key not in self._sent:
                line = json.dumps(
                    {"to": to, "text": text, "idempotency_key": key}, ensure_ascii=False
                )
                if self.path is None:
                    print(line, file=sys.stdout, flush=True)
                else:
                    with self.path.open("a", encoding="utf-8") as out:
                        out.write(line + "\n")
                        out.flush()
                        os.fsync(out.fileno())
                self._sent.add(key)
        return self.message_id(key)

    def status(self, message_id: str) -> str:
        return DELIVERED

    def close(self) -> None:
        """Nothing held open: each send opens, appends to and syncs the file."""


class GatewayConfigError(ValueError):
    """SIHAO_SMS_GATEWAY names no gateway that can be used (the sentence says which are)."""


def from_config(spec: str, key: str = "", timeout: float = 10.0) -> Gateway | None:
    """A gateway from ``SIHAO_SMS_GATEWAY``-style text; None when it is empty."""
    spec = spec.strip()
    if not spec:
        return None
    if spec == "console":
        return FileGateway(None)
    if spec.startswith("file:"):
        return FileGateway(Path(spec[len("file:") :]))
    if spec.startswith(("http://", "https://")):
        return HttpGateway(spec, key, timeout=timeout)
    raise GatewayConfigError(
        f"SIHAO_SMS_GATEWAY={spec!r}: use the provider's https:// URL, file:/path or console"
    )


def from_env() -> Gateway | None:
    try:
        timeout = float(os.environ.get("SIHAO_SMS_TIMEOUT", "10"))
    except ValueError:
        timeout = 10.0
    return from_config(
        os.environ.get("SIHAO_SMS_GATEWAY", ""), os.environ.get("SIHAO_SMS_KEY", ""), timeout
    )
