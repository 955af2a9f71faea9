from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from core import migrate
from core.db import open_database

SMALL_CATALOG = Path(__file__).parent / "small_catalog.json"


@pytest.fixture
def catalog_db(tmp_path: Path) -> Iterator[peewee.SqliteDatabase]:
    """A real store with the core migrations (catalog tables included) applied."""
    db = open_database(tmp_path / "store.db")
    migrate.run(db, "core", migrate.CORE_MIGRATIONS)
    yield db
    db.close()
