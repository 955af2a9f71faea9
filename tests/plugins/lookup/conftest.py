from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.runtime import Runtime
from tests.conftest import make_runtime


@pytest.fixture
def lookup_runtime(data_dir: Path) -> Iterator[Runtime]:
    """The demo site with the lookup plugin on; startup imports the demo catalog."""
    rt = make_runtime(data_dir, plugins=["lookup"])
    rt.apply_policy()
    yield rt
    rt.shutdown()
