"""The server's migrations build exactly its models, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from playhouse.schema_diff import diff_models

from core import migrate
from server.app import MIGRATIONS
from server.db import make_database
from server.models import MODELS
from server.testing import postgres_database
from tests.pg import require_postgres


def test_server_migrations_match_models_on_sqlite(tmp_path: Path) -> None:
    db = make_database(f"sqlite:///{tmp_path / 's.db'}")
    assert migrate.run(db, "server", MIGRATIONS) == ["0001_initial"]
    assert migrate.run(db, "server", MIGRATIONS) == []
    assert not diff_models(db, MODELS)
    db.close()


def test_server_migrations_run_on_postgresql() -> None:
    require_postgres()
    with postgres_database() as url:
        db = make_database(url)
        assert migrate.run(db, "server", MIGRATIONS) == ["0001_initial"]
        assert set(db.get_tables()) >= {m._meta.table_name for m in MODELS}
        db.close_all()
