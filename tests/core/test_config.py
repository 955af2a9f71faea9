from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError, SiteConfig, load_site_config, save_site_config


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    config = SiteConfig(site_code="370303-ZWFW", mode="demo", enabled_plugins=["about", "lookup"])
    config.plugin_settings["about"] = {"show_off_duty_staff": True}
    save_site_config(path, config)
    loaded = load_site_config(path)
    assert loaded.site_code == "370303-ZWFW"
    assert loaded.demo
    assert loaded.enabled_plugins == ["about", "lookup"]
    assert loaded.plugin_settings == {"about": {"show_off_duty_staff": True}}


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text('[site]\ncode = "370303"\n\n[plugins]\nenabled = ["about",\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_site_config(path)
    assert caught.value.line is not None and caught.value.line >= 5
    message = str(caught.value)
    assert str(path) in message and "站点配置文件" in message


def test_wrong_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text('[plugins]\nenabled = "about"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="plugins.enabled"):
        load_site_config(path)


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes('[site]\ncode = "张店"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_site_config(path)
