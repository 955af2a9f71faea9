"""Putting text on the clipboard, and telling the clerk the truth about it.

Textual copies by sending the terminal an OSC 52 sequence; the terminal never
answers, so whether the text arrived cannot be asked. Some terminals are known to
take it (Windows Terminal, iTerm2, WezTerm, kitty, foot…), some known to drop it
(the Linux console, macOS Terminal, GNOME Terminal and other VTE terminals), and a
headless app has no terminal at all. Unless the terminal is known to take it, the
text is also saved to a file in the exports folder and the notice names it, so a
materials list is never lost behind "copied" when nothing was.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TAKES = {"iTerm.app", "WezTerm", "vscode", "ghostty", "Tabby", "Hyper"}  # TERM_PROGRAM
DROPS = {"Apple_Terminal"}  # TERM_PROGRAM


def terminal_takes_clipboard(environ: Mapping[str, str], *, headless: bool) -> bool | None:
    """True if the terminal is known to take OSC 52, False if known not to, None if unknown."""
    if headless:
        return False
    program = environ.get("TERM_PROGRAM", "")
    term = environ.get("TERM", "")
    if program in DROPS or term == "linux" or environ.get("VTE_VERSION"):
        return False
    if (
        program in TAKES
        or environ.get("WT_SESSION")
        or environ.get("KITTY_WINDOW_ID")
        or term in ("xterm-kitty", "alacritty", "foot", "xterm-ghostty")
    ):
        return True
    return None


def copy_text(app: Any, text: str, save_to: Path) -> tuple[bool | None, Path | None]:
    """Send ``text`` to the clipboard; save it to ``save_to`` too unless the terminal
    is known to take it. Returns (taken, the file written or None)."""
    from textual.drivers.headless_driver import HeadlessDriver

    app.copy_to_clipboard(text)
    driver = getattr(app, "_driver", None)
    taken = terminal_takes_clipboard(
        os.environ, headless=driver is None or isinstance(driver, HeadlessDriver)
    )
    if taken:
        return True, None
    try:
        save_to.parent.mkdir(parents=True, exist_ok=True)
        partial = save_to.with_suffix(".partial")
        partial.write_text(text + "\n", encoding="utf-8")
        partial.replace(save_to)
    except OSError:
        log.exception("the copied text could not be saved to a file")
        return taken, None
    return taken, save_to
