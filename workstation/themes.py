"""Themes as YAML data files, turned into ``textual.theme.Theme`` objects.

Shipped themes live in the ``themes`` package; users and IT add their own in the
data directory's ``themes/``. A file that fails to load is reported with its name
and reason, and the others load (Posting does the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from textual.theme import Theme

from core.i18n import _

DEFAULT_THEME = "sihao-dark"

# Colour slots of a Textual theme; the other keys a theme file may set follow.
_COLOURS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_FIELDS = {*_COLOURS, "dark", "luminosity_spread", "text_alpha", "variables"}


@dataclass(frozen=True)
class ThemeProblem:
    path: Path
    reason: str


def theme_from_file(path: Path) -> Theme:
    """Parse one theme file; raise ValueError with a reason a person can act on."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    if not isinstance(data, dict):
        raise ValueError(_("a theme file is a YAML mapping of colour names"))
    name = data.get("name") or path.stem
    if not data.get("primary"):
        raise ValueError(_("'primary' colour is missing"))
    unknown = set(data) - _FIELDS - {"name"}
    if unknown:
        raise ValueError(_("unknown keys: {keys}").format(keys=", ".join(sorted(unknown))))
    fields = {key: value for key, value in data.items() if key in _FIELDS}
    theme = Theme(name=str(name), **fields)
    # Colour strings are only parsed when applied: parse now so a typo is reported here.
    from textual.color import Color, ColorParseError

    for key in _COLOURS:
        value = fields.get(key)
        if value is not None:
            try:
                Color.parse(str(value))
            except ColorParseError as exc:
                raise ValueError(
                    _("{key}: {value!r} is not a colour").format(key=key, value=value)
                ) from exc
    return theme


def shipped_theme_files() -> list[Path]:
    import themes

    # __path__, not importlib.resources: an editable install may present the
    # package as a namespace whose extra path entries are not directories.
    root = next(Path(p) for p in themes.__path__ if Path(p).is_dir())
    return sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml"))


def user_theme_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))


def load_themes(user_dir: Path) -> tuple[list[Theme], list[ThemeProblem]]:
    themes: list[Theme] = []
    problems: list[ThemeProblem] = []
    for path in [*shipped_theme_files(), *user_theme_files(user_dir)]:
        try:
            themes.append(theme_from_file(path))
        except ValueError as exc:
            problems.append(ThemeProblem(path, str(exc)))
    return themes, problems
