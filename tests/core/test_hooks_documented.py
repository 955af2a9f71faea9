"""A hook that docs/plugins.md does not describe is a hook nobody can use."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from core import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def hook_names() -> list[str]:
    return [
        name
        for name, obj in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("sihao_")
    ]


def test_every_hook_has_a_section_in_the_plugin_docs() -> None:
    documented = set(
        re.findall(r"^### `(sihao_\w+)\(", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    )
    missing = sorted(set(hook_names()) - documented)
    assert not missing, f"hooks missing from docs/plugins.md: {missing}"
    stale = sorted(documented - set(hook_names()))
    assert not stale, f"docs/plugins.md documents hooks that do not exist: {stale}"


def test_every_hookspec_has_a_docstring() -> None:
    for name in hook_names():
        assert (getattr(hookspecs, name).__doc__ or "").strip(), name
