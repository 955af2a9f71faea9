"""The Sync plugin as people meet it: tiles, the Sync and Enroll screens, the status bar,
and site policy from the server applied live (a real server on loopback, SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, DataTable, Input, Static

from core.outbox import RecordRejected
from core.plugins import hookimpl
from core.sync import engine
from core.sync.engine import Syncer
from plugins.sync import service
from server import admin
from tests.sync_support.world import DEMO_SITE, central_server, enroll, workstation, write_notes
from tests.workstation.helpers import sign_in, wait_for
from workstation.app import SihaoApp
from workstation.widgets.status_bar import StatusBar


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with central_server("sqlite", tmp_path_factory.mktemp("server")) as srv:
        yield srv


async def settle(pilot: Any) -> None:
    """Let a freshly mounted screen settle before it is replaced or the app closes:
    Textual's Header queries its title in a watcher scheduled at mount, which fails
    (NoMatches) if the screen is already gone; a loaded machine makes that likely."""
    await pilot.pause(0.3)


def tile_ids(app: SihaoApp) -> set[str]:
    return {b.id or "" for b in app.screen.query(".tile").results(Button)}


def status_line(app: SihaoApp) -> str:
    return app.screen.query_one(StatusBar).describe()


async def test_it_disables_a_plugin_on_the_server_and_its_tile_goes(
    server: Any, tmp_path: Path
) -> None:
    runtime = workstation(tmp_path / "ws")  # nothing local: staff and policy come by sync
    enroll(runtime, server)
    admin.set_policy(DEMO_SITE, enable=["about"])
    Syncer(runtime).sync_once()  # the policy in force before the app starts
    app = SihaoApp(runtime, watch=False)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await sign_in(pilot, "1001")  # a clerk whose PIN hash came from the server
            assert await wait_for(
                pilot, lambda: {"tile-about-site", "tile-sync-status"} <= tile_ids(app), timeout=20
            )
            assert await wait_for(pilot, lambda: "同步：已是最新" in status_line(app), timeout=20)

            admin.set_policy(DEMO_SITE, disable=["about"])
            service.retry_now(runtime)  # the worker's next round, without waiting 30 s
            # The About tile goes; Sync itself always stays on.
            assert await wait_for(
                pilot,
                lambda: (
                    "tile-sync-status" in tile_ids(app) and "tile-about-site" not in tile_ids(app)
                ),
                timeout=10,
            )

            await settle(pilot)
            admin.set_policy(DEMO_SITE, enable=["about"])
            service.retry_now(runtime)
            assert await wait_for(pilot, lambda: "tile-about-site" in tile_ids(app), timeout=20)
            # The home screen was just recomposed: let its new Header finish mounting
            # before the app closes (Textual's title watcher fails on a closed screen).
            await settle(pilot)
    finally:
        admin.set_policy(DEMO_SITE, enable=["about"])


async def test_sync_screen_shows_waiting_and_rejected_records(server: Any, tmp_path: Path) -> None:
    runtime = workstation(tmp_path / "ws")
    enroll(runtime, server)
    Syncer(runtime).sync_once()
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(160, 45)) as pilot:
        service.stop_worker(runtime)  # this test drives the rounds itself
        await settle(pilot)
        await sign_in(pilot, "9001")  # IT
        write_notes(3)
        write_notes(1, kind="e2e.unknown")
        await pilot.click("#tile-sync-status")
        await pilot.pause()
        assert app.screen.id == "sync"
        summary = str(app.screen.query_one("#sync-summary", Static).render())
        assert "待上传：4 条" in summary and DEMO_SITE in summary
        assert "4 条待上传" in status_line(app)

        await pilot.press("r")  # retry now: the worker runs a round
        assert await wait_for(pilot, lambda: engine.status().rejected == 1, timeout=20)
        table = app.screen.query_one("#sync-rejected", DataTable)
        assert await wait_for(pilot, lambda: table.row_count == 1, timeout=20)
        row = table.get_row_at(0)
        assert row[1] == "e2e.unknown" and "e2e.unknown" in str(row[4])
        assert "1 条被拒" in status_line(app)

        await pilot.press("q")  # IT sends it again (still unknown: rejected again, kept)
        assert await wait_for(pilot, lambda: engine.status().pending == 0, timeout=20)
        assert engine.status().rejected == 1
        await settle(pilot)
    service.stop_worker(runtime)


async def test_it_enrolls_from_the_enroll_screen(server: Any, tmp_path: Path) -> None:
    runtime = workstation(tmp_path / "ws", seed=True)  # a demo site, not enrolled yet
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "9001")
        assert "同步：未注册" in status_line(app)
        await pilot.click("#tile-sync-enroll")
        await pilot.pause()
        app.screen.query_one("#enroll-server", Input).value = server.url
        app.screen.query_one("#enroll-code", Input).value = "WRONG-CODE"
        await pilot.click("#enroll-submit")
        result = app.screen.query_one("#enroll-result", Static)
        # The server's reason, in Chinese: never its English words.
        assert await wait_for(
            pilot, lambda: "服务器不认识这个注册码" in str(result.render()), timeout=20
        )
        assert "enrollment code" not in str(result.render())
        assert not engine.status().enrolled

        app.screen.query_one("#enroll-code", Input).value = admin.issue_enroll_code(DEMO_SITE)
        await pilot.click("#enroll-submit")
        assert await wait_for(pilot, lambda: "已在" in str(result.render()), timeout=20)
        assert engine.status().enrolled and engine.status().site_code == DEMO_SITE
        assert await wait_for(
            pilot, lambda: engine.status().last_pull_at is not None, timeout=20
        )  # the worker started syncing at once
        await settle(pilot)


def test_cli_enroll_and_sync(server: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workstation.cli import main

    data = str(tmp_path / "ws")
    runner = CliRunner()
    seeded = runner.invoke(main, ["--data-dir", data, "demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    refused = runner.invoke(
        main, ["--data-dir", data, "enroll", "--server", server.url, "--code", "NOPE-NOPE"]
    )
    assert refused.exit_code == 2 and "服务器不认识这个注册码" in refused.output
    code = admin.issue_enroll_code(DEMO_SITE)
    enrolled = runner.invoke(
        main, ["--data-dir", data, "enroll", "--server", server.url, "--code", code]
    )
    assert enrolled.exit_code == 0, enrolled.output
    assert f"本工作站已在 {server.url} 注册，所属站点 {DEMO_SITE}。" in enrolled.output
    write_notes(3)
    synced = runner.invoke(main, ["--data-dir", data, "sync"])
    assert synced.exit_code == 0, synced.output
    assert "已上传 3 条（新入库 3，此前已入库 0，被拒绝 0）" in synced.output
    # Revoked: --watch reports the state and stops instead of looping forever.
    admin.revoke_workstation(engine.status().workstation_id)
    watched = runner.invoke(main, ["--data-dir", data, "sync", "--watch", "--interval", "0.1"])
    assert watched.exit_code == 1
    assert "吊销" in watched.output


class _Refusing:
    """A workstation plugin whose check refuses one pulled change."""

    @hookimpl
    def sihao_apply_change(self, kind: str, id: str, op: str, data: Any) -> bool | None:
        if kind != "e2e.checked":
            return None
        if data.get("forged"):
            raise RecordRejected("办件状态不能从已办结退回")
        return True


async def test_a_record_the_server_refuses_and_a_change_refused_here_show_their_reasons(
    server: Any, tmp_path: Path
) -> None:
    from core import outbox
    from core.db import atomic, new_id
    from server import changes
    from server import db as server_db

    runtime = workstation(tmp_path / "ws")
    enroll(runtime, server)
    runtime.host.register_object("refusing", _Refusing())
    admin.set_policy(DEMO_SITE, enable=["refusing"])  # on at this site, as IT set it
    with server_db.transaction():
        for entity, data in (("ok-1", {"forged": False}), ("forged-1", {"forged": True})):
            changes.emit(changes.site_scope(DEMO_SITE), "e2e.checked", entity, "upsert", data)
    write_notes(2)
    with atomic():  # an integer JavaScript and jsonb cannot hold exactly
        outbox.enqueue("e2e.note", new_id(), {"text": "超大", "n": 2**60})
    pushed, _pulled = Syncer(runtime).sync_once()
    assert pushed.applied == 2 and pushed.rejected == 1
    assert "refusing" in runtime.host.loaded()

    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        service.stop_worker(runtime)
        await settle(pilot)
        await sign_in(pilot, "9001")
        await pilot.click("#tile-sync-status")
        await pilot.pause()
        rejected = app.screen.query_one("#sync-rejected", DataTable)
        assert await wait_for(pilot, lambda: rejected.row_count == 1, timeout=20)
        row = rejected.get_row_at(0)
        # In the clerk's language, with the server's words on the field for IT.
        assert row[1] == "e2e.note" and str(row[4]).startswith("服务器拒收了这条记录的内容（n:")
        refused = app.screen.query_one("#sync-refused", DataTable)
        assert await wait_for(pilot, lambda: refused.row_count == 1, timeout=20)
        assert [str(cell) for cell in refused.get_row_at(0)] == [
            "e2e.checked",
            "forged-1",
            "办件状态不能从已办结退回",
        ]
        reason = app.screen.query_one("#sync-refused-reason", Static)
        assert "原因：办件状态不能从已办结退回" in str(reason.render())
        assert "服务器发来、本机拒收的变更" in str(
            app.screen.query_one("#sync-refused-title", Static).render()
        )
        await settle(pilot)
    service.stop_worker(runtime)
    admin.set_policy(DEMO_SITE, disable=["refusing"])


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_enroll_screen_refuses_plain_http_in_view(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """The refusal names the fix, and at 80x24 the form scrolls so the answer is seen."""
    runtime = workstation(tmp_path / "ws", seed=True)
    app = SihaoApp(runtime, watch=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in(pilot, "9001")
        await pilot.click("#tile-sync-enroll")
        await pilot.pause()
        app.screen.query_one("#enroll-server", Input).value = "http://10.20.30.40:8765"
        app.screen.query_one("#enroll-code", Input).value = "ABC123"
        await pilot.click("#enroll-submit")
        result = app.screen.query_one("#enroll-result", Static)
        assert await wait_for(pilot, lambda: "未加密" in str(result.render()), timeout=20)
        assert "allow_insecure_http" in str(result.render())
        await pilot.pause(0.2)
        form = app.screen.query_one("#enroll-form")
        assert result.region.height >= 2  # the whole sentence, wrapped
        assert form.region.contains_region(result.region), (result.region, form.region)
        assert result.region.bottom <= size[1] - 2  # above the status bar and footer
        assert not engine.status().enrolled
        await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_the_sync_screen_fits_and_gives_each_rejection_its_whole_reason(
    server: Any, tmp_path: Path, size: tuple[int, int], language: str
) -> None:
    """At 80x24 the rejected records' table is no wider than the screen (the record's
    id shortened, the reason cut), and the highlighted row's reason is on screen in
    full, above the status bar."""
    from core.i18n import set_language

    runtime = workstation(tmp_path / "ws")
    enroll(runtime, server)
    write_notes(2, kind="e2e.unknown")
    Syncer(runtime).sync_once()
    rejected = engine.rejected_mutations()
    assert len(rejected) == 2
    set_language(language)
    app = SihaoApp(runtime, watch=False)
    try:
        async with app.run_test(size=size) as pilot:
            service.stop_worker(runtime)
            await settle(pilot)
            await sign_in(pilot, "9001")
            await pilot.click("#tile-sync-status")
            await pilot.pause()
            screen = app.screen
            assert screen.id == "sync"
            table = screen.query_one("#sync-rejected", DataTable)
            assert table.row_count == 2
            assert table.virtual_size.width <= table.size.width  # no sideways scrolling
            assert table.region.right <= size[0]
            whole = service.rejection_text(rejected[0].last_error)
            line = screen.query_one("#sync-rejected-reason", Static)
            assert whole in " ".join(str(line.render()).split("\n"))
            assert line.region.height > 0 and line.region.bottom <= size[1] - 2
            text = "\n".join(
                "".join(s.text for s in strip) for strip in screen._compositor.render_strips()
            )
            assert rejected[0].entity_id[-8:] in text
            await pilot.press("down")  # the line follows the highlighted row
            await pilot.pause()
            assert whole in " ".join(str(line.render()).split("\n"))
            await settle(pilot)
    finally:
        service.stop_worker(runtime)
        runtime.shutdown()
