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
    return list(models.MODELS)


@hookimpl
def sihao_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def sihao_settings() -> dict[str, Any]:
    return dict(DEFAULT_SETTINGS)


@hookimpl
def sihao_find_case(number: str, context: Any) -> Any:
    from plugins.intake import service

    site = str(getattr(getattr(context, "config", None), "site_code", "") or "")
    case = service.find(number, site)
    return service.case_ref(case) if case is not None else None


def _today() -> dt.date:
    return dt.date.today()


__all__ = ["PLUGIN", "INTAKE_ROLES", "_"]
