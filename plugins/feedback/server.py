"""The central server's side of the 好评 plugin: routing cases, city-wide statistics.

Loaded only by the server (``sihao_server_record_applied``, ``sihao_server_routes``
import it on first use). Records are stored by the server itself (``records``);
this module reacts to them:

- a case (``feedback.case``) is emitted as a change to the responsible unit's site
  and to the site that opened it, so every workstation of both pulls it; its state
  changes (``feedback.case_event``) travel the same way, so the unit handles it and
  the opening site sees the progress (谁办理谁负责, and 件件有反馈);
- ``publish_reference()`` sends a new tag or indicator set to every workstation
  (IT: ``sihao server feedback publish tags|indicators FILE``, ``… references``);
- ``GET /v1/plugins/feedback/stats/ratings`` answers the statistics of a site and
  every site below it (city → district → town → village), from the stored
  ratings and cases (and each case's state, server_checks), with the same formulas as the workstation
  (``stats.fold_rating``, ``stats.fold_case_state``).

The statistics group the stored ratings in SQL, reading the JSON payload with the
database's own functions (``json_extract`` on SQLite, ``->>`` on PostgreSQL): one
pass over the ratings of the sites asked for. A server holding tens of millions of
ratings would want an aggregate table kept by ``record_applied``; that needs
server-side plugin migrations, which do not exist yet.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import peewee
from starlette.requests import Request  # annotations are resolved in this module

from plugins.feedback import reference, stats
from plugins.feedback.cases import CASE_KIND, EVENT_KIND
from plugins.feedback.ratings import RATING_KIND
from plugins.feedback.voids import RATING_KEY, VOID_KIND

log = logging.getLogger(__name__)

REFERENCE_KIND = "feedback.reference"  # pulled by sihao_apply_change (plugin.py)
# Dimensions the server can group by: the workstation's, plus the unit's site level.
SERVER_DIMENSIONS = (*stats.DIMENSIONS, "level")


def scope(site_code: str) -> str:
    return f"site:{site_code}"  # docs/sync-protocol.md, "Pull"


def record_applied(record: Any, emit: Callable[..., Any]) -> None:
    """Route cases and their events to the unit's and the opening site's workstations."""
    payload = record.payload if isinstance(record.payload, dict) else {}
    if record.kind == CASE_KIND:
        sites = {payload.get("unit_site"), payload.get("site_code"), record.site_code}
    elif record.kind == EVENT_KIND:
        sites = {payload.get("unit_site"), payload.get("case_site"), record.site_code}
    else:
        return
    for site in sorted(str(s) for s in sites if s):
        emit(scope(site), record.kind, record.entity_id, "upsert", payload)


def published_references(kind: str | None = None) -> list[dict[str, Any]]:
    """The sets published so far (oldest first): kind, version, change seq, when."""
    from server.models import Change

    query = Change.select(Change.seq, Change.entity_id, Change.at).where(
        (Change.scope == "city") & (Change.kind == REFERENCE_KIND)
    )
    found = []
    for change in query.order_by(Change.seq):
        set_kind, _, version = change.entity_id.partition(":")
        if kind is None or set_kind == kind:
            found.append({"kind": set_kind, "version": version, "seq": change.seq, "at": change.at})
    return found


def newest_reference(kind: str) -> tuple[str, str]:
    """The highest version workstations can hold: (version, where it comes from)."""
    best = (str(reference.shipped(kind)["version"]), "shipped with the workstation")
    for row in published_references(kind):
        if reference.version_key(row["version"]) > reference.version_key(best[0]):
            best = (row["version"], f"published {row['at']:%Y-%m-%d %H:%M} UTC")
    return best


def publish_reference(kind: str, data: dict[str, Any]) -> int:
    """Distribute a new tag or indicator set to every workstation (scope ``city``).

    Refuses a malformed set (``ValueError`` listing what is wrong) and one whose
    version is not above the highest workstations hold (shipped or published): they
    keep the highest version, so an older or equal one would change nothing.
    Workstations keep it beside the shipped one.
    """
    from server import changes, db

    found = reference.problems(kind, data)
    if found:
        raise ValueError("; ".join(found))
    version = str(data["version"])
    with db.transaction():
        newest, source = newest_reference(kind)
        if reference.version_key(version) <= reference.version_key(newest):
            raise ValueError(
                f"{kind} version {version} is not newer than {newest} ({source}): "
                "workstations keep the highest version; number the new set above it"
            )
        return changes.emit(
            changes.CITY,
            REFERENCE_KIND,
            f"{kind}:{version}",
            changes.UPSERT,
            {"kind": kind, "data": data},
        )


def add_cli(group: Any) -> None:
    """``sihao server feedback …``: IT publishes the rating tags and inspection indicators."""
    import click

    from server.cli import Problem, database_option, open_database

    @group.group("feedback")
    def feedback() -> None:
        """Ratings and inspections: the tag and indicator sets workstations use."""

    @feedback.command("publish")
    @click.argument("kind", type=click.Choice([reference.TAGS, reference.INDICATORS]))
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @database_option
    @click.pass_context
    def publish(ctx: click.Context, kind: str, file: Path) -> None:
        """Send a new tag or indicator set (JSON, like the shipped one) to every workstation."""
        from core.safefiles import FileRefused, load_json

        try:
            data = load_json(file.read_bytes(), name=file.name)
        except OSError as exc:
            raise Problem(f"cannot read {file}: {exc.strerror or exc}") from exc
        except FileRefused as exc:  # not UTF-8, not JSON, nested too deep
            raise Problem(f"{file} is not a JSON file (UTF-8): {exc}") from exc
        open_database(ctx)
        try:
            seq = publish_reference(kind, data)
        except ValueError as exc:
            raise Problem(f"{file} not published: {exc}") from exc
        click.echo(
            f"{kind} {data['version']} published to every workstation (change {seq}); "
            "they use it after their next pull"
        )

    @feedback.command("references")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per set.")
    @database_option
    @click.pass_context
    def references(ctx: click.Context, as_json: bool) -> None:
        """The tag and indicator sets: shipped, published, and which one is in use."""
        open_database(ctx)
        for kind in (reference.TAGS, reference.INDICATORS):
            current = newest_reference(kind)[0]
            rows = [
                {"kind": kind, "version": str(reference.shipped(kind)["version"]),
                 "source": "shipped", "at": None},
                *({"kind": kind, "version": r["version"], "source": "published",
                   "at": r["at"].isoformat()} for r in published_references(kind)),
            ]  # fmt: skip
            for row in rows:
                row["current"] = row["version"] == current
                if as_json:
                    click.echo(json.dumps(row, ensure_ascii=False))
                else:
                    when = f" {row['at'][:16].replace('T', ' ')} UTC" if row["at"] else ""
                    mark = "  (in use)" if row["current"] else ""
                    click.echo(f"{kind:<11} {row['version']:<10} {row['source']}{when}{mark}")


# -- statistics --------------------------------------------------------------------
def _sites_under(root: str | None) -> tuple[set[str] | None, dict[str, str]]:
    """The codes of ``root`` and every site below it (None: all), and each site's level."""
    from server import admin
    from server.models import Site

    levels = {str(code): str(level) for code, level in Site.select(Site.code, Site.level).tuples()}
    if root is None:
        return None, levels
    if root not in levels:
        return {root}, levels  # no such site: nothing of it is counted
    return set(admin.sites_under(root)), levels


