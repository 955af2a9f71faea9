"""A site policy cached in a workstation's store the way a pull stores it
(``core.sync.apply``), without a server: for tests of which policy is in force."""

from __future__ import annotations

from typing import Any

from core.runtime import Runtime
from core.sync import apply, engine


def cache_server_policy(
    runtime: Runtime,
    site: str,
    enabled: list[str],
    settings: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Store ``site``'s policy as pulled; the runtime is not told (as after a crash)."""
    engine.sync_state()
    with runtime.db.atomic():
        apply.apply_change(
            apply.POLICY,
            site,
            "upsert",
            {"enabled_plugins": enabled, "plugin_settings": settings or {}},
            apply.ApplyOutcome(),
            lambda *change: False,
        )
