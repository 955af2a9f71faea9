"""Remappable keys: every shell binding has an id; ``keymap.toml`` maps ids to keys.

[keys]
"sihao.sign_out" = "f12"
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.config import ConfigError


def load_keymap(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, str(exc)) from exc
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError(path, "[keys] maps binding ids to key names")
    return {str(k): str(v) for k, v in keys.items()}
