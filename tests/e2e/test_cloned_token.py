"""One token on two machines: the server refuses the copy's records with a sentence
the clerk reads, keeps nothing of them, and shows IT which workstation it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.sync import engine
from core.sync.client import Refused
from core.sync.engine import Syncer
from server import admin
from tests.sync_support.world import enroll, pending, server_notes, workstation, write_notes


def test_a_token_in_use_on_two_machines_is_refused_and_shown(server: Any, tmp_path: Path) -> None:
    runtime = workstation(tmp_path / "ws")
    try:
        enroll(runtime, server)
        syncer = Syncer(runtime)
        syncer.sync_once()
        write_notes(3)
        pushed, _ = syncer.sync_once()
        assert pushed.applied == 3
        workstation_id = engine.sync_state().workstation_id
        # The second machine: a copy of this one's disk and keyring made before
        # those three were written, so it numbers its next records 1, 2 … again.
        runtime.db.execute_sql("DELETE FROM outbox")
        runtime.db.execute_sql("UPDATE sqlite_sequence SET seq = 0 WHERE name = 'outbox'")
        write_notes(2)
        with pytest.raises(Refused) as refused:
            syncer.push()
        assert refused.value.code == "cloned_token"
        assert str(refused.value) == (
            "服务器拒收了这些记录：本工作站的密钥似乎同时在另一台电脑上使用。"
            "请联系信息科撤销并重新登记本工作站；待上传的记录会保留。"
        )
        assert "client_seq 1 was already used" in refused.value.detail
        assert engine.status().last_error == str(refused.value)
        assert pending() == 2  # kept for after the re-enrollment
        assert len(server_notes(workstation_id)) == 3
        [row] = [w for w in admin.list_workstations() if w.id == workstation_id]
        assert row.suspect.startswith("cloned token? client_seq 1 was already used")

        # IT revokes the token and enrolls this machine again: its records go.
        admin.revoke_workstation(workstation_id)
        syncer.close()
        enroll(runtime, server)
        again, _ = Syncer(runtime).sync_once()
        assert again.applied == 2 and pending() == 0
    finally:
        runtime.shutdown()
