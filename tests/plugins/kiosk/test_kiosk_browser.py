"""The kiosk in a real headless Chromium, served by ``sihao kiosk serve``
(textual-serve): the page loads, a query typed shows results, an item opens.

The terminal draws on a canvas, so what the kiosk did is read from its log (the
kiosk process logs how many results a search found and which item opened), and
a screenshot of each step is compared with the one before."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.plugins.kiosk.browser import chromium
from tests.plugins.kiosk.serve import demo_kiosk, kiosk_served, log_lines, wait_for

# The terminal's keyboard, focused without a click into the app (a click on the
# background would take the focus off the start screen's first tile).
FOCUS_TERMINAL = "document.querySelector('.xterm-helper-textarea').focus()"


def test_the_kiosk_page_searches_and_opens_an_item(data_dir: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    log = demo_kiosk(data_dir)
    with kiosk_served(data_dir) as url, chromium(1280, 900) as browser:
        browser.get(url)
        assert wait_for(
            lambda: (
                "-first-byte"
                in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or "")
            )
        ), "the kiosk never drew in the browser"
        # Keys typed before the kiosk has drawn its start screen are lost.
        assert wait_for(lambda: log_lines(log, "kiosk: start screen up"))
        time.sleep(0.2)
        start = browser.get_screenshot_as_png()
        browser.execute_script(FOCUS_TERMINAL)
        keys = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        keys.send_keys(Keys.ENTER)  # the first tile (focused): find a service
        # Typed once the search screen is there, as a person would.
        assert wait_for(lambda: log_lines(log, "kiosk: kiosk.search opened"))
        time.sleep(0.2)
        keys.send_keys("食品经营")
        found = wait_for(lambda: log_lines(log, "kiosk search:"))
        assert found, "typing a query in the browser reached no search"
        counts = [int(re.search(r"(\d+) results", line).group(1)) for line in found]  # type: ignore[union-attr]
        assert max(counts) > 0
        time.sleep(0.5)
        results = browser.get_screenshot_as_png()
        assert results != start
        keys.send_keys(Keys.TAB)  # from the query to the first result
        keys.send_keys(Keys.ENTER)
        opened = wait_for(lambda: log_lines(log, "kiosk: item"))
        assert opened and "opened" in opened[-1]
        assert "SCJG" in opened[-1]  # a food-business item of the market regulator
