"""The server's database for the reminder tests, on SQLite and on PostgreSQL.

Module-scoped per backend (migrated once, the reminders tables emptied before each
test): the server's models bind one database proxy, so one backend at a time.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.cases import IssuedLicence
from tests.pg import require_postgres

SITE = "370303-ZWFW"
SITE_NAME = "张店区政务服务中心"

# A valid unified social credit code and resident ID (check characters right).
USCC = "91370303MA3C5XXX1X"
_serial = itertools.count(1)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    from server import db
    from server.app import migrate_database
    from server.plugins import load_host
    from server.testing import postgres_database

    def bind(url: str) -> None:
        db.bind(db.make_database(url, max_connections=8))
        migrate_database(load_host())

    if request.param == "postgresql":
        require_postgres()
        with postgres_database("sihao_reminders") as url:
            bind(url)
            yield url
            db.database.close()
            db.database.obj.close_all()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}"
        bind(url)
        yield url
        db.database.close()


@pytest.fixture
def clean(server_db: str) -> str:
    from server import admin, db
    from server.models import Site

    with db.transaction():
        for table in ("reminders_sms", "reminders_licence", "reminders_rule",
                      "reminders_setting", "reminders_optout"):  # fmt: skip
            db.database.execute_sql(f"DELETE FROM {table}")
    if Site.get_or_none(Site.code == SITE) is None:
        admin.add_site(SITE, SITE_NAME, "district", region_code="370303")
    return server_db


def uscc(n: int) -> str:
    """A unified social credit code with a right check character, numbered ``n``."""
    from stdnum.cn import uscc as std

    body = f"913703030{n:08d}"
    return body + std.calc_check_digit(body)


def licence(
    valid_until: dt.date,
    *,
    licence_type: str = "食品经营许可证",
    holder: str = "淄博张记餐饮有限公司",
    rep: str = "张三丰",
    mobile: str = "13812345678",
    site: str = SITE,
    number: str | None = None,
) -> IssuedLicence:
    n = next(_serial)
    return IssuedLicence(
        licence_no=number or f"JY1370303{n:06d}",
        licence_type=licence_type,
        item_code="370300-SP-001",
        holder_kind="org",
        holder_name=holder,
        holder_id=uscc(n),
        legal_rep=rep,
        mobile=mobile,
        valid_until=valid_until,
        issued_on=valid_until - dt.timedelta(days=5 * 365),
        site_code=site,
        case_no=f"CASE-{n}",
    )


def issue(*licences: IssuedLicence) -> None:
    """As the intake plugin does at 办结: the core hook, inside a transaction."""
    from server import db
    from server.plugins import load_host

    host = load_host()
    with db.transaction():
        host.call("sihao_server_licences_issued", licences=list(licences))


def china(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A time in China as the naive UTC the server keeps."""
    local = dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def no_quiet_hours(**rule: Any) -> None:
    from plugins.reminders import register, rules

    register.save_rules(
        rules.parse_rules(
            {"quiet_hours": {"start": "00:00", "end": "00:00"}, "rules": [r for r in [rule] if r]}
        )
    )


def sms_rows() -> list[Any]:
    from plugins.reminders.server_models import Sms

    return list(Sms.select().order_by(Sms.id))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
