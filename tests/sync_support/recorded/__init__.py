"""Plugins that record what the workstation does with them, in order: ``alpha`` and
``beta``, modules the host imports by name as it does a built-in. For tests of when
a plugin is imported, migrated and started (and that a plugin a policy keeps off is
never imported). The record lives here, so it outlives a plugin module imported
again after ``reset()``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.plugins import BUILTIN_PLUGINS, hookimpl
from core.roles import Role

MIGRATIONS = Path(__file__).parent / "migrations"
MODULES = {"alpha": f"{__name__}.alpha", "beta": f"{__name__}.beta"}

calls: list[tuple[str, str]] = []  # (plugin, what happened), in order
failing_shutdown: set[str] = set()  # plugins whose sihao_shutdown raises


def builtins() -> dict[str, str]:
    """The built-in table with the recording plugins added."""
    return {**BUILTIN_PLUGINS, **MODULES}


def reset() -> None:
    """Forget what happened and unload the modules: the next load imports them afresh."""
    calls.clear()
    failing_shutdown.clear()
    for module in MODULES.values():
        sys.modules.pop(module, None)


def imported(name: str) -> bool:
    return MODULES[name] in sys.modules


def of(name: str) -> list[str]:
    return [what for plugin, what in calls if plugin == name]


def hooks(name: str) -> tuple[Callable[..., Any], ...]:
    """The hook implementations of plugin ``name``; its module records its own import."""

    @hookimpl
    def sihao_migrations() -> Path:
        calls.append((name, "migrations"))
        return MIGRATIONS

    @hookimpl
    def sihao_screens(registry: Any) -> None:
        registry.add(f"{name}.board", lambda: name, _screen, roles=[Role.CLERK])

    @hookimpl
    def sihao_startup(context: Any) -> None:
        migrated = context.db.table_exists(f"migrations_{name}")
        calls.append((name, "startup" if migrated else "startup before its migrations"))

    @hookimpl
    def sihao_shutdown(context: Any) -> None:
        calls.append((name, "shutdown"))
        if name in failing_shutdown:
            raise RuntimeError(f"{name} could not stop")

    return sihao_migrations, sihao_screens, sihao_startup, sihao_shutdown


def _screen(runtime: Any) -> Any:
    from workstation.screens.base import SihaoScreen

    return SihaoScreen(runtime)
