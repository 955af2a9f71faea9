"""uvicorn factory for tests that run the server as separate processes."""

from __future__ import annotations

import os
from typing import Any


def app() -> Any:
    from server.app import create_app
    from server.plugins import load_host
    from tests.server.conftest import ServerTestPlugin

    host = load_host()
    host.register_object("servertest", ServerTestPlugin())
    return create_app(os.environ["SIHAO_SERVER_DATABASE"], host=host)
