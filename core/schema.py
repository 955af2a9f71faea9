"""Every model core owns, in one list: the migration generator and checks read it.

Regenerate a migration after changing a model:
``python -m playhouse.migrations generate -d core/migrations NAME core.schema:MODELS``
(``tests/core/test_migrations.py`` fails while models and migrations disagree).
"""

from __future__ import annotations

from core.audit import AuditEntry
from core.catalog.models import MODELS as CATALOG_MODELS
from core.models import CORE_MODELS
from core.outbox import Outbox
from core.printing.models import MODELS as PRINTING_MODELS
from core.sync.models import MODELS as SYNC_MODELS
from core.workdays import HolidayDay, HolidayYear

MODELS = [
    *CORE_MODELS,
    AuditEntry,
    HolidayDay,
    HolidayYear,
    Outbox,
    *CATALOG_MODELS,
    *SYNC_MODELS,
    *PRINTING_MODELS,
]
