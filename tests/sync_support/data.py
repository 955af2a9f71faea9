"""Test data for sync tests: the demo catalog as the server would send it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def demo_catalog() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "data" / "demo" / "catalog.json").read_text("utf-8"))
    return data
