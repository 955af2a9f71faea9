"""Errors a document can end in; ``str()`` of each is the sentence for the clerk.

The sentences are UI text (gettext, Chinese by default); the detail a developer needs
goes to the log, never personal data.
"""

from __future__ import annotations

from core.i18n import _


class DocumentError(Exception):
    """A document could not be made or written; ``str()`` says what to do."""


class FontMissing(DocumentError):
    """No TrueType Chinese font that reportlab can embed was found."""

    def __init__(self, tried: list[str]) -> None:
        self.tried = tried
        super().__init__(
            _(
                "No Chinese font for printing was found. Install a TrueType Chinese font "
                "(on Debian: apt-get install fonts-wqy-microhei; on Windows: simsun.ttc) "
                "or set its path in the site settings: [plugin_settings.documents] font = "
                '"/path/to/font.ttc".'
            )
        )


class MissingGlyphs(DocumentError):
    """The text holds characters the font cannot draw: printing them would leave gaps."""

    def __init__(self, characters: str, font_path: str) -> None:
        self.characters = characters
        self.font_path = font_path
        super().__init__(
            _(
                "The font {font} cannot draw these characters: {chars}. Choose a font that "
                "has them in the site settings ([plugin_settings.documents] font)."
            ).format(font=font_path, chars=characters)
        )


class PersonalDataFound(DocumentError):
    """A document that must carry no personal data holds an ID number or a mobile number."""

    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(
            _(
                "This document must not carry ID numbers or mobile numbers, but {where} holds "
                "one. Remove it from the source data and print again."
            ).format(where=where)
        )


class WriteFailed(DocumentError):
    """The PDF could not be written where asked; nothing was left behind."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            _(
                "Could not save the document to {path} ({reason}). Choose a folder you can "
                "write to, or free some space, and save again."
            ).format(path=path, reason=reason)
        )


class LayoutFailed(DocumentError):
    """Something on the page is too large to fit any page (a giant table cell…)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            _(
                "The document could not be laid out: one part is larger than a page. "
                "Shorten the text of that part and print again."
            )
        )
