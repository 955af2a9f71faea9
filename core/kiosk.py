"""What plugins hand the hall kiosk (``sihao kiosk``): citizen-facing screens.

The kiosk is a second shell over the same plugins, for citizens rather than staff:
no sign-in, no palette, no way into a staff screen. A plugin offers kiosk screens
through ``sihao_kiosk_screens(registry)``:

- a *tile* is a big button on the kiosk's start screen (search, service points,
  rate the hall); ``factory(context)`` returns the screen;
- an *item page* is what the kiosk shows when a citizen opens a service item
  (the plain-language guide); ``factory(context, item_code)`` returns the screen.
  The first item page by ``order`` is used; without one, the kiosk's own short
  page shows the item.

Plain data with callables, like ``core.registry``: core stays free of Textual.
A kiosk screen must leave nothing personal behind: the kiosk drops every screen
and starts afresh when it has been idle for the site's ``idle_seconds``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TILE = "tile"
ITEM_PAGE = "item_page"


@dataclass(frozen=True)
class KioskScreenSpec:
    id: str
    title: Callable[[], str]  # translated when shown
    factory: Callable[..., Any]
    kind: str = TILE
    description: Callable[[], str] = lambda: ""
    order: int = 100
    plugin: str = ""


class KioskRegistry:
    """Filled by ``sihao_kiosk_screens``; the host tags each entry with its plugin."""

    def __init__(self) -> None:
        self._specs: dict[str, KioskScreenSpec] = {}
        self.current_plugin = ""

    def add(
        self,
        id: str,
        title: Callable[[], str],
        factory: Callable[..., Any],
        *,
        kind: str = TILE,
        description: Callable[[], str] = lambda: "",
        order: int = 100,
    ) -> None:
        if kind not in (TILE, ITEM_PAGE):
            raise ValueError(f"kiosk screen {id!r}: kind must be {TILE!r} or {ITEM_PAGE!r}")
        if id in self._specs:
            raise ValueError(
                f"kiosk screen id {id!r} is already registered by {self._specs[id].plugin}"
            )
        self._specs[id] = KioskScreenSpec(
            id=id,
            title=title,
            factory=factory,
            kind=kind,
            description=description,
            order=order,
            plugin=self.current_plugin,
        )

    def get(self, id: str) -> KioskScreenSpec | None:
        return self._specs.get(id)

    def tiles(self) -> list[KioskScreenSpec]:
        return sorted(
            (s for s in self._specs.values() if s.kind == TILE), key=lambda s: (s.order, s.id)
        )

    def item_page(self) -> KioskScreenSpec | None:
        pages = sorted(
            (s for s in self._specs.values() if s.kind == ITEM_PAGE),
            key=lambda s: (s.order, s.id),
        )
        return pages[0] if pages else None


def kiosk_screens(runtime: Any) -> KioskRegistry:
    """Ask every loaded plugin for its kiosk screens (one raising is switched off)."""
    registry = KioskRegistry()

    def tag(name: str) -> None:
        registry.current_plugin = name

    runtime.host.call("sihao_kiosk_screens", before=tag, registry=registry)
    return registry
