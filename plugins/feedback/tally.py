"""The rating tally: counts per unit, window, month, level, kind and real name.

Kept up to date by ``count()`` in the transaction that saves each rating (and
takes it off again in the transaction that voids it), and
recomputed by ``rebuild()`` (after a bulk load, or to repair it). Statistics use
it when the question is only about units, windows, months and years without a date
range; any other breakdown reads the ratings themselves.
"""

from __future__ import annotations

from core.db import database
from plugins.feedback.models import Rating, RatingTally

KEY = ("unit_site", "window_no", "rating_month", "level", "kind", "real_name", "self_rated")


def count(rating: Rating, n: int = 1) -> None:
    """Add one rating (``n=-1``: take a voided one off); the caller holds the
    rating's transaction."""
    values = {name: getattr(rating, name) for name in KEY}
    (
        RatingTally.insert(**values, count=n)
        .on_conflict(
            conflict_target=[getattr(RatingTally, name) for name in KEY],
            update={RatingTally.count: RatingTally.count + n},
        )
        .execute()
    )


def rebuild() -> int:
    """Recompute the tally from the ratings; return the number of tally rows."""
    columns = ", ".join(KEY)
    with database.atomic():
        RatingTally.delete().execute()
        database.execute_sql(
            f"INSERT INTO rating_tally ({columns}, count) "
            f"SELECT {columns}, count(*) FROM rating "
            "WHERE id NOT IN (SELECT rating_id FROM rating_void) "
            f"GROUP BY {columns}"
        )
    rows: int = RatingTally.select().count()
    return rows


def disagreements() -> list[str]:
    """The tally counted again from the ratings (``rebuild``'s query, read only):
    one sentence per (unit, window, month) where the stored counts differ, for
    ``sihao audit verify``. A count edited in the file shows here: the statistics
    and the export read the tally."""
    from core.i18n import _

    columns = ", ".join(KEY)
    expected = {
        tuple(row[:-1]): int(row[-1])
        for row in database.execute_sql(
            f"SELECT {columns}, count(*) FROM rating "
            "WHERE id NOT IN (SELECT rating_id FROM rating_void) "
            f"GROUP BY {columns}"
        ).fetchall()
    }
    stored = {
        tuple(row[:-1]): int(row[-1])
        for row in database.execute_sql(
            f"SELECT {columns}, count FROM rating_tally WHERE count <> 0"
        ).fetchall()
    }
    found = []
    for key in sorted(set(expected) | set(stored), key=str):
        want, have = expected.get(key, 0), stored.get(key, 0)
        if want != have:
            found.append(
                _(
                    "The rating tally counts {have} ratings of {unit}, window {window}, "
                    "{month} where the ratings hold {want}."
                ).format(have=have, want=want, unit=key[0], window=key[1] or "-", month=key[2])
            )
    return found
