"""Hook implementations of the intake plugin: models, migrations, settings, screens,
the item actions that start an intake, record kinds, the case hooks, the server side."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from core.i18n import _
from core.plugins import hookimpl
from core.roles import Role
from plugins.intake import models

PLUGIN = "intake"
INTAKE_ROLES = (Role.CLERK, Role.SUPERVISOR)

DEFAULT_SETTINGS: dict[str, Any] = {
    # Days after delivery (已送达) a citizen may rate a case; after that the server
    # records the default rating (基本满意, kind 默认). Guangdong uses 7.
    "rating_period_days": 7,
}


@hookimpl
def sihao_models() -> list[Any]:
    from plugins.intake import batch_models

    return [*models.MODELS, *batch_models.MODELS]


@hookimpl
def sihao_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def sihao_settings() -> dict[str, Any]:
    from plugins.intake import batch_hooks

    return {**DEFAULT_SETTINGS, **batch_hooks.SETTINGS}


@hookimpl
def sihao_find_case(number: str, context: Any) -> Any:
    from plugins.intake import service

    site = str(getattr(getattr(context, "config", None), "site_code", "") or "")
    case = service.find(number, site)
    return service.case_ref(case) if case is not None else None


def _today() -> dt.date:
    return dt.date.today()


# -- batch intake (一次申报、打包审核、批量发证): plugins/intake/batch_hooks.py ------------
@hookimpl
def sihao_screens(registry: Any) -> None:
    from plugins.intake import batch_hooks

    batch_hooks.screens(registry)


@hookimpl
def sihao_item_actions(item: Any, context: Any) -> list[Any]:
    from plugins.intake import batch_hooks

    return batch_hooks.item_actions(item, context)


@hookimpl
def sihao_cli(group: Any) -> None:
    from plugins.intake import batch_hooks

    batch_hooks.cli(group)


@hookimpl
def sihao_startup(context: Any) -> None:
    from plugins.intake import batch_hooks

    batch_hooks.startup(context)


@hookimpl
def sihao_shutdown(context: Any) -> None:
    from plugins.intake import batch_hooks

    batch_hooks.shutdown(context)


__all__ = ["PLUGIN", "INTAKE_ROLES", "_"]
