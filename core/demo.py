"""The demo site: 张店区政务服务中心 with windows and staff of every role.

Seeded on the first ``make run`` (``sihao demo seed``), so a newcomer can sign in at
once; the sign-in screen lists the demo accounts only in demo mode.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core import audit
from core.auth import hash_pin
from core.db import atomic
from core.models import Site, Staff, Window


def demo_dir() -> Path:
    """Where the demo data files are (data/demo)."""
    import data.demo

    return next(Path(p) for p in data.demo.__path__ if Path(p).is_dir())


def demo_data() -> dict[str, Any]:
    text = (demo_dir() / "site.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def demo_accounts() -> list[dict[str, str]]:
    """(staff number, name, role, PIN) for the sign-in screen in demo mode."""
    return [
        {"staff_no": s["staff_no"], "name": s["name"], "role": s["role"], "pin": s["pin"]}
        for s in demo_data()["staff"]
    ]


def seed_demo(*, force: bool = False) -> str:
    """Create the demo site, windows and staff; returns the site code. Idempotent."""
    data = demo_data()
    site_code: str = data["site"]
    with atomic():
        if Site.get_or_none(Site.code == site_code) is not None and not force:
            return site_code
        for site in data["sites"]:
            Site.insert(
                code=site["code"],
                name=site["name"],
                level=site["level"],
                region_code=site["region_code"],
                parent=site["parent"],
                address=site["address"],
                phone=site["phone"],
            ).on_conflict_replace().execute()
        windows: dict[str, Window] = {}
        for window in data["windows"]:
            row, _ = Window.get_or_create(
                site=site_code,
                number=window["number"],
                defaults={"name": window["name"], "departments": window["departments"]},
            )
            windows[window["number"]] = row
        for person in data["staff"]:
            window = windows.get(person["window"]) if person["window"] else None
            Staff.insert(
                staff_no=person["staff_no"],
                name=person["name"],
                site=site_code,
                window=window.id if window else None,
                role=person["role"],
                pin_hash=hash_pin(person["pin"]),
            ).on_conflict_replace().execute()
        audit.record("demo.seeded", detail={"site": site_code})
    return site_code
