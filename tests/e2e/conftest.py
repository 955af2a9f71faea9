"""End-to-end sync: a real server on loopback (SQLite, then PostgreSQL) and real workstations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import central_server


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        yield srv
