"""Models and migration scripts must agree: a model change without a migration fails here."""

from __future__ import annotations

from pathlib import Path

from playhouse.schema_diff import diff_models

from core import migrate
from core.db import open_database
from core.schema import MODELS
from plugins.about.models import MODELS as ABOUT_MODELS


def test_core_migrations_match_models(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.db", bind=False)
    assert migrate.run(db, "core", migrate.CORE_MIGRATIONS) == ["0001_initial", "0002_outbox"]
    assert migrate.run(db, "core", migrate.CORE_MIGRATIONS) == []
    assert not diff_models(db, MODELS)
    db.close()


def test_plugin_migrations_match_models(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.db", bind=False)
    migrate.run(db, "core", migrate.CORE_MIGRATIONS)
    directory = (
        Path(__import__("plugins.about.plugin", fromlist=["x"]).__file__).parent / "migrations"
    )
    migrate.run(db, "about", directory)
    assert not diff_models(db, ABOUT_MODELS)
    db.close()
