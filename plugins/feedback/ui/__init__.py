"""Textual screens of the 好评 plugin, one per module."""

from core.i18n import _


def not_saved_text() -> str:
    """What a screen says when the database refused a write: the form stays filled."""
    return "✗ " + _(
        "Not saved: the database did not accept it. Try again, or tell IT if it keeps failing."
    )
