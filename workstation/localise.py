"""Translate binding descriptions when a node is built, not when its class is defined.

Textual reads ``BINDINGS`` once per class; our descriptions are English msgids and
are swapped for the current language in each node's own copy of the bindings, so a
language chosen at start-up (or in a test) applies. This touches Textual's
``_bindings`` map, the one private detail the shell depends on.
"""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from core.i18n import N_, _


def localise_bindings(node: DOMNode) -> None:
    bindings = node._bindings.key_to_bindings
    for key, entries in bindings.items():
        bindings[key] = [
            dataclasses.replace(b, description=_(b.description)) if b.description else b
            for b in entries
        ]


# Textual's own key descriptions that the keys panel (and the palette's footer) show
# for the widgets the shell uses: listed here so the catalog carries them.
TEXTUAL_KEYS = [
    N_("Move cursor left"),
    N_("Move cursor left and select"),
    N_("Move cursor left a word"),
    N_("Move cursor left a word and select"),
    N_("Move cursor right or accept the completion suggestion"),
    N_("Move cursor right and select"),
    N_("Move cursor right a word"),
    N_("Move cursor right a word and select"),
    N_("Delete character left"),
    N_("Select all"),
    N_("Go to start"),
    N_("Go to end"),
    N_("Select line start"),
    N_("Select line end"),
    N_("Delete character right"),
    N_("Submit"),
    N_("Delete left to start of word"),
    N_("Delete all to the left"),
    N_("Delete right to start of word"),
    N_("Delete all to the right"),
    N_("Cut selected text"),
    N_("Copy selected text"),
    N_("Paste text from the clipboard"),
    N_("Input"),
    N_("Select"),
    N_("Cursor up"),
    N_("Cursor down"),
    N_("Cursor right"),
    N_("Cursor left"),
    N_("Page up"),
    N_("Page down"),
    N_("Top"),
    N_("Bottom"),
    N_("End"),
    N_("Press button"),
    N_("Scroll Up"),
    N_("Scroll Down"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Home"),
    N_("Scroll End"),
    N_("Page Up"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    N_("Go to bottom"),
    N_("Go to top"),
    N_("Next command"),
    N_("Exit the command palette"),
    N_("Next page"),
    N_("Previous page"),
    N_("Previous command"),
    N_("Quit"),
    N_("palette"),
]


def localise_widget(widget: DOMNode) -> None:
    """Translate the key descriptions (and group title) of a Textual widget and of
    its containers, once each: called when a widget gets focus, which is when the
    keys panel shows them."""
    node: DOMNode | None = widget
    while node is not None:
        if not getattr(node, "_sihao_localised", False):
            localise_bindings(node)
            title = type(node).BINDING_GROUP_TITLE
            if title:
                node.BINDING_GROUP_TITLE = _(title)  # type: ignore[misc]
            node._sihao_localised = True  # type: ignore[attr-defined]
        node = node.parent if isinstance(node.parent, DOMNode) else None
