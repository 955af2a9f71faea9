from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend
