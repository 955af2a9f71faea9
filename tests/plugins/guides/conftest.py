"""The demo site with lookup (which imports the demo catalog) and guides on."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.runtime import Runtime
from tests.conftest import make_runtime
from tests.cups import cups_printer, cups_printers  # noqa: F401 (fixtures)

FOOD = "370303-SCJG-XK-001-01"  # 食品经营许可（新设）: situations S1, S2; online


@pytest.fixture(autouse=True)
def _tools() -> None:
    for tool in ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo", "pdftohtml", "zbarimg"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run `make test` (poppler-utils, zbar-tools)")


@pytest.fixture
def guides_runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir, plugins=["lookup", "guides"])
    rt.apply_policy()
    rt.startup()  # lookup imports the demo catalog
    assert "guides" in rt.host.loaded(), rt.host.plugins["guides"].error
    yield rt
    rt.shutdown()
