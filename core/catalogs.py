"""Maintain the gettext catalogs: ``python -m core.catalogs update [PKG…]|compile|check``.

Each package with UI text (core, workstation, server, every plugin) keeps its own
``locale/<lang>/LC_MESSAGES/sihao.po``, so people working on different plugins
never edit the same file. ``update`` extracts the English message ids (``_()`` and
``N_()``) and merges them into each package's catalogs, keeping translations;
``compile`` writes the ``.mo`` files the app reads (``make`` runs it); ``check``
lists message ids without a Chinese translation (a test runs it).

A development tool: it needs Babel, which the dev extras install.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh_CN", "en")
DOMAIN = "sihao"


def packages() -> list[Path]:
    """Package directories that have (or should have) a catalog."""
    found = [ROOT / "core", ROOT / "workstation", ROOT / "server"]
    found += sorted(p for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists())
    return [p for p in found if p.is_dir()]


def _extract(package: Path) -> object:
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(domain=DOMAIN)
    keywords = {"_": None, "N_": None}
    skip = (package / "locale", package / "migrations")
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=keywords
    ):
        path = package / filename
        if any(s in path.parents for s in skip) or (
            package.name == "plugins" and path.parent != package
        ):
            continue
        catalog.add(message, locations=[(str(path.relative_to(ROOT)), lineno)])
    return catalog


def _po_path(package: Path, language: str) -> Path:
    return package / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(only: list[str] | None = None) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    chosen = [p for p in packages() if not only or str(p.relative_to(ROOT)) in only]
    for package in chosen:
        template = _extract(package)
        assert isinstance(template, Catalog)
        if not len(template):
            continue
        for language in LANGUAGES:
            path = _po_path(package, language)
            if path.exists():
                with path.open("rb") as fh:
                    catalog = read_po(fh, locale=language)
                catalog.update(template, no_fuzzy_matching=True)
            else:
                catalog = Catalog(locale=language, domain=DOMAIN)
                catalog.update(template)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                write_po(
                    fh,
                    catalog,
                    omit_header=False,
                    sort_output=True,
                    include_lineno=False,
                    ignore_obsolete=True,
                    width=0,
                )
            print(f"updated {path.relative_to(ROOT)}")


def compile_all() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
        if ".venv" in po.parts:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)


def missing() -> dict[str, list[str]]:
    """Message ids used in code without a Chinese translation, per package."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    gaps: dict[str, list[str]] = {}
    for package in packages():
        template = _extract(package)
        assert isinstance(template, Catalog)
        path = _po_path(package, "zh_CN")
        translated: set[str] = set()
        if path.exists():
            with path.open("rb") as fh:
                translated = {str(m.id) for m in read_po(fh) if m.id and m.string and not m.fuzzy}
        lacking = sorted(str(m.id) for m in template if m.id and str(m.id) not in translated)
        if lacking:
            gaps[str(package.relative_to(ROOT))] = lacking
    return gaps


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "compile"
    if command == "update":
        update([a.rstrip("/") for a in argv[2:]] or None)
    elif command == "compile":
        compile_all()
    elif command == "check":
        gaps = missing()
        for package, ids in gaps.items():
            for message in ids:
                print(f"{package}: {message}")
        return 1 if gaps else 0
    else:
        print("usage: python -m core.catalogs update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
