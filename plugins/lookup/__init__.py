"""Lookup (好查): find a service item as a clerk types, read every field of it, narrow
its conditions and materials to one applicant's situation, open one-thing bundles,
and find the nearest service point. The catalog and the search engine are core's
(``core.catalog``); this plugin puts them in front of people and adds
``sihao catalog import/export``."""

from pathlib import Path as _Path

from core.i18n import register_catalog as _register_catalog

_register_catalog(_Path(__file__).parent / "locale")
