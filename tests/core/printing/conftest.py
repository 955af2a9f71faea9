from __future__ import annotations

from tests.cups import cups_printer, cups_printers  # noqa: F401 (fixtures)
