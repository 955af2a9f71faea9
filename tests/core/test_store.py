from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.db import StoreError, open_database


def test_pragmas(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.db", bind=False)
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "sihao.db"
    garbage = b"this is not a database " * 200
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as caught:
        open_database(path, bind=False)
    assert "已损坏" in str(caught.value)
    assert path.read_bytes() == garbage


def test_locked_file_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "sihao.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        import core.db

        saved = dict(core.db.PRAGMAS)
        core.db.PRAGMAS["busy_timeout"] = 100
        try:
            with pytest.raises(StoreError) as caught:
                open_database(path, bind=False)
        finally:
            core.db.PRAGMAS.clear()
            core.db.PRAGMAS.update(saved)
        assert "占用" in str(caught.value)
    finally:
        other.rollback()
        other.close()