def _payloads(kind: str) -> Iterable[dict[str, Any]]:
    from server.scope import stored_payloads

    return stored_payloads(kind)


class _JsonSQL:
    """JSON fields of ``records.payload`` in the server's SQL dialect."""

    def __init__(self) -> None:
        from server import db

        self.db = db.database
        self.postgres = db.is_postgres()
        self.param = "%s" if self.postgres else "?"

    def field(self, name: str) -> str:
        if self.postgres:
            return f"(payload::jsonb ->> '{name}')"
        return f"json_extract(payload, '$.{name}')"

    def dimension(self, name: str) -> str:
        if name == "level":  # the unit's site level: grouped by unit, mapped after
            return self.field("unit_site")
        if name == "year":
            return f"substr({self.field('rating_month')}, 1, 4)"
        return self.field(stats.DIMENSIONS[name])

    def level(self) -> str:
        # Only the five levels are cast: a stored text that is no level (never since
        # payloads are validated) is left out, where a failing CAST was a 500.
        level = self.field("level")
        # As text: SQLite's json_extract gives the integer 2, which is not '2'.
        return (
            f"CASE WHEN CAST({level} AS TEXT) IN ('1', '2', '3', '4', '5') "
            f"THEN CAST({level} AS INTEGER) END"
        )

    def real_name(self) -> str:
        return self.flag("real_name")

    def self_rated(self) -> str:
        """As ``_self_rated``: flagged, or keyed by the staff member it rates."""
        actor, staff = self.field("actor"), self.field("staff_no")
        return (
            f"({self.flag('self_rated')} OR coalesce({actor} <> '' AND {actor} = {staff}, false))"
        )

    def flag(self, name: str) -> str:
        true = "'true'" if self.postgres else "1"
        return f"coalesce({self.field(name)} = {true}, false)"


