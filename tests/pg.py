"""PostgreSQL in tests: required in CI (the machine runs it), skipped on a laptop without it."""

from __future__ import annotations

import os

import pytest

from server.testing import postgres_available


def require_postgres() -> None:
    if postgres_available():
        return
    message = "PostgreSQL is not running on 127.0.0.1:5432"
    if os.environ.get("CI"):
        pytest.fail(message + ": CI must test PostgreSQL (.ci/run starts it)")
    pytest.skip(message)
