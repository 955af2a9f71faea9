"""The document toolkit: every PDF Sihao prints is made here (docs/documents.md).

Cheap to import (reportlab loads when a document is rendered). The pieces:
``Document`` (the recipe and its rendering), ``Footer`` / ``PageSetup`` /
``FlowStep`` / ``PersonalData`` (plain data), ``find_font`` / ``font_from_settings``
(the embedded Chinese font), ``write_atomic`` (temp file then rename), and the
errors, whose ``str()`` is the sentence for the clerk.
"""

from __future__ import annotations

from core.documents.document import Document, RenderContext
from core.documents.errors import (
    DocumentError,
    FontMissing,
    LayoutFailed,
    MissingGlyphs,
    PersonalDataFound,
    WriteFailed,
)
from core.documents.fonts import Font, find_font, font_from_settings
from core.documents.parts import FlowStep, Footer, PageSetup, PaperSize, PersonalData
from core.documents.write import write_atomic

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
