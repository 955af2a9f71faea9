"""Finding, checking and registering the one Chinese font every document embeds.

A printed guide must look the same on any printer or viewer, so the font is embedded
(as a subset) rather than named: reportlab's built-in ``STSong-Light`` CID font shows
Chinese without a file but is *not* embedded, and a printer without it substitutes or
fails. reportlab embeds TrueType outlines only: CFF-based OpenType (Noto Sans CJK, many
``.otf``) is refused by reportlab itself, and we skip such files with a log line.

Where the font comes from, first usable wins:

1. the path in the site settings (``[plugin_settings.documents] font = "…"``; a
   ``.ttc`` takes ``font_index``, default 0), passed in by the caller;
2. well-known files: Debian's fonts-wqy-microhei / -zenhei, AR PL UMing, a Windows
   counter's ``simsun.ttc`` / ``simhei.ttf`` / ``msyh.ttc``, macOS's STHeiti;
3. fontconfig (``fc-list :lang=zh``), only if the above found nothing (a fork costs
   ~30 ms, so it is the last resort).

A configured path that cannot be used is an error of its own (the clerk or IT meant
that font), never a silent fallback. Nothing found: ``FontMissing``, whose sentence
names the fix. Registration parses the font once per process (wqy-microhei's 5 MB
collection: 0.15–0.25 s measured here) and is cached.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.documents.errors import DocumentError, FontMissing, MissingGlyphs
from core.i18n import _

log = logging.getLogger(__name__)

# Checked in this order. A Windows counter usually has SimSun; Debian has WenQuanYi.
KNOWN_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)

# Characters any usable Chinese font has: a font without them is not a Chinese font.
_PROBE = "中文办事指南"


@dataclass(frozen=True)
class Font:
    """A registered font: the name reportlab draws with, and where it came from."""

    name: str
    path: str
    index: int
    face: Any  # reportlab's TTFontFace: its ``charToGlyph`` says which characters it has

    def missing(self, text: str) -> str:
        """The distinct characters of ``text`` this font has no glyph for (spaces aside)."""
        table = self.face.charToGlyph
        gone: dict[str, None] = {}
        for char in text:
            if char not in gone and not char.isspace() and ord(char) not in table:
                gone[char] = None
        return "".join(gone)

    def require(self, text: str) -> None:
        """Refuse text the font cannot draw: never a PDF with blank boxes in it."""
        missing = self.missing(text)
        if missing:
            log.warning("font %s lacks %d characters", self.path, len(missing))
            raise MissingGlyphs(missing, self.path)


_lock = threading.Lock()
_registered: dict[tuple[str, int], Font] = {}


def _font_name(path: str, index: int) -> str:
    return f"SihaoCJK-{Path(path).stem}-{index}"


def _load(path: str, index: int) -> Font:
    """Register one file with reportlab; raises DocumentError (with a why) if unusable."""
    key = (os.path.realpath(path), index)
    with _lock:
        if key in _registered:
            return _registered[key]
        # reportlab's font machinery (~3 ms to import) and the font file's parsing
        # (0.15–0.25 s): only when a document is made, once per process.
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        name = _font_name(path, index)
        try:
            ttf = TTFont(name, path, subfontIndex=index)
        except TTFError as exc:
            raise DocumentError(
                _("The font {path} cannot be embedded: {reason}").format(
                    path=path, reason=_why(str(exc))
                )
            ) from exc
        except (OSError, ValueError, IndexError) as exc:
            raise DocumentError(
                _("The font {path} cannot be read: {reason}").format(path=path, reason=exc)
            ) from exc
        font = Font(name=name, path=path, index=index, face=ttf.face)
        if font.missing(_PROBE):
            raise DocumentError(_("The font {path} has no Chinese characters.").format(path=path))
        pdfmetrics.registerFont(ttf)
        _registered[key] = font
        log.info("document font: %s (index %d)", path, index)
        return font


def _why(reportlab_message: str) -> str:
    if "postscript outlines" in reportlab_message:
        return _("it is a CFF (PostScript) OpenType font; use a TrueType .ttf or .ttc font")
    return reportlab_message


def _fontconfig_candidates() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return [f for f in files if f.lower().endswith((".ttf", ".ttc"))]


def find_font(
    configured: str | os.PathLike[str] | None = None,
    *,
    index: int = 0,
    candidates: tuple[str, ...] | None = None,
    use_fontconfig: bool = True,
) -> Font:
    """The Chinese font documents embed, registered with reportlab.

    ``configured`` is the site setting; it must work if given. ``candidates`` replaces
    the well-known list (tests pass ``()`` with ``use_fontconfig=False`` to see the
    error a machine without fonts gives).
    """
    if configured:
        path = str(configured)
        if not Path(path).is_file():
            log.error("configured document font not found: %s", path)
            raise DocumentError(
                _(
                    "The font set in the site settings, {path}, does not exist. Correct "
                    "[plugin_settings.documents] font, or remove it to use a system font."
                ).format(path=path)
            )
        return _load(path, index)
    tried: list[str] = []
    listed = KNOWN_FONTS if candidates is None else candidates
    for path in listed:
        if Path(path).is_file():
            tried.append(path)
            try:
                return _load(path, 0)
            except DocumentError as exc:
                log.warning("skipping font %s: %s", path, exc)
    if use_fontconfig:
        for path in _fontconfig_candidates():
            if path in tried:
                continue
            tried.append(path)
            try:
                return _load(path, 0)
            except DocumentError as exc:
                log.info("skipping font %s: %s", path, exc)
    log.error("no embeddable Chinese font; tried %s", tried or "nothing")
    raise FontMissing(tried)


def font_from_settings(settings: dict[str, Any]) -> Font:
    """``find_font`` with the site's ``documents`` settings (``runtime.settings("documents")``)."""
    configured = settings.get("font") or None
    try:
        index = int(settings.get("font_index", 0) or 0)
    except (TypeError, ValueError):
        index = 0
    return find_font(configured, index=index)
