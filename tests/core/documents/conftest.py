from __future__ import annotations

import shutil

import pytest


@pytest.fixture(autouse=True)
def _poppler() -> None:
    for tool in ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: run `make test` (it installs poppler-utils)")
