"""Sync: enrollment with the central server, the background push and pull, the Sync screen.

The logic is core's (``core.sync``, ``core.credentials``); this plugin puts it in
front of people: the Sync and Enroll screens, the status bar text, the worker's
start and stop, and ``sihao enroll`` / ``sihao sync`` for IT's shell.
"""

from pathlib import Path as _Path

from core.i18n import register_catalog as _register_catalog

_register_catalog(_Path(__file__).parent / "locale")
