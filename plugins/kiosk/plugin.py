"""Hook implementations of the kiosk plugin.

At the workstation: the kiosk's own screens (search, service points) through
``sihao_kiosk_screens``, ``sihao kiosk`` and ``sihao kiosk serve`` (``cli``), and
the link a receipt's QR code carries (``sihao_rating_link``, ``keys``). On the
central server: the rating key endpoint, the public QR rating page and its
migrations (``server``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from core.i18n import _
from core.plugins import hookimpl

log = logging.getLogger(__name__)

PLUGIN = "kiosk"
SEARCH = "kiosk.search"
POINTS = "kiosk.points"


@hookimpl
def sihao_models() -> list[Any]:
    from plugins.kiosk.models import MODELS

    return list(MODELS)


@hookimpl
def sihao_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def sihao_settings() -> dict[str, Any]:
    return {
        # Seconds without a touch or key before the kiosk clears itself and starts again.
        "idle_seconds": 90,
        # The kiosk's printer (a CUPS queue name); empty: the workstation's default.
        "printer": "",
        # QR rating links: days a link stays good, and the address phones open
        # (empty: the central server's own address + /pages/kiosk/rate/).
        "rating_link_days": 30,
        "rating_page_url": "",
    }


def _search(runtime: Any) -> Any:
    from plugins.kiosk.ui.search_screen import KioskSearchScreen  # Textual only when shown

    return KioskSearchScreen(runtime)


def _points(runtime: Any) -> Any:
    from plugins.kiosk.ui.points_screen import KioskPointsScreen

    return KioskPointsScreen(runtime)


@hookimpl
def sihao_kiosk_screens(registry: Any) -> None:
    registry.add(
        SEARCH,
        lambda: _("Find a service"),
        _search,
        description=lambda: _("What to bring, how long it takes, print the guide"),
        order=10,
    )
    registry.add(
        POINTS,
        lambda: _("Nearest service point"),
        _points,
        description=lambda: _("The hall or point near where you live"),
        order=20,
    )


@hookimpl
def sihao_rating_link(case: Any, context: Any) -> str | None:
    from plugins.kiosk import keys

    return keys.rating_link(context, case)


@hookimpl
def sihao_startup(context: Any) -> None:
    if not context.config.server_url:
        return  # a standalone site signs no links (and the kiosk starts ~20 ms sooner)
    from plugins.kiosk import keys

    keys.prefetch_key(context)


KEY_KIND = "kiosk.rating_key"  # server.KEY_KIND: the server gave the site a new key


@hookimpl
def sihao_apply_change(kind: str, id: str, op: str, data: Any) -> bool | None:
    """The central server rotated this site's rating key: drop the kept one, so the
    next link is signed with the new key (fetched then)."""
    if kind != KEY_KIND:
        return None
    from plugins.kiosk.models import RatingKey

    keep = data.get("key_id") if isinstance(data, dict) else None
    RatingKey.delete().where(RatingKey.key_id != (keep or "")).execute()
    return True


@hookimpl
def sihao_cli(group: click.Group) -> None:
    from plugins.kiosk.cli import add_commands

    add_commands(group)


@hookimpl
def sihao_server_migrations() -> Path:
    return Path(__file__).parent / "server_migrations"


@hookimpl
def sihao_server_routes(router: Any) -> None:
    from plugins.kiosk import server

    server.add_routes(router)


@hookimpl
def sihao_server_pages(router: Any) -> None:
    from plugins.kiosk import server

    server.add_pages(router)


@hookimpl
def sihao_server_cli(group: click.Group) -> None:
    from plugins.kiosk import server

    server.add_cli(group)
