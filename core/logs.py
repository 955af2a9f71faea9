"""Logging for the workstation and CLI: a rotating file, personal data scrubbed.

The Textual screen owns the terminal, so the workstation logs to a file only.
ID and mobile numbers are masked twice over: the filter scrubs each record (its
message, its exception and stack), the formatter scrubs the line it writes.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from core.masking import PersonalDataFilter, ScrubbingFormatter


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "sihao.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, logging.handlers.RotatingFileHandler):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    return path
