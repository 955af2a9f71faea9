"""The demo site (张店区政务服务中心) with lookup (which imports the demo catalog) and
intake on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.runtime import Runtime
from tests.conftest import make_runtime


@pytest.fixture
def intake_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["lookup", "intake", "feedback"])
    rt.apply_policy()
    rt.startup()  # lookup imports the demo catalog
    assert "intake" in rt.host.loaded(), rt.host.plugins["intake"].error
    yield rt
    rt.shutdown()
