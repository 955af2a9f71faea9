"""The server's migrations build exactly its models, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from playhouse.schema_diff import diff_models

from core import migrate
from server.app import MIGRATIONS
from server.db import make_database
from server.models import MODELS
from server.testing import postgres_database
from tests.pg import require_postgres


def test_server_migrations_match_models_on_sqlite(tmp_path: Path) -> None:
    db = make_database(f"sqlite:///{tmp_path / 's.db'}")
    assert migrate.run(db, "server", MIGRATIONS) == [
        "0001_initial",
        "0002_entity_owner",
        "0003_staff_desk",
        "0004_record_key",
        "0005_workstation_integrity",
        "0006_counter_tag",
    ]
    assert migrate.run(db, "server", MIGRATIONS) == []
    assert not diff_models(db, MODELS)
    db.close()


def test_server_migrations_run_on_postgresql() -> None:
    require_postgres()
    with postgres_database() as url:
        db = make_database(url)
        assert migrate.run(db, "server", MIGRATIONS) == [
            "0001_initial",
            "0002_entity_owner",
            "0003_staff_desk",
            "0004_record_key",
            "0005_workstation_integrity",
            "0006_counter_tag",
        ]
        assert set(db.get_tables()) >= {m._meta.table_name for m in MODELS}
        db.close_all()


def _records_before_ownership(db: Any) -> None:
    """A database at 0001 holding records of two sites, one entity written by both
    (a race the old check allowed): the first record's site owns it."""
    rows = [
        ("A", "note", "e1", "m1"),
        ("A", "note", "e1", "m2"),
        ("B", "note", "e2", "m3"),
        ("B", "note", "e3", "m4"),
        ("A", "note", "e3", "m5"),
        ("B", "case", "e1", "m6"),
    ]
    for site, kind, entity, mutation in rows:
        db.execute_sql(
            "INSERT INTO records (workstation, site, kind, entity_id, mutation_id, client_seq,"
            " payload, payload_version, received_at) VALUES (%s, %s, %s, %s, %s, 1, '{}', 1, %s)"
            if db.param == "%s"
            else "INSERT INTO records (workstation, site, kind, entity_id, mutation_id, client_seq,"
            " payload, payload_version, received_at) VALUES (?, ?, ?, ?, ?, 1, '{}', 1, ?)",
            (f"ws-{site}", site, kind, entity, mutation, dt.datetime(2026, 11, 1)),
        )


OWNERS = {("note", "e1"): "A", ("note", "e2"): "B", ("note", "e3"): "B", ("case", "e1"): "B"}


def _upgrade_fills_owners(db: Any) -> None:
    from playhouse.migrations import Runner

    runner = Runner(db, str(MIGRATIONS), table_name="migrations_server")
    assert runner.up("0001_initial") == ["0001_initial"]
    _records_before_ownership(db)
    assert migrate.run(db, "server", MIGRATIONS)[0] == "0002_entity_owner"
    owners = db.execute_sql("SELECT kind, entity_id, site FROM entity_owner").fetchall()
    assert {(kind, entity): site for kind, entity, site in owners} == OWNERS


def test_upgrading_gives_each_stored_entity_its_first_site_sqlite(tmp_path: Path) -> None:
    db = make_database(f"sqlite:///{tmp_path / 's.db'}")
    _upgrade_fills_owners(db)
    db.close()


def test_upgrading_gives_each_stored_entity_its_first_site_postgresql() -> None:
    require_postgres()
    with postgres_database() as url:
        db = make_database(url)
        _upgrade_fills_owners(db)
        db.close_all()


def test_the_push_statement_never_scans_the_records_table() -> None:
    """Ownership goes through entity_owner's key, whatever the statistics say: the plan
    of the push statement reads ``records`` only as the insert's target (its unique
    index as the conflict arbiter), on a table the planner thinks is empty."""
    require_postgres()
    from server import db as server_db
    from server import sync

    with postgres_database() as url:
        db = make_database(url)
        migrate.run(db, "server", MIGRATIONS)
        server_db.bind(db)
        try:
            columns = {
                f"c{i}": [value] * 3
                for i, value in enumerate(
                    ["k", "e", "m", 1, "{}", 1, "e", dt.datetime(2026, 11, 1)]
                )
            }
            columns["c1"] = ["e1", "e2", "e3"]
            columns["c2"] = ["m1", "m2", "m3"]
            params = {
                **columns,
                "site": "A",
                "workstation": "w",
                "now": dt.datetime(2026, 11, 1),
                "audit_seq": 4,
                "audit_hash": "0" * 64,
            }
            plan = "\n".join(
                row[0] for row in db.execute_sql("EXPLAIN " + sync._PG_STORE, params).fetchall()
            )
        finally:
            db.close_all()
    assert "Insert on records" in plan and "Insert on entity_owner" in plan
    assert " on records" not in plan.replace("Insert on records", ""), plan


def _upgrade_reserves_the_tags_made_before(db: Any) -> None:
    """Workstations enrolled before counter tags were allocated keep the tag each made
    from its id (plugins/intake/numbering.py), reserved; of two that made the same one
    the first keeps it and the other is given one when it asks."""
    from playhouse.migrations import Runner

    from plugins.intake.numbering import tag_from

    runner = Runner(db, str(MIGRATIONS), table_name="migrations_server")
    assert runner.up("0005_workstation_integrity")[-1] == "0005_workstation_integrity"
    ids = [f"ws-{n}" for n in range(2000)]
    by_tag: dict[str, list[str]] = {}
    for i in ids:
        by_tag.setdefault(tag_from(i), []).append(i)
    clash = next(group for group in by_tag.values() if len(group) > 1)[:2]
    lone = next(group[0] for group in by_tag.values() if len(group) == 1)
    p = db.param
    for n, (workstation, site) in enumerate(
        [(clash[0], "A"), (clash[1], "A"), (lone, "A"), (clash[1] + "-b", "B")]
    ):
        db.execute_sql(
            "INSERT INTO workstation (id, name, site, token_hash, enrolled_at, "
            "last_client_seq, revoked, suspect, audit_seq, audit_hash) "
            f"VALUES ({p}, '', {p}, {p}, {p}, 0, {p}, '', 0, '')",
            (workstation, site, f"hash-{n}", dt.datetime(2026, 11, 1, 9, n), False),
        )
    assert migrate.run(db, "server", MIGRATIONS) == ["0006_counter_tag"]
    tags = dict(db.execute_sql("SELECT id, counter_tag FROM workstation").fetchall())
    assert tags[clash[0]] == tag_from(clash[0])
    assert tags[clash[1]] is None  # the later of the two: allocated when it asks
    assert tags[lone] == tag_from(lone)
    assert tags[clash[1] + "-b"] == tag_from(clash[1] + "-b")
    reserved = set(db.execute_sql("SELECT site, tag FROM counter_tag").fetchall())
    assert reserved == {
        ("A", tag_from(clash[0])),
        ("A", tag_from(lone)),
        ("B", tag_from(clash[1] + "-b")),
    }


def test_upgrading_reserves_the_tags_workstations_made_sqlite(tmp_path: Path) -> None:
    db = make_database(f"sqlite:///{tmp_path / 's.db'}")
    _upgrade_reserves_the_tags_made_before(db)
    db.close()


def test_upgrading_reserves_the_tags_workstations_made_postgresql() -> None:
    require_postgres()
    with postgres_database() as url:
        db = make_database(url)
        _upgrade_reserves_the_tags_made_before(db)
        db.close_all()
