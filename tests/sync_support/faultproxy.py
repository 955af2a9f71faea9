"""A small HTTP proxy for fault injection between a workstation and the server.

It understands just enough HTTP/1.1 (headers, Content-Length bodies, keep-alive)
to act per request. Each request takes the next action of the current schedule
(after the schedule, requests pass):

- ``pass``: forward, answer;
- ``drop``: close the client's connection without forwarding (the server never
  hears of it);
- ``delay``: wait a moment, then pass;
- ``reset_mid_body``: forward the headers and half the body, then reset both
  sides (the server sees a truncated request and must not commit it);
- ``drop_response``: forward, let the server commit, read its answer, then close
  the client's connection without a byte (the client cannot know it succeeded);
- ``cut_response``: as above but send half the answer first;
- ``stall``: forward, let the server commit, hold the answer past the client's
  timeout, then close;
- ``duplicate``: forward the request twice at once on two connections (a retry
  racing the original), answer with one of the two;
- ``busy``: answer 503 with ``Retry-After: 2`` without forwarding (load shedding).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

ACTIONS = (
    "pass",
    "drop",
    "delay",
    "reset_mid_body",
    "drop_response",
    "cut_response",
    "stall",
    "duplicate",
    "busy",
)


def _read_until(sock: socket.socket, buffer: bytearray, marker: bytes) -> int:
    while True:
        index = buffer.find(marker)
        if index >= 0:
            return index
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer.extend(chunk)


def _read_message(sock: socket.socket, buffer: bytearray) -> bytes:
    """One HTTP message (headers + Content-Length body) from ``sock``; keeps the rest."""
    end = _read_until(sock, buffer, b"\r\n\r\n") + 4
    head = bytes(buffer[:end])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _sep, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            raise ValueError("chunked bodies are not supported by the test proxy")
    while len(buffer) < end + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-body")
        buffer.extend(chunk)
    message = bytes(buffer[: end + length])
    del buffer[: end + length]
    return message


def _reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN (a connection reset)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


@dataclass
class FaultProxy:
    upstream_port: int
    stall_seconds: float = 1.5
    delay_seconds: float = 0.05
    port: int = 0
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._schedule: list[str] = []
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._closing = False
        self._threads: list[threading.Thread] = []
        threading.Thread(target=self._accept, daemon=True, name="fault-proxy").start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_schedule(self, actions: Iterable[str]) -> None:
        with self._lock:
            self._schedule = list(actions)

    def remaining(self) -> int:
        with self._lock:
            return len(self._schedule)

    def _next_action(self) -> str:
        with self._lock:
            action = self._schedule.pop(0) if self._schedule else "pass"
        self.log.append(action)
        return action

    def close(self) -> None:
        self._closing = True
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    # -- serving ---------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _addr = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _exchange(self, request: bytes) -> bytes:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
        try:
            upstream.sendall(request)
            return _read_message(upstream, bytearray())
        finally:
            upstream.close()

    def _serve(self, client: socket.socket) -> None:
        buffer = bytearray()
        client.settimeout(30)
        try:
            while not self._closing:
                try:
                    request = _read_message(client, buffer)
                except (ConnectionError, OSError, ValueError):
                    return
                action = self._next_action()
                if action == "drop":
                    client.close()
                    return
                if action == "busy":
                    body = b'{"detail":"busy"}'
                    client.sendall(
                        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                        b"Retry-After: 2\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                    )
                    continue
                if action == "reset_mid_body":
                    upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
                    head_end = request.find(b"\r\n\r\n") + 4
                    body = request[head_end:]
                    upstream.sendall(request[: head_end + len(body) // 2])
                    time.sleep(0.02)
                    _reset(upstream)
                    _reset(client)
                    return
                if action == "delay":
                    time.sleep(self.delay_seconds)
                if action == "duplicate":
                    twin = threading.Thread(target=self._exchange, args=(request,))
                    twin.start()
                    response = self._exchange(request)
                    twin.join(timeout=30)
                else:
                    response = self._exchange(request)
                if action == "drop_response":
                    _reset(client)
                    return
                if action == "cut_response":
                    client.sendall(response[: max(1, len(response) // 2)])
                    _reset(client)
                    return
                if action == "stall":
                    time.sleep(self.stall_seconds)
                    client.close()
                    return
                client.sendall(response)
        except OSError:
            return
        finally:
            try:
                client.close()
            except OSError:
                pass
