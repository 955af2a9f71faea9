"""Case numbers carry the counter tag the central server allocated (SQLite and
PostgreSQL, the real server on loopback): taken from the enrollment answer, fetched
on the next pull by a workstation enrolled before allocation, renewed by ``sihao
intake retag``; a standalone workstation keeps a random tag."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from core.runtime import Runtime
from core.sync.engine import Syncer, sync_state
from core.sync.models import SyncState
from plugins.intake import numbering
from plugins.intake.models import WorkstationTag
from server import admin
from server.models import CounterTag
from server.models import Workstation as ServerWorkstation
from tests.conftest import make_runtime
from tests.plugins.intake.helpers import take
from tests.sync_support.keyring_memory import MemoryKeyring, memory_keyring
from tests.sync_support.world import DEMO_SITE, central_server
from workstation.cli import main


@pytest.fixture(autouse=True)
def keyring_backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with central_server(request.param, tmp_path_factory.mktemp("server")) as srv:
        yield srv


def counter(data_dir: Path, server: Any, name: str) -> Runtime:
    runtime = make_runtime(data_dir, plugins=["about", "sync", "lookup", "intake", "feedback"])
    runtime.apply_policy()
    Syncer(runtime).enroll(server.url, admin.issue_enroll_code(DEMO_SITE), name)
    Syncer(runtime).sync_once()  # the catalog, staff and policy from the server
    assert "intake" in runtime.host.loaded(), runtime.host.plugins["intake"].error
    return runtime


def _server_tag(workstation_id: str) -> str:
    return str(ServerWorkstation.get_by_id(workstation_id).counter_tag)


def test_case_numbers_carry_the_tag_the_server_allocated(tmp_path: Path, server: Any) -> None:
    first = counter(tmp_path / "a", server, "A01")
    state = sync_state()
    allocated = str(state.counter_tag)
    assert allocated and allocated == _server_tag(str(state.workstation_id))
    case = take(first)
    assert numbering.parse(case.case_no)["tag"] == allocated  # type: ignore[index]
    assert WorkstationTag.get_by_id(1).made_from == "server"
    first.shutdown()

    second = counter(tmp_path / "b", server, "A02")
    other = str(sync_state().counter_tag)
    assert other and other != allocated  # two counters of one site: two tags
    assert numbering.parse(take(second).case_no)["tag"] == other  # type: ignore[index]
    second.shutdown()


def test_a_workstation_enrolled_before_allocation_gets_its_tag_on_the_next_pull(
    tmp_path: Path, server: Any
) -> None:
    runtime = counter(tmp_path, server, "A03")
    workstation_id = str(sync_state().workstation_id)
    # As before the change: nothing allocated on either side, no case taken yet.
    CounterTag.delete().where(CounterTag.workstation == workstation_id).execute()
    ServerWorkstation.update(counter_tag=None).where(
        ServerWorkstation.id == workstation_id
    ).execute()
    SyncState.update(counter_tag="").where(SyncState.id == 1).execute()

    Syncer(runtime).pull()
    fetched = str(sync_state().counter_tag)
    assert fetched and fetched == _server_tag(workstation_id)
    assert numbering.parse(take(runtime).case_no)["tag"] == fetched  # type: ignore[index]
    runtime.shutdown()


def test_a_tag_made_and_used_before_is_kept_until_retag(tmp_path: Path, server: Any) -> None:
    runtime = counter(tmp_path, server, "A04")
    workstation_id = str(sync_state().workstation_id)
    allocated = str(sync_state().counter_tag)
    # Made before the change, from the workstation id, and used.
    made = numbering.tag_from(workstation_id)
    WorkstationTag.create(id=1, tag=made, made_from="enrolment")
    assert numbering.parse(take(runtime).case_no)["tag"] == made  # type: ignore[index]

    out = CliRunner().invoke(main, ["intake", "retag"], obj={"runtime": runtime})
    assert out.exit_code == 0, out.output
    fresh = _server_tag(workstation_id)
    assert fresh not in (made, allocated) and fresh in out.output
    assert sync_state().counter_tag == fresh
    assert numbering.parse(take(runtime).case_no)["tag"] == fresh  # type: ignore[index]
    reserved = {str(r.tag) for r in CounterTag.select().where(CounterTag.site == DEMO_SITE)}
    assert {allocated, fresh} <= reserved  # the old one is never given again
    runtime.shutdown()


def test_retag_without_the_server_keeps_the_tag_and_says_why(tmp_path: Path, server: Any) -> None:
    runtime = counter(tmp_path, server, "A05")
    tag = numbering.parse(take(runtime).case_no)["tag"]  # type: ignore[index]
    SyncState.update(server_url="http://127.0.0.1:9").where(SyncState.id == 1).execute()
    out = CliRunner().invoke(main, ["intake", "retag"], obj={"runtime": runtime})
    assert out.exit_code == 2
    assert "中心服务器" in out.output and "原来的编号标识" in out.output
    assert WorkstationTag.get_by_id(1).tag == tag
    runtime.shutdown()


def test_a_standalone_workstation_keeps_a_random_tag(tmp_path: Path) -> None:
    runtime = make_runtime(tmp_path, plugins=["lookup", "intake", "feedback"])
    runtime.apply_policy()
    runtime.startup()
    case = take(runtime)
    tag = numbering.parse(case.case_no)["tag"]  # type: ignore[index]
    assert WorkstationTag.get_by_id(1).made_from == "random"
    out = CliRunner().invoke(main, ["intake", "retag"], obj={"runtime": runtime})
    assert out.exit_code == 0, out.output
    new = WorkstationTag.get_by_id(1).tag
    assert new != tag and new in out.output
    assert WorkstationTag.get_by_id(1).made_from == "random"
    runtime.shutdown()


def test_enrolled_again_the_workstation_numbers_with_its_new_tag(
    tmp_path: Path, server: Any
) -> None:
    runtime = counter(tmp_path, server, "A06")
    old_id = str(sync_state().workstation_id)
    first = numbering.parse(take(runtime).case_no)["tag"]  # type: ignore[index]
    admin.revoke_workstation(old_id)
    Syncer(runtime).enroll(server.url, admin.issue_enroll_code(DEMO_SITE), "A06")
    new_id = str(sync_state().workstation_id)
    fresh = _server_tag(new_id)
    assert new_id != old_id and fresh != first
    assert _server_tag(old_id) == first  # the revoked one keeps its tag, reserved
    assert numbering.parse(take(runtime).case_no)["tag"] == fresh  # type: ignore[index]
    runtime.shutdown()
