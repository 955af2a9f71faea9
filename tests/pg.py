"""PostgreSQL in tests: required. The server runs on it in production, so its tests
never pass without it; `make test` starts the local cluster if it is down."""

from __future__ import annotations

import pytest

from server.testing import postgres_available


def require_postgres() -> None:
    if not postgres_available():
        pytest.fail(
            "PostgreSQL is not running on 127.0.0.1:5432 (trust auth, database test): "
            "`make test` starts the local cluster; the server's tests need it"
        )
