"""A real headless Chromium (Debian's chromium and chromium-driver) driven by selenium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


def require_chromium() -> None:
    """Required, like PostgreSQL and CUPS: a browser test that skips proves nothing."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail(
            "chromium and chromium-driver are not installed: `make test` installs them "
            "(make system-deps)"
        )


@contextmanager
def chromium(width: int = 390, height: int = 844) -> Iterator[Any]:
    """A headless browser; a phone-sized window by default."""
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    options.add_argument(f"--window-size={max(width, 500)},{height}")
    if width < 500:  # a phone: headless windows are at least 500 wide, so emulate one
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 3.0}},
        )
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
