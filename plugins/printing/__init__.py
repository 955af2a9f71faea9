"""Printing: the print queue screen, the retry worker and ``sihao print``."""

from __future__ import annotations

from pathlib import Path

from core.i18n import register_catalog

register_catalog(Path(__file__).parent / "locale")
