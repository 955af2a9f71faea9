"""Translate binding descriptions when a node is built, not when its class is defined.

Textual reads ``BINDINGS`` once per class; our descriptions are English msgids and
are swapped for the current language in each node's own copy of the bindings, so a
language chosen at start-up (or in a test) applies. This touches Textual's
``_bindings`` map, the one private detail the shell depends on.
"""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from core.i18n import _


def localise_bindings(node: DOMNode) -> None:
    bindings = node._bindings.key_to_bindings
    for key, entries in bindings.items():
        bindings[key] = [
            dataclasses.replace(b, description=_(b.description)) if b.description else b
            for b in entries
        ]
