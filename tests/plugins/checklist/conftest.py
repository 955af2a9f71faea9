"""A runtime with the checklist plugin on the demo site (张店区政务服务中心)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.runtime import Runtime
from tests.conftest import make_runtime

CREDIT_CODE = "91370303MA3C4XQ124"  # check character computed by python-stdnum


@pytest.fixture
def cl_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["checklist"])
    rt.apply_policy()
    assert "checklist" in rt.host.loaded(), rt.host.plugins["checklist"].error
    yield rt
    rt.shutdown()
