"""The server's worker: jobs registered by plugins run once for the whole city.

Two workers race over the same rows on PostgreSQL (``FOR UPDATE SKIP LOCKED``) and
on SQLite (one writer at a time): every row is handled exactly once. A job that
raises is reported and the others still run; the CLI runs the registered jobs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee
import pytest
from click.testing import CliRunner

from core.plugins import hookimpl
from server import db, jobs
from server.testing import postgres_database
from tests.pg import require_postgres


class Task(db.ServerModel):
    key = peewee.CharField(unique=True)
    done_by = peewee.CharField(null=True)


class Made(db.ServerModel):
    """What the job makes, under a key derived from the task: never twice."""

    task_key = peewee.CharField(unique=True)
    worker = peewee.CharField()


def _handle_batch(worker: str, context: jobs.JobContext, batch: int = 7) -> int:
    done = 0
    while True:
        with db.transaction():
            claimed = context.claim(
                Task.select().where(Task.done_by.is_null()).order_by(Task.id).limit(batch)
            )
            if not claimed:
                return done
            for task in claimed:
                Made.create(task_key=task.key, worker=worker)
                Task.update(done_by=worker).where(Task.id == task.id).execute()
                done += 1


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgresql":
        require_postgres()
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'server.db'}"


@pytest.fixture
def bound(database: str) -> Iterator[None]:
    db.bind(db.make_database(database, max_connections=8))
    db.database.create_tables([Task, Made])
    yield
    db.database.close()


def test_two_workers_handle_every_row_exactly_once(bound: None) -> None:
    with db.transaction():
        Task.insert_many([{"key": f"t{i}"} for i in range(400)]).execute()
    registries = []
    for worker in ("a", "b"):
        registry = jobs.JobRegistry()
        registry.add("tasks", lambda ctx, w=worker: _handle_batch(w, ctx), every=0.05)
        registries.append(registry)
    totals: dict[str, int | Exception] = {}
    start = threading.Barrier(2)

    def work(name: str, registry: jobs.JobRegistry) -> None:
        start.wait()
        totals[name] = jobs.run_once(registry)["tasks"]
        db.database.close()  # this thread's connection

    threads = [
        threading.Thread(target=work, args=(n, r)) for n, r in zip("ab", registries, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(isinstance(v, Exception) for v in totals.values()), totals
    assert Made.select().count() == 400  # none missing, none twice (unique key)
    assert sum(int(v) for v in totals.values()) == 400  # type: ignore[arg-type]
    assert Task.select().where(Task.done_by.is_null()).count() == 0


def test_a_failing_job_is_reported_and_the_others_still_run(bound: None) -> None:
    with db.transaction():
        Task.insert_many([{"key": f"t{i}"} for i in range(5)]).execute()
    registry = jobs.JobRegistry()

    def broken(_ctx: jobs.JobContext) -> int:
        raise RuntimeError("gateway misconfigured")

    registry.add("broken", broken)
    registry.add("tasks", lambda ctx: _handle_batch("solo", ctx))
    results = jobs.run_once(registry)
    assert isinstance(results["broken"], RuntimeError)
    assert results["tasks"] == 5


def test_run_forever_repeats_passes_until_stopped(bound: None) -> None:
    passes: list[int] = []
    stopping = threading.Event()
    registry = jobs.JobRegistry()

    def count(_ctx: jobs.JobContext) -> int:
        passes.append(1)
        if len(passes) == 3:
            stopping.set()
        return 0

    registry.add("count", count, every=0.01)
    runner = threading.Thread(target=jobs.run_forever, args=(registry, stopping), daemon=True)
    runner.start()
    runner.join(10)
    assert not runner.is_alive()
    assert len(passes) == 3


def test_registry_refuses_a_second_job_of_the_same_name() -> None:
    registry = jobs.JobRegistry()
    registry.add("x", lambda ctx: 0)
    with pytest.raises(ValueError, match="already registered"):
        registry.add("x", lambda ctx: 0)
    with pytest.raises(ValueError, match="positive"):
        registry.add("y", lambda ctx: 0, every=0)


class _JobPlugin:
    @hookimpl
    def sihao_server_jobs(self, registry: Any) -> None:
        registry.add("test.count", lambda ctx: 2, every=30, description="counts to two")


def test_plugins_register_jobs_and_the_cli_runs_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import plugins as server_plugins
    from workstation.cli import main

    real_load_host = server_plugins.load_host

    def load_host() -> Any:
        host = real_load_host()
        host.register_object("jobtest", _JobPlugin())
        return host

    monkeypatch.setattr(server_plugins, "load_host", load_host)
    url = f"sqlite:///{tmp_path / 'server.db'}"
    runner = CliRunner()
    made = runner.invoke(main, ["server", "--database", url, "migrate"])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(main, ["server", "--database", url, "worker", "list"])
    assert listed.exit_code == 0, listed.output
    assert "test.count" in listed.output and "counts to two" in listed.output
    once = runner.invoke(main, ["server", "--database", url, "worker", "run", "--once"])
    assert once.exit_code == 0, once.output
    assert "test.count: 2 done" in once.output
    unknown = runner.invoke(
        main, ["server", "--database", url, "worker", "run", "--once", "--only", "nope"]
    )
    assert unknown.exit_code == 2
    assert "no job named nope" in unknown.output
