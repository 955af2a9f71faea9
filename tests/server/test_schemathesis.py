"""Property-based fuzzing of the OpenAPI spec (schemathesis): no input gets a 5xx.

Bounded: a few dozen examples per operation and mode, valid and invalid inputs, once
with whatever headers are generated and once with a real token and schema version,
so bodies that pass validation reach the push and pull code too.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.testing import LiveServer
from tests.server.conftest import SCHEMA, Workstation

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

EXAMPLES = 12


def _operations(server: LiveServer) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    schema.config.base_url = server.url  # type: ignore[attr-defined]
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("authenticated", [False, True])
def test_no_input_gets_a_server_error(
    server: LiveServer, ws: Workstation, mode: GenerationMode, authenticated: bool
) -> None:
    headers = ws.headers if authenticated else None
    failures: list[str] = []
    for operation in _operations(server):
        strategy = operation.as_strategy(generation_mode=mode)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case: Any) -> None:
            response = case.call(base_url=server.url, headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{response.text[:200]}"
                )

        try:
            check()
        except Unsatisfiable:  # nothing invalid to send (no parameters)
            continue
    assert failures == []


def test_openapi_documents_the_protocol(server: LiveServer) -> None:
    import httpx

    spec = httpx.get(f"{server.url}/openapi.json").json()
    assert {"/v1/enroll", "/v1/sync/push", "/v1/sync/pull", "/v1/health"} <= set(spec["paths"])
    assert httpx.get(f"{server.url}/docs").status_code == 200
    health = httpx.get(f"{server.url}/v1/health", headers=SCHEMA).json()
    assert health["status"] == "ok" and health["schema"] == 1
