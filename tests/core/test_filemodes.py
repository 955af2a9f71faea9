"""The store holds every staff PIN hash: only the account running Sihao may read it."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from core import credentials
from core.config import resolve_paths
from core.runtime import Runtime


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most desktops run with: files 0644 and directories 0755 by default."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def open_and_write(data_dir: Path) -> Runtime:
    runtime = Runtime.open(resolve_paths(data_dir))
    runtime.db.execute_sql("CREATE TABLE IF NOT EXISTS probe (x)")  # the WAL is in use
    runtime.db.execute_sql("INSERT INTO probe VALUES (1)")
    return runtime


def test_a_new_store_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "ws"
    runtime = open_and_write(data_dir)
    try:
        db = runtime.paths.database
        wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
        assert wal.exists() and shm.exists()
        assert mode(data_dir) == 0o700
        assert (mode(db), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        runtime.db.close()


def test_a_store_found_readable_is_tightened_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "ws"
    open_and_write(data_dir).db.close()
    db = data_dir / "sihao.db"
    os.chmod(data_dir, 0o755)
    os.chmod(db, 0o644)  # copied in from a backup, say
    Path(f"{db}-wal").touch()
    os.chmod(Path(f"{db}-wal"), 0o666)
    with caplog.at_level(logging.WARNING, logger="core.filemodes"):
        runtime = open_and_write(data_dir)
    try:
        assert mode(data_dir) == 0o700 and mode(db) == 0o600
        assert mode(Path(f"{db}-wal")) == 0o600
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert f"restricted {db} from mode 644 to 600" in logged
        assert f"restricted {data_dir} from mode 755 to 700" in logged
    finally:
        runtime.db.close()


def test_the_plain_text_keyring_file_is_private(tmp_path: Path) -> None:
    """The demo keeps its token in keyrings.alt's plain-text file: 0600 whatever it was."""
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        credentials.set_token(tmp_path / "ws", "secret-token")
        key_file = Path(backend.file_path)
        assert mode(key_file) == 0o600
        os.chmod(key_file, 0o644)
        assert credentials.get_token(tmp_path / "ws") == "secret-token"
        assert mode(key_file) == 0o600
    finally:
        keyring.set_keyring(previous)
