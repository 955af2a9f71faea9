"""Schema changes through peewee's own runner (playhouse.migrations).

Core and each plugin keep numbered scripts in their own ``migrations/`` directory
and their own history table (``migrations_<owner>``), so a plugin enabled later, or
a site that never enabled it, migrates independently of the others.
"""

from __future__ import annotations

import logging
from pathlib import Path

import peewee
from playhouse.migrations import Runner

log = logging.getLogger(__name__)

CORE_MIGRATIONS = Path(__file__).parent / "migrations"


def run(db: peewee.Database, owner: str, directory: Path) -> list[str]:
    """Apply the pending migrations of one owner; return their names."""
    runner = Runner(db, str(directory), table_name=f"migrations_{owner}")
    applied: list[str] = runner.up()
    for name in applied:
        log.info("migrated %s: %s", owner, name)
    return applied


def pending(db: peewee.Database, owner: str, directory: Path) -> list[str]:
    runner = Runner(db, str(directory), table_name=f"migrations_{owner}")
    return [m.name for m in runner.status() if m.path is not None and not m.applied]
