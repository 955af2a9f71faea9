"""What plugins hand the shell: screens with their home tiles, commands, item actions.

Plain data with callables, so ``core`` stays free of Textual: a screen factory
returns whatever the shell can push (a Textual ``Screen``); the shell is the only
part that knows what that is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from core.roles import Role

Roles = frozenset[Role]


@dataclass(frozen=True)
class TileBadge:
    """A short figure on a home tile; ``alert`` draws it highlighted (e.g. overdue cases)."""

    text: str
    alert: bool = False


def work_badge(overdue: int, open_: int) -> TileBadge | None:
    """The badge of a tile of work with deadlines (cases, 办件): the overdue ones
    highlighted, else how many are open, else none."""
    from core.i18n import _

    if overdue:
        return TileBadge(_("{n} overdue").format(n=overdue), alert=True)
    if open_:
        return TileBadge(_("{n} open").format(n=open_))
    return None


@dataclass(frozen=True)
class ScreenSpec:
    id: str
    title: Callable[[], str]  # translated when shown
    factory: Callable[[Any], Any]  # context -> screen
    roles: Roles
    description: Callable[[], str] = lambda: ""
    tile: bool = True
    order: int = 100
    badge: Callable[[Any], TileBadge | None] | None = None
    plugin: str = ""

    def allowed(self, role: str | Role) -> bool:
        return Role(role) in self.roles


class ScreenRegistry:
    """Filled by ``sihao_screens``; the host tags each entry with its plugin name."""

    def __init__(self) -> None:
        self._specs: dict[str, ScreenSpec] = {}
        self.current_plugin = ""

    def add(
        self,
        id: str,
        title: Callable[[], str],
        factory: Callable[[Any], Any],
        *,
        roles: Iterable[Role | str],
        description: Callable[[], str] = lambda: "",
        tile: bool = True,
        order: int = 100,
        badge: Callable[[Any], TileBadge | None] | None = None,
    ) -> None:
        if id in self._specs:
            raise ValueError(f"screen id {id!r} is already registered by {self._specs[id].plugin}")
        self._specs[id] = ScreenSpec(
            id=id,
            title=title,
            factory=factory,
            roles=frozenset(Role(r) for r in roles),
            description=description,
            tile=tile,
            order=order,
            badge=badge,
            plugin=self.current_plugin,
        )

    def get(self, id: str) -> ScreenSpec | None:
        return self._specs.get(id)

    def for_role(self, role: str | Role) -> list[ScreenSpec]:
        return sorted(
            (s for s in self._specs.values() if s.allowed(role)), key=lambda s: (s.order, s.id)
        )

    def all(self) -> list[ScreenSpec]:
        return sorted(self._specs.values(), key=lambda s: (s.order, s.id))


@dataclass(frozen=True)
class Command:
    """A command-palette entry. ``run(context)`` does the work."""

    id: str
    title: str
    help: str
    run: Callable[[Any], Any]
    roles: Roles = field(default_factory=lambda: frozenset(Role))
    plugin: str = ""

    def allowed(self, role: str | Role) -> bool:
        return Role(role) in self.roles


ITEM_TARGET = "item"
BUNDLE_TARGET = "bundle"


@dataclass(frozen=True)
class ItemAction:
    """An action on a service item, offered by whichever plugin knows how.

    ``targets`` says what it acts on: a handling item (the default: the detail view)
    or a one-thing bundle (the bundles view passes the bundle's catalog dict)."""

    id: str
    label: str
    run: Callable[[Any, Any], Any]  # (item, context)
    roles: Roles = field(default_factory=lambda: frozenset(Role))
    key: str = ""
    plugin: str = ""
    targets: frozenset[str] = frozenset({ITEM_TARGET})
