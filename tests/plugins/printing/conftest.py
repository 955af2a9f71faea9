"""A runtime with the printing plugin on the demo site, beside real cups-pdf printers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.runtime import Runtime
from tests.conftest import make_runtime
from tests.cups import cups_printer, cups_printers  # noqa: F401 (fixtures)


@pytest.fixture
def pr_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["printing"])
    rt.apply_policy()
    assert "printing" in rt.host.loaded(), rt.host.plugins["printing"].error
    yield rt
    rt.shutdown()
