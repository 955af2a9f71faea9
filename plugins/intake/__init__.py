"""好办 at the counter: intake (办件), the application case every other part refers to.

A clerk starts an intake from a service item or a one-thing bundle (an item
action), types the applicant (checked as typed), ticks the situations and marks
each material of the checklist received / missing / shared by a department (不用带)
/ accepted pending (容缺受理). The outcome is 受理 (a case with its number, the
promised completion date and a printed receipt), 一次性告知 (one printed notice of
everything missing) or 不予受理 (a reason and a notice). An accepted case moves
受理 → 审查 → 办结 (approved / refused, with the licence number) → 已送达, each step
a new hash-chained row.

Modules: ``models`` (tables), ``numbering`` (case numbers), ``service`` (the UI-free
API, stable for the batch intake built on it), ``documents`` (receipt and notices),
``schemas``/``checks`` (record kinds and the server's checks), ``server`` (the
central server's tables, statistics and the default-rating job), ``ui`` (screens).
"""

from pathlib import Path as _Path

from core.i18n import register_catalog as _register_catalog

_register_catalog(_Path(__file__).parent / "locale")
