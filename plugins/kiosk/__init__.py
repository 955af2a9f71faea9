"""Kiosk (好查 好评 for citizens): the hall's self-service kiosk (``sihao kiosk``, in a
terminal or a browser through textual-serve) and the signed QR link a receipt
carries to the central server's rating page (动态二维码)."""

from pathlib import Path as _Path

from core.i18n import register_catalog as _register_catalog

_register_catalog(_Path(__file__).parent / "locale")
