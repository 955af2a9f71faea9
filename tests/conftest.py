"""Shared fixtures: a real SQLite store in a temporary data directory, the demo site,
the real plugin host (built-ins and installed entry points), the UI in Chinese."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import resolve_paths, save_site_config
from core.i18n import set_language
from core.plugins import PluginHost
from core.runtime import Runtime

# Keep whatever a developer has in their environment out of the tests.
os.environ.pop("SIHAO_PLUGINS", None)
os.environ.pop("SIHAO_DATA_DIR", None)


@pytest.fixture(autouse=True)
def chinese_ui() -> Iterator[None]:
    set_language("zh_CN")
    yield
    set_language("zh_CN")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "sihao"


def make_runtime(
    data_dir: Path,
    *,
    plugins: list[str] | None = None,
    host: PluginHost | None = None,
    demo: bool = True,
) -> Runtime:
    """A runtime on a fresh store with the demo site seeded and ``plugins`` enabled."""
    from core.demo import seed_demo

    paths = resolve_paths(data_dir)
    runtime = Runtime.open(paths, host=host)
    if demo:
        runtime.config.site_code = seed_demo()
        runtime.config.mode = "demo"
    runtime.config.enabled_plugins = list(plugins if plugins is not None else ["about"])
    save_site_config(paths.site_config, runtime.config)
    return runtime


@pytest.fixture
def runtime(data_dir: Path) -> Iterator[Runtime]:
    rt = make_runtime(data_dir)
    rt.apply_policy()
    yield rt
    rt.shutdown()