def _filters(
    sql: _JsonSQL, sites: set[str] | None, date_from: dt.date | None, date_to: dt.date | None
) -> tuple[str, list[Any]]:
    clauses = [f"kind = {sql.param}", f"entity_id NOT IN (SELECT rating_id FROM {VOID_TABLE})"]
    params: list[Any] = [RATING_KIND]
    if sites is not None:
        clauses.append(f"{sql.field('unit_site')} IN ({', '.join([sql.param] * len(sites))})")
        params.extend(sorted(sites))
    if date_from is not None:
        clauses.append(f"{sql.field('rated_on')} >= {sql.param}")
        params.append(date_from.isoformat())
    if date_to is not None:
        clauses.append(f"{sql.field('rated_on')} <= {sql.param}")
        params.append(date_to.isoformat())
    return " AND ".join(clauses), params


# What the tally (feedback_rating_tally, kept by ``tally_ratings``) can group by.
TALLY_COLUMNS: dict[str, str] = {
    "site": "unit_site",
    "window": "window_no",
    "staff": "staff_no",
    "department": "department",
    "month": "rating_month",
    "year": "substr(rating_month, 1, 4)",
    "level": "unit_site",  # the unit's site level: grouped by unit, mapped after
}
_TALLY_KEY = (
    "unit_site",
    "window_no",
    "staff_no",
    "department",
    "rating_month",
    "level",
    "kind",
    "real_name",
    "self_rated",
)
VOID_TABLE = "feedback_rating_void"  # server_migrations/0002


