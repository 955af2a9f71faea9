"""The server's own database: SQLite by default, PostgreSQL in production.

Server models bind to ``database`` here, never to ``core.db.database``: tests run a
workstation's store and a server in one process, and each must keep its own.

SQLite: WAL, ``busy_timeout``, and every transaction ``BEGIN IMMEDIATE``, so two
writers queue for the lock instead of failing when a reader upgrades. PostgreSQL:
a connection pool per process (uvicorn runs requests on a thread pool; peewee keeps
one connection per thread), returned to the pool after each request.

Change rows must become visible in sequence order, or a pull could skip a row whose
transaction committed after a later one. SQLite has one writer at a time, so this
holds by itself; on PostgreSQL a transaction that writes change rows first takes a
transaction-scoped advisory lock (``lock_changes``), which orders those commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

import peewee

database = peewee.DatabaseProxy()

# Any fixed 64-bit number the rest of the schema never uses.
_CHANGES_LOCK_KEY = 7_369_020_001

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    # FULL: a standalone bureau runs the server on SQLite, and a push answered
    # "applied" must survive a power cut (NORMAL may lose the last commits; the
    # workstation would have dropped them from its outbox already).
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": 15000,
}


class ServerModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class DatabaseURLError(ValueError):
    """The database URL cannot be used; ``str()`` says why."""


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for any other scheme)."""
    parsed = urlparse(url)
    if parsed.scheme.lower() != "sqlite":
        return None
    path = parsed.path
    if url.startswith("sqlite:////"):
        path = "/" + path.lstrip("/")
    elif url.startswith("sqlite:///"):
        path = path[1:]
    if not path or path == ":memory:":
        raise DatabaseURLError("the server needs a database file: sqlite:///path/to/file.db")
    return Path(path)


def make_database(url: str, *, max_connections: int = 32) -> peewee.Database:
    """A peewee database for ``sqlite:///path`` or ``postgresql://user@host/db``."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "sqlite":
        path = str(sqlite_path(url))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return peewee.SqliteDatabase(
            path,
            pragmas=SQLITE_PRAGMAS,
            check_same_thread=False,
            lock_type="IMMEDIATE",
            returning_clause=True,
            timeout=15,
        )
    if scheme in ("postgres", "postgresql"):
        params: dict[str, Any] = dict(parse_qsl(parsed.query))
        if parsed.username:
            params["user"] = parsed.username
        if parsed.password:
            params["password"] = parsed.password
        if parsed.hostname:
            params["host"] = parsed.hostname
        if parsed.port:
            params["port"] = parsed.port
        name = parsed.path.lstrip("/")
        if not name:
            raise DatabaseURLError("name the database: postgresql://user@host:5432/NAME")
        pooled: peewee.Database = _LazyBeginPostgres(
            name, max_connections=max_connections, stale_timeout=300, timeout=30, **params
        )
        return pooled
    raise DatabaseURLError(
        f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://"
    )


def _lazy_begin_class() -> type:
    from playhouse.pool import PooledPostgresqlDatabase

    class LazyBeginPostgres(PooledPostgresqlDatabase):  # type: ignore[misc]
        """BEGIN travels with the transaction's first statement.

        Each round trip is what a loaded server waits on; a push is BEGIN, one
        statement and COMMIT, so sending BEGIN on its own was a third of its trips.
        A transaction that executes nothing sends nothing.
        """

        def begin(self, isolation_level: Any = None) -> None:
            if isolation_level is not None or self._isolation_level:
                super().begin(isolation_level)
                return
            if self.is_closed():
                self.connect()  # now: connecting later would reset the transaction stack
            self._state.pending_begin = True

        def _take_begin(self) -> bool:
            pending = getattr(self._state, "pending_begin", False)
            self._state.pending_begin = False
            return bool(pending)

        def execute_sql(self, sql: str, params: Any = None) -> Any:
            if self._take_begin():
                sql = "BEGIN; " + sql
            return super().execute_sql(sql, params)

        def commit(self) -> None:
            if not self._take_begin():
                super().commit()

        def rollback(self) -> None:
            if not self._take_begin():
                super().rollback()

    return LazyBeginPostgres


def _LazyBeginPostgres(*args: Any, **kwargs: Any) -> peewee.Database:
    database: peewee.Database = _lazy_begin_class()(*args, **kwargs)
    return database


def bind(db: peewee.Database) -> None:
    database.initialize(db)


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


@contextmanager
def transaction() -> Iterator[None]:
    """One write transaction (``BEGIN IMMEDIATE`` on SQLite)."""
    with database.atomic():
        yield


def lock_changes() -> None:
    """Order change-row commits by sequence (PostgreSQL; a no-op on SQLite).

    Call inside the transaction, before the first change row. Re-entrant: taking
    the same transaction lock twice is harmless.
    """
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_CHANGES_LOCK_KEY,))


class DatabaseUnavailable(Exception):
    """The database could not be reached or failed mid-request; the client retries."""


@contextmanager
def request_connection() -> Iterator[None]:
    """Around a request's database work.

    Each request thread keeps its connection from one request to the next (checking
    a pooled connection out and in around every request cost more than the push
    itself under load). A connection that failed is dropped, so the thread's next
    request opens a fresh one, and the failure becomes ``DatabaseUnavailable``.
    """
    try:
        yield
    except (peewee.InterfaceError, peewee.OperationalError) as exc:
        discard_connection()
        raise DatabaseUnavailable(str(exc)) from exc


def discard_connection() -> None:
    state = database.obj._state
    if getattr(state, "pending_begin", False):
        state.pending_begin = False
    try:
        if not database.is_closed():
            database.close()
    except Exception:  # already broken: forget it
        database.obj._state.reset()
