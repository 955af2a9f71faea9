"""Sihao core: everything the workstation, the plugins and the server share.

Nothing in this package imports Textual (an import-linter contract in CI enforces
it): config, the local store, shared models, the plugin host and its hookspecs,
the audit chain, the working-day calendar, identifier checks and masking.
"""

__version__ = "0.1.0"
