"""Schema changes through peewee's own runner (playhouse.migrations).

Core and each plugin keep numbered scripts in their own ``migrations/`` directory
and their own history table (``migrations_<owner>``), so a plugin enabled later, or
a site that never enabled it, migrates independently of the others.
"""

from __future__ import annotations

import logging
from pathlib import Path

import peewee

log = logging.getLogger(__name__)

CORE_MIGRATIONS = Path(__file__).parent / "migrations"


def _up_to_date(db: peewee.Database, owner: str, directory: Path) -> bool:
    """Every script in ``directory`` is in the history table (the usual case at start-up)."""
    table = f"migrations_{owner}"
    names = {p.stem for p in directory.glob("[0-9]*.py")}
    if not db.table_exists(table):
        return not names
    applied = {row[0] for row in db.execute_sql(f'SELECT name FROM "{table}"')}
    return names <= applied


def run(db: peewee.Database, owner: str, directory: Path) -> list[str]:
    """Apply the pending migrations of one owner; return their names."""
    if _up_to_date(db, owner, directory):
        return []
    # The runner and its schema tooling cost ~25 ms to import: only when needed.
    from playhouse.migrations import Runner

    runner = Runner(db, str(directory), table_name=f"migrations_{owner}")
    applied: list[str] = runner.up()
    for name in applied:
        log.info("migrated %s: %s", owner, name)
    return applied


def pending(db: peewee.Database, owner: str, directory: Path) -> list[str]:
    from playhouse.migrations import Runner

    runner = Runner(db, str(directory), table_name=f"migrations_{owner}")
    return [m.name for m in runner.status() if m.path is not None and not m.applied]
