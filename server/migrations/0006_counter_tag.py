"""Counter tags unique within a site by construction (server.counter_tags).

``workstation.counter_tag`` with ``UNIQUE(site, counter_tag)``, and ``counter_tag``,
every tag a site ever gave out (so a tag of a revoked workstation is never given
again). A workstation enrolled before keeps the tag it made itself from its id
(Crockford base32 of SHA-256, plugins/intake/numbering.py before this change) when
no other workstation of its site made the same one; the first of two that did
keeps it, the other is given a fresh tag when it next pulls.
"""

import datetime as dt
import hashlib

from peewee import *

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _tag_from(seed):
    digest = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:4], "big")
    chars = []
    for _n in range(4):
        chars.append(ALPHABET[digest & 31])
        digest >>= 5
    return "".join(chars)


def up(migrator, db):
    migrator.migrate(migrator.add_column("workstation", "counter_tag", CharField(null=True)))

    class CounterTag(Model):
        site = CharField()
        tag = CharField()
        workstation = CharField(index=True)
        allocated_at = DateTimeField()

        class Meta:
            database = db
            primary_key = CompositeKey("site", "tag")
            table_name = "counter_tag"

    db.create_tables([CounterTag])
    p = db.param
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = db.execute_sql(
        "SELECT id, site FROM workstation ORDER BY enrolled_at, id"
    ).fetchall()
    taken = set()
    for workstation_id, site in rows:
        tag = _tag_from(workstation_id)
        if (site, tag) in taken:
            continue
        taken.add((site, tag))
        db.execute_sql(
            f"UPDATE workstation SET counter_tag = {p} WHERE id = {p}", (tag, workstation_id)
        )
        db.execute_sql(
            f"INSERT INTO counter_tag (site, tag, workstation, allocated_at) "
            f"VALUES ({p}, {p}, {p}, {p})",
            (site, tag, workstation_id, now),
        )
    migrator.migrate(
        migrator.add_index("workstation", ("site", "counter_tag"), True),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table("counter_tag"),
        migrator.drop_index("workstation", "workstation_site_counter_tag"),
        migrator.drop_column("workstation", "counter_tag"),
    )
