"""A runtime with the feedback plugin enabled on the demo site (张店区政务服务中心)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.runtime import Runtime
from tests.conftest import make_runtime


@pytest.fixture
def fb_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["about", "feedback"])
    rt.apply_policy()
    assert "feedback" in rt.host.loaded(), rt.host.plugins["feedback"].error
    yield rt
    rt.shutdown()