def _tally_key(data: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        level = int(data.get("level"))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None  # not a rating the statistics can count (never stored by a workstation)
    return (
        *(str(data.get(name) or "") for name in _TALLY_KEY[:5]),
        level,
        str(data.get("kind") or ""),
        bool(data.get("real_name")),
        _self_rated(data),
    )


def _self_rated(data: dict[str, Any]) -> bool:
    """Marked so by the workstation, or plainly keyed by the staff member it rates: a
    payload cannot hide a self-rating from the statistics by leaving the flag out."""
    actor = data.get("actor")
    return bool(data.get("self_rated")) or bool(actor and actor == data.get("staff_no"))


def tally_ratings(records: Iterable[Any]) -> None:
    """Count the ratings a push stored into feedback_rating_tally, and take voided
    ones off (in its transaction): one statement per push, rows in one order so two
    pushes never deadlock."""
    counts: dict[tuple[Any, ...], int] = {}
    voids: list[Any] = []
    for record in records:
        if not isinstance(record.payload, dict):
            continue
        if record.kind == VOID_KIND:
            voids.append(record)
            continue
        if record.kind != RATING_KIND:
            continue
        key = _tally_key(record.payload)
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    _add_to_tally(counts)
    for record in voids:  # after the ratings: a push may carry a rating and its void
        if _store_void(record):
            key = _tally_key(record.payload.get("rating") or {})
            if key is not None:
                _add_to_tally({key: -1})


def _store_void(record: Any) -> bool:
    """Keep a void's rating key; False if the rating was voided already (counted once)."""
    from server import db

    data = record.payload
    rating = data.get("rating") if isinstance(data.get("rating"), dict) else None
    if rating is None or not data.get("rating_id"):
        return False
    param = "%s" if db.is_postgres() else "?"
    columns = ["rating_id", "void_id", "site", *RATING_KEY]
    values = [
        str(data["rating_id"]),
        str(record.entity_id),
        str(record.site_code),
        *(
            bool(rating.get(name))
            if name in ("real_name", "self_rated")
            else int(rating.get(name) or 0)
            if name == "level"
            else str(rating.get(name) or "")
            for name in RATING_KEY
        ),
    ]
    cursor = db.database.execute_sql(
        f"INSERT INTO {VOID_TABLE} ({', '.join(columns)}) VALUES "
        f"({', '.join([param] * len(columns))}) ON CONFLICT (rating_id) DO NOTHING",
        values,
    )
    return bool(cursor.rowcount)


def check_void(payload: dict[str, Any], ctx: Any) -> None:
    """A pushed void names a rating of the pusher's own site, not voided before."""
    from core.outbox import RecordRejected
    from server import db
    from server.models import EntityOwner

    rating_id = str(payload.get("rating_id") or "")
    if payload.get("id") != ctx.entity_id:
        raise RecordRejected("the id inside the rating void is not the record's entity id")
    if payload.get("site_code") != ctx.site_code:
        raise RecordRejected(f"void {ctx.entity_id} names another site than the workstation's")
    earlier = {(kind, entity_id) for kind, entity_id, _data in ctx.earlier}
    if (RATING_KIND, rating_id) not in earlier:
        owner = EntityOwner.get_or_none(
            (EntityOwner.kind == RATING_KIND) & (EntityOwner.entity_id == rating_id)
        )
        if owner is None or owner.site != ctx.site_code:
            raise RecordRejected(f"void {ctx.entity_id}: no rating {rating_id} of this site")
    again = any(
        kind == VOID_KIND and data.get("rating_id") == rating_id
        for kind, _entity_id, data in ctx.earlier
    )
    param = "%s" if db.is_postgres() else "?"
    if (
        again
        or db.database.execute_sql(
            f"SELECT 1 FROM {VOID_TABLE} WHERE rating_id = {param}", [rating_id]
        ).fetchone()
    ):
        raise RecordRejected(f"void {ctx.entity_id}: rating {rating_id} is voided already")


def rebuild_tally() -> int:
    """Count feedback_rating_tally again from the stored ratings not voided (after
    records stored twice were removed); return the number of ratings counted."""
    from server import db

    voided = {
        str(rating_id)
        for (rating_id,) in db.database.execute_sql(f"SELECT rating_id FROM {VOID_TABLE}")
    }
    param = "%s" if db.is_postgres() else "?"
    counts: dict[tuple[Any, ...], int] = {}
    for entity_id, payload in db.database.execute_sql(
        f"SELECT entity_id, payload FROM records WHERE kind = {param} ORDER BY server_seq",
        [RATING_KIND],
    ):
        if str(entity_id) in voided:
            continue
        try:
            data = json.loads(payload)
        except ValueError:
            continue
        key = _tally_key(data) if isinstance(data, dict) else None
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    db.database.execute_sql("DELETE FROM feedback_rating_tally")
    keys = sorted(counts)
    for start in range(0, len(keys), 500):
        _add_to_tally({key: counts[key] for key in keys[start : start + 500]})
    return sum(counts.values())


def _add_to_tally(counts: dict[tuple[Any, ...], int]) -> None:
    from server import db

    if not counts:
        return
    param = "%s" if db.is_postgres() else "?"
    row = "(" + ", ".join([param] * (len(_TALLY_KEY) + 1)) + ")"
    values = [v for key in sorted(counts) for v in (*key, counts[key])]
    db.database.execute_sql(
        f"INSERT INTO feedback_rating_tally ({', '.join(_TALLY_KEY)}, n) VALUES "
        + ", ".join([row] * len(counts))
        + f" ON CONFLICT ({', '.join(_TALLY_KEY)}) DO UPDATE SET "
        "n = feedback_rating_tally.n + excluded.n",
        values,
    )


def city_stats(
    by: tuple[str, ...],
    *,
    site: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    include_default: bool = True,
    use_tally: bool | None = None,
) -> list[stats.StatRow]:
    """Ratings counted per group, level, kind and real name: from the tally when it
    can answer (dimensions it keeps, whole months), else from the stored ratings'
    JSON parsed by the database (one pass, never row by row in Python). Then the
    real-name bad reviews' cases and their latest state, far fewer, folded in Python
    by the grouping columns each case carries from its rating."""
    sites, levels = _sites_under(site)
    if sites is not None and not sites:
        return []

    def key_of(values: Iterable[Any]) -> tuple[str, ...]:
        return tuple(
            levels.get(str(v), "") if name == "level" else ("" if v is None else str(v))
            for name, v in zip(by, values, strict=True)
        )

    width = len(by)
    rows: dict[tuple[str, ...], dict[str, int]] = {}
    for record in _rating_counts(by, sites, date_from, date_to, use_tally):
        level, kind, real_name, self_rated, count = record[width:]
        if level is None or not count:
            continue
        counts = rows.setdefault(key_of(record[:width]), stats.new_counts())
        stats.fold_rating(
            counts,
            int(level),
            str(kind),
            bool(real_name),
            int(count),
            include_default,
            bool(self_rated),
        )
    voided = _voided(by, sites, date_from, date_to)
    for values, count in voided.counts:
        rows.setdefault(key_of(values), stats.new_counts())["voided"] += count

    bad_keys: dict[str, tuple[str, ...]] = {}  # case id -> its group
    for data in _payloads(CASE_KIND):
        if data.get("source") != "rating" or not data.get("real_name"):
            continue
        if str(data.get("source_id")) in voided.ids:  # a voided rating's case counts nowhere
            continue
        try:
            if int(data.get("level")) > 2:
                continue
        except (TypeError, ValueError, OverflowError):
            continue
        if sites is not None and data.get("unit_site") not in sites:
            continue
        rated_on = str(data.get("rated_on") or "")
        if (date_from is not None and rated_on < date_from.isoformat()) or (
            date_to is not None and rated_on > date_to.isoformat()
        ):
            continue
        bad_keys[str(data.get("id"))] = key_of(_case_dimension(data, name) for name in by)
    if bad_keys:
        # Each case's state as the server accepted its events (feedback_case_state),
        # not the latest by a workstation's clock.
        from plugins.feedback import server_checks

        current = server_checks.states_of(bad_keys)
        for case_id, key in bad_keys.items():
            group = rows.get(key)
            if group is not None:
                stats.fold_case_state(group, current.get(case_id) or None)
    return [stats.StatRow(key, **values) for key, values in sorted(rows.items())]


def _case_dimension(data: dict[str, Any], name: str) -> Any:
    if name == "level":
        return data.get("unit_site")
    if name == "year":
        return str(data.get("rating_month") or "")[:4]
    return data.get(stats.DIMENSIONS[name])


def _rating_counts(
    by: tuple[str, ...],
    sites: set[str] | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    use_tally: bool | None = None,
) -> list[tuple[Any, ...]]:
    """(group values…, level, kind, real name, count) rows. ``use_tally``: None when
    it can answer (its dimensions; whole months, as a year or a month is asked),
    False to count the stored ratings (the tests compare the two)."""
    sql = _JsonSQL()
    whole_months = (date_from is None or date_from.day == 1) and (
        date_to is None or (date_to + dt.timedelta(days=1)).day == 1
    )
    can = whole_months and set(by) <= TALLY_COLUMNS.keys()
    if use_tally and not can:
        raise ValueError(f"the tally cannot answer {by} from {date_from} to {date_to}")
    if can and use_tally is not False:
        dims = [TALLY_COLUMNS[name] for name in by]
        columns = [*dims, "level", "kind", "real_name", "self_rated"]
        clauses: list[str] = []
        params: list[Any] = []
        if sites is not None:
            clauses.append(f"unit_site IN ({', '.join([sql.param] * len(sites))})")
            params.extend(sorted(sites))
        if date_from is not None:
            clauses.append(f"rating_month >= {sql.param}")
            params.append(date_from.strftime("%Y-%m"))
        if date_to is not None:
            clauses.append(f"rating_month <= {sql.param}")
            params.append(date_to.strftime("%Y-%m"))
        where = " AND ".join(clauses) or "1 = 1"
        query = (
            f"SELECT {', '.join([*columns, 'sum(n)'])} FROM feedback_rating_tally "
            f"WHERE {where} GROUP BY {', '.join(columns)}"
        )
        return list(sql.db.execute_sql(query, params).fetchall())
    where, params = _filters(sql, sites, date_from, date_to)
    columns = [
        *(sql.dimension(name) for name in by),
        sql.level(),
        sql.field("kind"),
        sql.real_name(),
        sql.self_rated(),
    ]
    query = (
        f"SELECT {', '.join([*columns, 'count(*)'])} FROM records WHERE {where} "
        f"GROUP BY {', '.join(columns)}"
    )
    try:
        return list(sql.db.execute_sql(query, params).fetchall())
    except peewee.DatabaseError as exc:
        if (
            isinstance(exc, peewee.OperationalError)
            and sql.postgres is False
            and ("malformed JSON" not in str(exc))
        ):
            raise
        # A stored payload the database cannot read as JSON (written before payloads
        # were validated): count in Python, skipping what is unreadable, rather than
        # answer 500 to every site.
        log.warning("statistics counted in Python: the database refused the JSON: %s", exc)
        return _rating_counts_python(by, sites, date_from, date_to)


def _rating_counts_python(
    by: tuple[str, ...], sites: set[str] | None, date_from: dt.date | None, date_to: dt.date | None
) -> list[tuple[Any, ...]]:
    counts: dict[tuple[Any, ...], int] = {}
    voided = {
        str(row[0])
        for row in _JsonSQL().db.execute_sql(f"SELECT rating_id FROM {VOID_TABLE}").fetchall()
    }
    for data in _payloads(RATING_KIND):
        if str(data.get("id")) in voided:
            continue
        level = data.get("level")
        if type(level) is not int or not 1 <= level <= 5:
            continue
        if sites is not None and data.get("unit_site") not in sites:
            continue
        rated_on = str(data.get("rated_on") or "")
        if (date_from is not None and rated_on < date_from.isoformat()) or (
            date_to is not None and rated_on > date_to.isoformat()
        ):
            continue
        key = (
            *(_case_dimension(data, name) for name in by),
            level,
            data.get("kind"),
            bool(data.get("real_name")),
            _self_rated(data),
        )
        counts[key] = counts.get(key, 0) + 1
    return [(*key, n) for key, n in counts.items()]


class _Voided:
    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.counts: list[tuple[tuple[Any, ...], int]] = []


# The void table's column for each dimension (it holds the voided rating's key).
_VOID_COLUMNS: dict[str, str] = {
    "site": "unit_site",
    "window": "window_no",
    "staff": "staff_no",
    "item": "item_code",
    "department": "department",
    "day": "rated_on",
    "month": "rating_month",
    "year": "substr(rating_month, 1, 4)",
    "level": "unit_site",
}


def _voided(
    by: tuple[str, ...],
    sites: set[str] | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> _Voided:
    """The voided ratings asked about: their ids, and how many per group."""
    sql = _JsonSQL()
    clauses: list[str] = []
    params: list[Any] = []
    if sites is not None:
        clauses.append(f"unit_site IN ({', '.join([sql.param] * len(sites))})")
        params.extend(sorted(sites))
    if date_from is not None:
        clauses.append(f"rated_on >= {sql.param}")
        params.append(date_from.isoformat())
    if date_to is not None:
        clauses.append(f"rated_on <= {sql.param}")
        params.append(date_to.isoformat())
    where = " AND ".join(clauses) or "1 = 1"
    columns = [_VOID_COLUMNS[name] for name in by]
    found = _Voided()
    query = f"SELECT rating_id, {', '.join([*columns, '1'])} FROM {VOID_TABLE} WHERE {where}"
    groups: dict[tuple[Any, ...], int] = {}
    for row in sql.db.execute_sql(query, params).fetchall():
        found.ids.add(str(row[0]))
        key = tuple(row[1 : 1 + len(by)])
        groups[key] = groups.get(key, 0) + 1
    found.counts = list(groups.items())
    return found


def row_json(by: tuple[str, ...], row: stats.StatRow) -> dict[str, Any]:
    return {
        "key": dict(zip(by, row.key, strict=True)),
        "total": row.total,
        "satisfied": row.satisfied,
        "bad": row.bad,
        "real_name_bad": row.real_name_bad,
        "called_back": row.called_back,
        "handled": row.handled,
        "active": row.active,
        "cases": row.cases,
        "self_rated": row.self_rated,
        "voided": row.voided,
        "satisfaction_rate": row.satisfaction_rate,
        "bad_rate": row.bad_rate,
        "callback_rate": row.callback_rate,
        "rectification_rate": row.rectification_rate,
        "active_rate": row.active_rate,
    }


def add_routes(router: Any) -> None:
    from fastapi import HTTPException, Query  # the server's framework: only on the server

    @router.get("/stats/ratings")
    def ratings_stats(
        request: Request,
        by: str = "site",
        site: str | None = None,
        date_from: dt.date | None = Query(None, alias="from"),
        date_to: dt.date | None = Query(None, alias="to"),
        include_default: bool = True,
    ) -> dict[str, Any]:
        """满意率, 差评率, 回访率, 整改率 and 主动评价率 of a site and every site below it.

        ``site`` is the calling workstation's site (the default) or a site below it:
        a town sees its villages, the city every site, nobody a neighbour's windows
        and staff."""
        from server import db
        from server.scope import sites_asked_about

        dims = tuple(d.strip() for d in by.split(",") if d.strip())
        unknown = [d for d in dims if d not in SERVER_DIMENSIONS]
        if unknown or len(dims) > 3:
            raise HTTPException(
                422, f"by: up to 3 of {', '.join(SERVER_DIMENSIONS)}; unknown: {unknown}"
            )
        with db.request_connection():
            target, _below = sites_asked_about(request, site)
            rows = city_stats(
                dims,
                site=target,
                date_from=date_from,
                date_to=date_to,
                include_default=include_default,
            )
        overall = stats.StatRow(())
        if rows:
            sums = {f: sum(getattr(r, f) for r in rows) for f in stats.COUNTS}
            overall = stats.StatRow((), **sums)
        return {
            "by": list(dims),
            "site": target,
            "include_default": include_default,
            "rows": [row_json(dims, r) for r in rows],
            "total": row_json((), overall),
        }
