"""A workstation process for the crash tests: ``enroll URL CODE``, ``work``, ``pull``, ``drain``.

``work`` makes records and pushes them in a loop until it is killed (SIGKILL, at a
random moment: mid-write, mid-request, between the server's commit and the local
acknowledgement...). ``pull`` pulls in small pages in a loop until killed.
``drain`` pushes until nothing is pending, pulls once, and prints the outbox as
JSON. The token is in the keyring backend the environment names (the
test uses keyrings.alt's PlaintextKeyring under a temporary XDG_DATA_HOME).

    python -m tests.sync_support.crash_workstation DATA_DIR work
"""

from __future__ import annotations

import json
import random
import sys

from core.config import resolve_paths
from core.outbox import Outbox
from core.runtime import Runtime
from core.sync.client import Retryable
from core.sync.engine import Syncer
from tests.sync_support.world import PLUGIN, NotesPlugin, pending, write_notes


def main(argv: list[str]) -> int:
    data_dir, mode = argv[0], argv[1]
    runtime = Runtime.open(resolve_paths(data_dir))
    runtime.host.register_object(PLUGIN, NotesPlugin())
    if mode == "enroll":
        Syncer(runtime).enroll(argv[2], argv[3], "crash-test counter")
        return 0
    syncer = Syncer(runtime, batch_size=25)
    if mode == "work":
        rng = random.Random()
        print("ready", flush=True)
        made = Outbox.select().count()
        while True:
            n = rng.randint(1, 30)
            write_notes(n, start=made, per_transaction=rng.randint(1, 8))
            made += n
            try:
                syncer.push()
            except Retryable:
                pass
    if mode == "pull":  # small pages, over and over, until killed
        puller = Syncer(runtime, page_size=3)
        print("ready", flush=True)
        while True:
            try:
                puller.pull()
            except Retryable:
                pass
    if mode == "drain":
        for _ in range(100):
            try:
                syncer.push()
            except Retryable:
                continue
            if pending() == 0:
                break
        syncer.pull()
        rows = [
            {"entity_id": e, "state": s}
            for e, s in Outbox.select(Outbox.entity_id, Outbox.state).tuples()
        ]
        print(json.dumps(rows))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
