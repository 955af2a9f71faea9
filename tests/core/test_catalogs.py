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
    assert _("The current PIN is wrong.") == "当前密码不正确。"
    assert _("Sign in") == "登录"
    set_language("en")
    assert _("The current PIN is wrong.") == "The current PIN is wrong."
    assert _("Sign in") == "Sign in"


def test_a_message_id_means_the_same_in_every_package() -> None:
    """Catalogs are chained in import order: two translations of one id would make
    what a clerk reads depend on which plugin happened to load first."""
    from babel.messages.pofile import read_po

    seen: dict[str, dict[str, str]] = {}
    for po in sorted(catalogs.ROOT.glob("*/**/locale/zh_CN/LC_MESSAGES/sihao.po")):
        if ".venv" in po.parts:
            continue
        with po.open("rb") as fh:
            for message in read_po(fh):
                if message.id and message.string:
                    seen.setdefault(str(message.id), {})[str(po.relative_to(catalogs.ROOT))] = str(
                        message.string
                    )
    clashes = {mid: where for mid, where in seen.items() if len(set(where.values())) > 1}
    assert not clashes, f"one id, several translations: {clashes}"
