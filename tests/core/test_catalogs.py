"""Every UI string has its Chinese translation; both languages really switch."""

from __future__ import annotations

from core import catalogs
from core.i18n import _, set_language


def test_no_ui_string_lacks_a_chinese_translation() -> None:
    gaps = catalogs.missing()
    assert not gaps, (
        "untranslated (run python -m core.catalogs update PKG and fill the .po): " + repr(gaps)
    )


def test_language_switch() -> None:
    import workstation  # noqa: F401  (registers the shell's catalog)

    set_language("zh_CN")
    assert _("Staff number or PIN is wrong.") == "工号或密码错误。"
    assert _("Sign in") == "登录"
    set_language("en")
    assert _("Staff number or PIN is wrong.") == "Staff number or PIN is wrong."
    assert _("Sign in") == "Sign in"
