"""UI language: gettext catalogs, Simplified Chinese by default, English on request.

Message ids are English (the language of the code); the ``zh_CN`` catalog carries
the Chinese a clerk reads. ``--lang en`` installs the ``en`` catalog, which is the
identity for our own strings. Domain data (item names, levels, tags) stays Chinese
in both languages: it is data, not UI.

Strings are looked up when they are shown, never at import time, so switching the
language affects everything drawn after the switch.
"""

from __future__ import annotations

import gettext
import logging
from pathlib import Path

log = logging.getLogger(__name__)

DOMAIN = "sihao"
LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = ""
# Each package keeps its own catalog (core, workstation, every plugin) so teams
# working on different plugins never edit the same .po file; they are chained.
_catalog_dirs: list[Path] = [LOCALE_DIR]


def register_catalog(localedir: Path) -> None:
    """Add a package's ``locale/`` directory; it joins the chain at once."""
    if localedir not in _catalog_dirs:
        _catalog_dirs.append(localedir)
        if _language:
            set_language(_language)


def normalise_language(lang: str | None) -> str:
    """Map what a user types (zh, zh-CN, en_US …) onto a supported catalog."""
    if not lang:
        return DEFAULT_LANGUAGE
    lowered = lang.replace("-", "_").lower()
    if lowered.startswith("zh"):
        return "zh_CN"
    if lowered.startswith("en"):
        return "en"
    raise ValueError(f"unsupported language {lang!r}: choose one of {', '.join(SUPPORTED)}")


def set_language(lang: str | None) -> str:
    """Install the catalog for ``lang``; return the language now in force."""
    global _current, _language
    language = normalise_language(lang)
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for localedir in reversed(_catalog_dirs):
        try:
            catalog = gettext.translation(DOMAIN, localedir, languages=[language])
        except OSError:
            # A source checkout whose catalogs were not compiled (make compiles them).
            log.debug("no compiled %s catalog under %s", language, localedir)
            continue
        catalog.add_fallback(chain)
        chain = catalog
    _current = chain
    _language = language
    return language


def language() -> str:
    return _language or DEFAULT_LANGUAGE


def _(message: str) -> str:
    """Translate ``message`` into the current UI language."""
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (class-level constants)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def translator_for(domain: str, localedir: Path) -> gettext.NullTranslations:
    """Catalog of a third-party plugin that ships its own, in the current language."""
    try:
        return gettext.translation(domain, localedir, languages=[_language])
    except OSError:
        return gettext.NullTranslations()
