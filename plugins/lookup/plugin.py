"""Hook implementations of the Lookup plugin."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from core.catalog import store
from core.catalog.formats import CatalogImportError, dump_catalog, load_catalog
from core.i18n import _
from core.plugins import hookimpl
from core.registry import ItemAction
from core.roles import ALL_ROLES
from plugins.lookup import service

log = logging.getLogger(__name__)

SEARCH_SCREEN = "lookup.search"
BUNDLES_SCREEN = "lookup.bundles"
DIRECTORY_SCREEN = "lookup.directory"
SELECTED_SITUATIONS = "selected_situations"  # set on the item by the detail view


def _search_screen(runtime: Any) -> Any:
    from plugins.lookup.ui.lookup_screen import LookupScreen  # Textual only when shown

    return LookupScreen(runtime)


def _bundles_screen(runtime: Any) -> Any:
    from plugins.lookup.ui.bundles_screen import BundlesScreen

    return BundlesScreen(runtime)


def _directory_screen(runtime: Any) -> Any:
    from plugins.lookup.ui.directory_screen import DirectoryScreen

    return DirectoryScreen(runtime)


@hookimpl
def sihao_settings() -> dict[str, Any]:
    return {"results": 50}


@hookimpl
def sihao_screens(registry: Any) -> None:
    registry.add(
        SEARCH_SCREEN,
        lambda: _("Item lookup"),
        _search_screen,
        roles=ALL_ROLES,
        description=lambda: _("Find a service item by name, pinyin, code or everyday words"),
        order=10,
    )
    registry.add(
        BUNDLES_SCREEN,
        lambda: _("One-thing bundles"),
        _bundles_screen,
        roles=ALL_ROLES,
        description=lambda: _("Items, combined materials and order for one life or business event"),
        order=11,
    )
    registry.add(
        DIRECTORY_SCREEN,
        lambda: _("Service points"),
        _directory_screen,
        roles=ALL_ROLES,
        description=lambda: _("Halls and points at every level; the nearest one for a place"),
        order=12,
    )


def _copy_materials(item: dict[str, Any], context: Any) -> str:
    """Returns the text; the detail view puts an action's returned text on the clipboard."""
    return service.materials_text(item, set(item.get(SELECTED_SITUATIONS, [])))


@hookimpl
def sihao_item_actions(item: Any, context: Any) -> list[ItemAction]:
    return [
        ItemAction(
            id="lookup.copy_materials",
            label=_("Copy materials"),
            run=_copy_materials,
            roles=ALL_ROLES,
            key="ctrl+y",
        )
    ]


def _runtime(ctx: click.Context) -> Any:
    """The CLI's runtime: its store is open and migrated, so the catalog can be used."""
    return ctx.find_root().obj["runtime"]


@hookimpl
def sihao_cli(group: click.Group) -> None:
    @group.group("catalog")
    def catalog() -> None:
        """The service catalog: import and export (JSON or Excel .xlsx)."""

    @catalog.command("import")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.pass_context
    def catalog_import(ctx: click.Context, path: Path) -> None:
        """Replace the local catalog with FILE (.json or .xlsx); nothing changes if FILE has a problem."""
        _runtime(ctx)
        try:
            doc = load_catalog(path)
        except CatalogImportError as exc:
            log.warning("catalog import of %s refused: %d problems", path, len(exc.problems))
            click.echo(exc.summary(limit=len(exc.problems)), err=True)
            raise click.exceptions.Exit(2) from exc
        counts = store.replace_catalog(doc, source=path.name)
        click.echo(
            _(
                "Catalog imported: {departments} departments, {items} items, {bundles} bundles, {service_points} service points."
            ).format(**counts)
        )

    @catalog.command("export")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.pass_context
    def catalog_export(ctx: click.Context, path: Path) -> None:
        """Write the local catalog to FILE (.json or .xlsx, by its suffix)."""
        _runtime(ctx)
        try:
            dump_catalog(store.export_catalog(), path)
        except (ValueError, OSError) as exc:
            click.echo(str(exc), err=True)
            raise click.exceptions.Exit(2) from exc
        click.echo(_("Catalog written to {path}.").format(path=path))


@hookimpl
def sihao_startup(context: Any) -> None:
    if service.seed_demo_catalog(context):
        log.info("lookup: demo catalog imported")
    service.search_service(context)


@hookimpl
def sihao_shutdown(context: Any) -> None:
    search = context.extras.pop(service.EXTRAS_KEY, None)
    if search is not None:
        search.close()
