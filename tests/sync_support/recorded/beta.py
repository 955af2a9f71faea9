"""Recording plugin ``beta`` (see the package)."""

from __future__ import annotations

from tests.sync_support import recorded

NAME = "beta"
recorded.calls.append((NAME, "import"))

sihao_migrations, sihao_screens, sihao_startup, sihao_shutdown = recorded.hooks(NAME)
