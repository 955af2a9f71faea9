"""The document toolkit: every PDF Sihao prints is made here (docs/documents.md).

Cheap to import: the names below load their modules when first used (PEP 562), and
reportlab loads only when a document is rendered. The pieces: ``Document`` (the
recipe and its rendering), ``Footer`` / ``PageSetup`` / ``FlowStep`` /
``PersonalData`` (plain data), ``find_font`` / ``font_from_settings`` (the embedded
Chinese font), ``write_atomic`` (temp file then rename), and the errors, whose
``str()`` is the sentence for the clerk.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.documents.document import Document as Document
    from core.documents.document import RenderContext as RenderContext
    from core.documents.errors import DocumentError as DocumentError
    from core.documents.errors import FontMissing as FontMissing
    from core.documents.errors import LayoutFailed as LayoutFailed
    from core.documents.errors import MissingGlyphs as MissingGlyphs
    from core.documents.errors import PersonalDataFound as PersonalDataFound
    from core.documents.errors import WriteFailed as WriteFailed
    from core.documents.fonts import Font as Font
    from core.documents.fonts import find_font as find_font
    from core.documents.fonts import font_from_settings as font_from_settings
    from core.documents.parts import FlowStep as FlowStep
    from core.documents.parts import Footer as Footer
    from core.documents.parts import PageSetup as PageSetup
    from core.documents.parts import PaperSize as PaperSize
    from core.documents.parts import PersonalData as PersonalData
    from core.documents.write import write_atomic as write_atomic

_LAZY = {
    "Document": "core.documents.document",
    "RenderContext": "core.documents.document",
    "DocumentError": "core.documents.errors",
    "FontMissing": "core.documents.errors",
    "LayoutFailed": "core.documents.errors",
    "MissingGlyphs": "core.documents.errors",
    "PersonalDataFound": "core.documents.errors",
    "WriteFailed": "core.documents.errors",
    "Font": "core.documents.fonts",
    "find_font": "core.documents.fonts",
    "font_from_settings": "core.documents.fonts",
    "FlowStep": "core.documents.parts",
    "Footer": "core.documents.parts",
    "PageSetup": "core.documents.parts",
    "PaperSize": "core.documents.parts",
    "PersonalData": "core.documents.parts",
    "write_atomic": "core.documents.write",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'core.documents' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Document",
    "DocumentError",
    "FlowStep",
    "Font",
    "FontMissing",
    "Footer",
    "LayoutFailed",
    "MissingGlyphs",
    "PageSetup",
    "PaperSize",
    "PersonalData",
    "PersonalDataFound",
    "RenderContext",
    "WriteFailed",
    "find_font",
    "font_from_settings",
    "write_atomic",
]
