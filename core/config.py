"""Where things live and the site config file.

Everything a workstation writes lives under two platform directories (platformdirs):
the data directory (database, logs, themes) and the config directory (site.toml,
keymap.toml). ``--data-dir DIR`` (or ``SIHAO_DATA_DIR``) relocates both under DIR,
which is what tests, demos and a second workstation on one machine use.

The site config is TOML. A file that does not parse stops the workstation with a
message naming the file and line: guessing a site's identity or its plugin policy
would be worse than not starting.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from core.i18n import _

APP_NAME = "sihao"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "sihao.db"

    @property
    def site_config(self) -> Path:
        return self.config_dir / "site.toml"

    @property
    def keymap(self) -> Path:
        return self.config_dir / "keymap.toml"

    @property
    def themes_dir(self) -> Path:
        return self.data_dir / "themes"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    def ensure(self) -> Paths:
        from core.filemodes import private_dir

        # The data directory holds the store (PIN hashes, people's records) and logs:
        # only this account may enter it (core.filemodes).
        private_dir(self.data_dir)
        for directory in (self.config_dir, self.themes_dir, self.log_dir):
            directory.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: str | Path | None = None) -> Paths:
    """The directories for this run: ``--data-dir`` wins, then ``SIHAO_DATA_DIR``."""
    chosen = data_dir or os.environ.get("SIHAO_DATA_DIR")
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return Paths(data_dir=root, config_dir=root / "config")
    import platformdirs

    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
    )


class ConfigError(Exception):
    """The site config cannot be used; ``str()`` is the sentence for the user."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.detail = message
        where = _("{path}, line {line}").format(path=path, line=line) if line else str(path)
        super().__init__(
            _("The site config {where} is invalid: {detail}").format(where=where, detail=message)
        )


@dataclass
class SecuritySettings:
    max_pin_attempts: int = 5
    lockout_minutes: int = 15


@dataclass
class SiteConfig:
    """The contents of site.toml."""

    site_code: str = ""
    mode: str = "production"  # "demo" lists demo accounts on the sign-in screen
    language: str = ""
    enabled_plugins: list[str] = field(default_factory=list)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    theme: str = ""
    plugin_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    server_url: str = ""
    # IT's explicit leave to sync over plain http:// with a non-loopback server
    # ([server] allow_insecure_http; core.sync.client): off unless written.
    allow_insecure_http: bool = False

    @property
    def demo(self) -> bool:
        return self.mode == "demo"

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "site": {"code": self.site_code, "mode": self.mode},
            "plugins": {"enabled": sorted(self.enabled_plugins)},
            "security": {
                "max_pin_attempts": self.security.max_pin_attempts,
                "lockout_minutes": self.security.lockout_minutes,
            },
        }
        if self.language:
            data["site"]["language"] = self.language
        if self.theme:
            data["ui"] = {"theme": self.theme}
        if self.server_url:
            data["server"] = {"url": self.server_url}
        if self.allow_insecure_http:
            data.setdefault("server", {})["allow_insecure_http"] = True
        if self.plugin_settings:
            data["plugin_settings"] = self.plugin_settings
        return data


_LINE = re.compile(r"at line (\d+)")


def _expect(path: Path, value: Any, kind: type | tuple[type, ...], key: str) -> Any:
    if not isinstance(value, kind):
        raise ConfigError(path, _("{key} has the wrong type").format(key=key))
    return value


def parse_site_config(path: Path, text: str) -> SiteConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _LINE.search(str(exc))
        if match:
            line: int | None = int(match.group(1))
        elif "end of document" in str(exc):
            line = max(1, len(text.splitlines()))
        else:
            line = None
        raise ConfigError(path, str(exc), line) from exc
    site = _expect(path, raw.get("site", {}), dict, "[site]")
    plugins = _expect(path, raw.get("plugins", {}), dict, "[plugins]")
    security = _expect(path, raw.get("security", {}), dict, "[security]")
    ui = _expect(path, raw.get("ui", {}), dict, "[ui]")
    server = _expect(path, raw.get("server", {}), dict, "[server]")
    enabled = _expect(path, plugins.get("enabled", []), list, "plugins.enabled")
    if not all(isinstance(name, str) for name in enabled):
        raise ConfigError(path, _("{key} has the wrong type").format(key="plugins.enabled"))
    settings = _expect(path, raw.get("plugin_settings", {}), dict, "[plugin_settings]")
    max_attempts = _expect(
        path, security.get("max_pin_attempts", 5), int, "security.max_pin_attempts"
    )
    lockout = _expect(path, security.get("lockout_minutes", 15), int, "security.lockout_minutes")
    if max_attempts < 1 or lockout < 0:
        raise ConfigError(path, _("{key} has the wrong type").format(key="[security]"))
    return SiteConfig(
        site_code=str(_expect(path, site.get("code", ""), str, "site.code")),
        mode=str(_expect(path, site.get("mode", "production"), str, "site.mode")),
        language=str(_expect(path, site.get("language", ""), str, "site.language")),
        enabled_plugins=list(enabled),
        security=SecuritySettings(max_pin_attempts=max_attempts, lockout_minutes=lockout),
        theme=str(_expect(path, ui.get("theme", ""), str, "ui.theme")),
        plugin_settings={str(k): dict(v) for k, v in settings.items() if isinstance(v, dict)},
        server_url=str(_expect(path, server.get("url", ""), str, "server.url")),
        allow_insecure_http=bool(
            _expect(
                path, server.get("allow_insecure_http", False), bool, "server.allow_insecure_http"
            )
        ),
    )


def load_site_config(path: Path) -> SiteConfig:
    """Read site.toml; a missing file is an empty (not yet set up) config."""
    if not path.exists():
        return SiteConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, _("the file is not UTF-8 text")) from exc
    except OSError as exc:
        raise ConfigError(path, exc.strerror or str(exc)) from exc
    return parse_site_config(path, text)


def save_site_config(path: Path, config: SiteConfig) -> None:
    """Write atomically: the watcher must never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(config.to_toml()), encoding="utf-8")
    os.replace(tmp, path)
