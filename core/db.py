"""The workstation's local store: one SQLite file, opened the same way everywhere.

WAL lets the sync worker read while a clerk writes; ``synchronous=FULL`` because a
power cut at the counter must not lose a confirmed rating; foreign keys on because
SQLite leaves them off. Models bind to ``database`` (a proxy) so tests and the CLI
can point them at any file.

The file is private (``core.filemodes``): created 0600, tightened if found looser,
and SQLite gives its ``-wal`` and ``-shm`` files the database's own mode.

Opening refuses, with a sentence for the user and nothing overwritten, a file that
is not a SQLite database or that another process holds locked.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import peewee

from core import filemodes
from core.i18n import _

log = logging.getLogger(__name__)

database = peewee.DatabaseProxy()

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": 5000,
}


class StoreError(Exception):
    """The local store cannot be used; ``str()`` is the sentence for the user."""


def new_id() -> str:
    """A UUIDv7 as text: time-ordered, so ids created offline sort by creation."""
    from uuid6 import uuid7  # ~20 ms (it reads package metadata): not on the start-up path

    return str(uuid7())


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def open_database(path: Path, *, bind: bool = True) -> peewee.SqliteDatabase:
    """Open (creating if absent) the SQLite file and check it is usable."""
    path = Path(path)
    existed = path.exists() and path.stat().st_size > 0
    path.parent.mkdir(parents=True, exist_ok=True)
    # Before SQLite creates it with the umask's mode (0644: readable by every account).
    filemodes.private_file(path)
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        filemodes.tighten(companion, filemodes.PRIVATE_FILE)
    db = peewee.SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        if existed:
            # Proves we can take the write lock now, without changing anything.
            db.execute_sql("BEGIN IMMEDIATE")
            db.execute_sql("ROLLBACK")
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        text = str(exc).lower()
        log.error("cannot open store %s: %s", path, exc)
        if "locked" in text or "busy" in text:
            raise StoreError(
                _(
                    "The database {path} is in use by another program. Close the other Sihao window and try again."
                ).format(path=path)
            ) from exc
        raise StoreError(
            _(
                "The database {path} is damaged or is not a Sihao database. It was left untouched; ask IT to restore it from the server or a backup."
            ).format(path=path)
        ) from exc
    if bind:
        database.initialize(db)
    return db


def atomic() -> Any:
    """A transaction on the bound store (domain row and outbox row commit together)."""
    return database.atomic()
