"""About this site: the site, its windows and the staff on duty, and site notices."""

from pathlib import Path as _Path

from core.i18n import register_catalog as _register_catalog

_register_catalog(_Path(__file__).parent / "locale")
