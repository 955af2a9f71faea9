"""A real server on loopback for tests (the server's and the sync client's).

``live_server(database_url)`` runs uvicorn in a thread of the test process on a free
port, so a test can also register plugin objects on ``server.host`` and call
``server.admin`` functions against the same database. ``postgres_database()``
creates a uniquely named PostgreSQL database and drops it afterwards, so parallel
test runs never collide.

One server per process at a time: the server's models bind one database proxy.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from core.plugins import PluginHost

POSTGRES_ADMIN_URL = os.environ.get(
    "SIHAO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    database_url: str
    app: Any
    host: PluginHost


@contextmanager
def live_server(
    database_url: str, *, host: PluginHost | None = None, **app_options: Any
) -> Iterator[LiveServer]:
    import uvicorn

    from server.app import create_app
    from server.db import database

    app = create_app(database_url, host=host, **app_options)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"sihao-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", database_url, app, app.state.host)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        database.close() if not database.is_closed() else None
        closer = getattr(database.obj, "close_all", None)
        if closer is not None:
            closer()


def postgres_available() -> bool:
    try:
        import psycopg2

        conn = psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=3)
        conn.close()
        return True
    except Exception:
        return False


@contextmanager
def postgres_database(prefix: str = "sihao_test") -> Iterator[str]:
    """A fresh PostgreSQL database; yields its URL and drops it afterwards."""
    import psycopg2

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES_ADMIN_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        yield f"{base}/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
