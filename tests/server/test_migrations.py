"""The server's migrations build exactly its models, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from playhouse.schema_diff import diff_models

from core import migrate
from server.app import MIGRATIONS
from server.db import make_database
from server.models import MODELS
from server.testing import postgres_available, postgres_database


def test_server_migrations_match_models_on_sqlite(tmp_path: Path) -> None:
    db = make_database(f"sqlite:///{tmp_path / 's.db'}")
    assert migrate.run(db, "server", MIGRATIONS) == ["0001_initial"]
    assert migrate.run(db, "server", MIGRATIONS) == []
    assert not diff_models(db, MODELS)
    db.close()


def test_server_migrations_run_on_postgresql() -> None:
    if not postgres_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with postgres_database() as url:
        db = make_database(url)
        assert migrate.run(db, "server", MIGRATIONS) == ["0001_initial"]
        assert set(db.get_tables()) >= {m._meta.table_name for m in MODELS}
        db.close_all()
