"""A process with its hands full answers 503 with Retry-After at once, not minutes later."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx

from core.plugins import hookimpl
from server.plugins import load_host
from server.testing import live_server

release = threading.Event()
entered = threading.Event()


class Slow:
    @hookimpl
    def sihao_server_routes(self, router: Any) -> None:
        @router.get("/wait")
        def wait() -> dict[str, bool]:
            entered.set()
            return {"released": release.wait(timeout=20)}


def test_requests_over_the_limit_get_503_with_retry_after(tmp_path: Path) -> None:
    from server import admin

    host = load_host()
    host.register_object("slow", Slow())
    with live_server(f"sqlite:///{tmp_path / 's.db'}", host=host, max_in_flight=1) as srv:
        admin.add_site("SHED-1", "繁忙站点", "town")
        token = httpx.post(
            f"{srv.url}/v1/enroll", json={"code": admin.issue_enroll_code("SHED-1")}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}", "X-Sihao-Schema": "1"}
        result: dict[str, Any] = {}

        def slow_call() -> None:
            answer = httpx.get(f"{srv.url}/v1/plugins/slow/wait", headers=headers, timeout=30)
            result["slow"] = answer.json()

        caller = threading.Thread(target=slow_call)
        caller.start()
        assert entered.wait(timeout=20)
        busy = httpx.get(f"{srv.url}/v1/sync/pull", headers=headers)
        health = httpx.get(f"{srv.url}/v1/health")
        release.set()
        caller.join(timeout=20)
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "2"
        assert "busy" in busy.json()["detail"]
        assert health.status_code == 200
        assert result["slow"] == {"released": True}
        assert httpx.get(f"{srv.url}/v1/sync/pull", headers=headers).status_code == 200
