"""A fake SMS provider on loopback, speaking the HTTP protocol the real adapter uses
(plugins/reminders/gateways.py): for the tests and the benchmark, since no real
provider runs here.

It behaves like a provider with idempotency keys: a key it has accepted is
answered with the same message id and delivers nothing more. Knobs:

- ``fail_rate``: that share of calls answers 500 *without* accepting;
- ``slow_rate`` / ``slow_seconds``: that share of calls accepts the message, then
  answers only after ``slow_seconds`` (longer than the client's timeout: the
  client sees a timeout although the message went out);
- ``down``: every call answers 503;
- ``hold``: set it and the next accepted call waits before answering (``held``
  is set meanwhile) until ``release`` is set: a test kills the worker then.

``deliveries`` lists what reached phones, in order; ``calls`` counts requests.
Run alone: ``python -m data.sms_fake --port 8790`` (demo).
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Delivery:
    to: str
    text: str
    key: str
    message_id: str


@dataclass
class FakeProvider:
    key: str = "test-key"
    fail_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 0.0
    down: bool = False
    seed: int = 7
    deliveries: list[Delivery] = field(default_factory=list)
    by_key: dict[str, Delivery] = field(default_factory=dict)
    calls: int = 0
    accepted_calls: int = 0  # calls that found or made a message (not failed)
    hold: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    # -- what a handler does --------------------------------------------------------
    def post(self, body: dict[str, Any], auth: str) -> tuple[int, dict[str, Any], float]:
        with self.lock:
            self.calls += 1
            if auth != f"Bearer {self.key}":
                return 401, {"error": "bad key"}, 0.0
            if self.down:
                return 503, {"error": "down"}, 0.0
            to, text, key = body.get("to"), body.get("text"), body.get("idempotency_key")
            if not (isinstance(to, str) and to.isdigit() and len(to) == 11):
                return 400, {"error": "bad number"}, 0.0
            if not isinstance(text, str) or not text or not isinstance(key, str) or not key:
                return 400, {"error": "text and idempotency_key required"}, 0.0
            roll = self._random.random()
            if roll < self.fail_rate:
                return 500, {"error": "try later"}, 0.0
            delay = self.slow_seconds if roll < self.fail_rate + self.slow_rate else 0.0
            found = self.by_key.get(key)
            if found is None:
                message_id = "m-" + hashlib.sha256(key.encode()).hexdigest()[:20]
                found = Delivery(to, text, key, message_id)
                self.by_key[key] = found
                self.deliveries.append(found)
            self.accepted_calls += 1
        if self.hold.is_set():
            self.hold.clear()
            self.held.set()
            self.release.wait(30)
        return 200, {"message_id": found.message_id}, delay

    def status(self, message_id: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if self.down:
                return 503, {"error": "down"}
            known = any(d.message_id == message_id for d in self.by_key.values())
        return (200, {"status": "delivered"}) if known else (404, {"error": "no such message"})

    # -- what the tests read --------------------------------------------------------
    def sent_twice(self) -> int:
        """Messages that reached a phone more than once: a key delivered twice, or
        the same reminder under two keys (same number, same text)."""
        keys: dict[str, int] = {}
        texts: dict[tuple[str, str], int] = {}
        for d in self.deliveries:
            keys[d.key] = keys.get(d.key, 0) + 1
            texts[(d.to, d.text)] = texts.get((d.to, d.text), 0) + 1
        return sum(1 for n in keys.values() if n > 1) + sum(1 for n in texts.values() if n > 1)

    def repeated_calls(self) -> int:
        """Calls for a key already accepted (a retry after a timeout or a kill): each
        would have been a second SMS without the idempotency key."""
        return self.accepted_calls - len(self.deliveries)


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._answer(400, {"error": "not JSON"})
                return
            if self.path.rstrip("/") != "/messages" or not isinstance(body, dict):
                self._answer(404, {"error": "no such endpoint"})
                return
            status, answer, delay = provider.post(body, self.headers.get("Authorization", ""))
            if delay:
                time.sleep(delay)
            self._answer(status, answer)

        def do_GET(self) -> None:  # noqa: N802
            if not self.path.startswith("/messages/"):
                self._answer(404, {"error": "no such endpoint"})
                return
            status, answer = provider.status(self.path.rsplit("/", 1)[1])
            self._answer(status, answer)

    return Handler


@contextmanager
def serve(provider: FakeProvider | None = None, port: int = 0) -> Iterator[FakeProvider]:
    """Run ``provider`` on 127.0.0.1 (a free port unless given); ``provider.url``."""
    provider = provider or FakeProvider()
    httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(provider))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="sms-fake", daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield provider
    finally:
        provider.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def main() -> None:  # pragma: no cover - a demo helper
    import argparse

    parser = argparse.ArgumentParser(description="A fake SMS provider on loopback.")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--key", default="demo-key")
    parser.add_argument("--fail-rate", type=float, default=0.0)
    args = parser.parse_args()
    with serve(FakeProvider(key=args.key, fail_rate=args.fail_rate), args.port) as provider:
        print(f"fake SMS provider at {provider.url} (key {args.key}); Ctrl+C stops it")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
