"""Hook implementations of the guides plugin.

"Print guide" is an item action (``sihao_item_actions``), so the lookup's detail
view offers it without importing this plugin; the situations ticked there arrive in
``item["selected_situations"]``. The same action is offered on a one-thing bundle
(``targets``). The commands are ``sihao guide`` and ``sihao guides handbook|qrwall``.
"""

from __future__ import annotations

from typing import Any

import click

from core.i18n import _
from core.plugins import hookimpl
from core.registry import BUNDLE_TARGET, ITEM_TARGET, ItemAction
from core.roles import ALL_ROLES


@hookimpl
def sihao_settings() -> dict[str, Any]:
    from plugins.guides.service import DEFAULT_URL_TEMPLATE

    return {
        # Each item's online guide, for the QR codes of guides and the QR wall:
        # {code} is replaced by the item code.
        "qr_url_template": DEFAULT_URL_TEMPLATE,
        # Paper of guides and the handbook: A4 or A5 (the QR wall chooses its own).
        "paper": "A4",
    }


def _print_item_guide(item: Any, runtime: Any) -> None:
    from plugins.guides.ui.actions import print_item_guide  # Textual only when used

    print_item_guide(item, runtime)


def _print_bundle_guide(bundle: Any, runtime: Any) -> None:
    from plugins.guides.ui.actions import print_bundle_guide

    print_bundle_guide(bundle, runtime)


@hookimpl
def sihao_item_actions(item: Any, context: Any) -> list[ItemAction]:
    return [
        ItemAction(
            id="guides.print_guide",
            label=_("Print guide"),
            run=_print_item_guide,
            roles=ALL_ROLES,
            key="ctrl+g",
            targets=frozenset({ITEM_TARGET}),
        ),
        ItemAction(
            id="guides.print_bundle_guide",
            label=_("Print bundle guide"),
            run=_print_bundle_guide,
            roles=ALL_ROLES,
            key="ctrl+g",
            targets=frozenset({BUNDLE_TARGET}),
        ),
    ]


@hookimpl
def sihao_cli(group: click.Group) -> None:
    from plugins.guides.cli import add_commands

    add_commands(group)


def _kiosk_guide(runtime: Any, code: str) -> Any:
    from plugins.guides.ui.kiosk_guide import KioskGuideScreen  # Textual only when shown

    return KioskGuideScreen(runtime, code)


@hookimpl
def sihao_kiosk_screens(registry: Any) -> None:
    """The kiosk shows an item as its plain-language guide, with a print button."""
    registry.add(
        "guides.kiosk_guide",
        lambda: _("Guide"),
        _kiosk_guide,
        kind="item_page",
        order=10,
    )
