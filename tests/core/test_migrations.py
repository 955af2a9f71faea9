"""Models and migration scripts must agree: a model change without a migration fails here."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from playhouse.schema_diff import diff_models

from core import migrate
from core.db import open_database
from core.plugins import BUILTIN_PLUGINS
from core.schema import MODELS


def test_core_migrations_match_models(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.db", bind=False)
    applied = migrate.run(db, "core", migrate.CORE_MIGRATIONS)
    assert applied[0] == "0001_initial"
    assert migrate.run(db, "core", migrate.CORE_MIGRATIONS) == []
    assert not diff_models(db, MODELS)
    db.close()


@pytest.mark.parametrize("name", sorted(BUILTIN_PLUGINS))
def test_plugin_migrations_match_models(tmp_path: Path, name: str) -> None:
    module = importlib.import_module(BUILTIN_PLUGINS[name])
    db = open_database(tmp_path / "m.db", bind=False)
    migrate.run(db, "core", migrate.CORE_MIGRATIONS)
    models = module.sihao_models() if hasattr(module, "sihao_models") else []
    if hasattr(module, "sihao_migrations"):
        migrate.run(db, name, Path(module.sihao_migrations()))
    assert not diff_models(db, models), f"{name}: models and migrations disagree"
    db.close()
