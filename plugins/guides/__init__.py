"""Guides: plain-language guides of an item or a one-thing bundle, the handbook of the
items handled most, and the QR wall (好懂)."""

from __future__ import annotations

from pathlib import Path

from core.i18n import register_catalog

register_catalog(Path(__file__).parent / "locale")
