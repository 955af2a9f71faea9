"""The service catalog: departments, handling items, one-thing bundles, service points.

Shared by the workstation plugins, the sync client and the central server, so it is
UI-free. ``models`` holds the tables, ``formats`` reads and writes catalog files
(JSON and Excel), ``store`` writes to and queries the local store, ``search`` is the
in-memory ranked lookup.
"""
