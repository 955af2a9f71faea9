"""好评 (easy to rate): rating entry (好差评), inspections and the rectification loop.

One plugin rather than two (ratings / feedback): a bad review must open its
rectification case in the same transaction as the rating itself (件件有整改), and
the statistics read ratings and cases together (回访率, 整改率). Split across two
plugins that may not import each other, both would need a hook round-trip inside
one transaction for no gain.

Modules: ``reference`` (versioned tag and indicator sets), ``ratings`` (entry and
validation), ``cases`` (the rectification state machine and deadlines),
``inspections``, ``stats`` and ``export``; ``server`` holds the central server's
side (routing, city-wide statistics).
"""

from pathlib import Path as _Path

from core.i18n import register_catalog as _register_catalog

_register_catalog(_Path(__file__).parent / "locale")
