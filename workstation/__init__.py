"""The Sihao workstation shell: the Textual app, its screens and the ``sihao`` CLI.

The shell knows no plugin by name: it asks the plugin host for screens, tiles,
commands and item actions, and shows them to the roles allowed.
"""

from pathlib import Path as _Path

from core.i18n import register_catalog as _register_catalog

_register_catalog(_Path(__file__).parent / "locale")
