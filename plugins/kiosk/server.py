"""The central server's side of the kiosk plugin: rating keys and the QR rating page.

- ``GET /v1/plugins/kiosk/rating-key`` (a workstation's token): the site's current
  rating key, made on first request; workstations keep it and sign links offline
  (``links``, ``keys``). IT replaces it with ``sihao server kiosk rotate-key``;
  older keys stay good for the links they signed until those expire.
- ``GET /pages/kiosk/rate/<token>`` (public: a citizen's phone): the rating form of
  the case the token names; ``POST`` the same address stores the rating.

A rating is stored like a workstation's push (``server.sync.push``) under the
site's citizen writer (``core.cases.citizen_writer``), so it passes the same
schema and checks, lands in the same records and tallies as a card, and a bad
review opens its rectification case through the ratings plugin's own records
(``sihao_server_citizen_rating``): the case reaches the unit's workstations the
way a card's case does. The records' ids come from the case id, so a second
submission of the same link is the same records again: answered "already rated"
and stored once, whatever the two submissions said.

Bad input gets a page that says what to do, never a server error: a damaged,
forged or expired link, a used one, a level or tag that is not offered, text
over the limit.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
import time
import unicodedata
import uuid
from typing import Any
from urllib.parse import parse_qs

import click
import peewee
from starlette.requests import Request  # annotations are resolved in this module
from starlette.responses import HTMLResponse

from core.cases import CitizenRating, citizen_writer
from plugins.kiosk import links, page
from server.db import ServerModel

log = logging.getLogger(__name__)

CHANNEL = "qr"  # 动态二维码 in the ratings plugin's tag set
MAX_TEXT = 500  # characters of the citizen's own words
MAX_BODY = 16_384  # bytes of a submitted form
MAX_TAGS = 20
_NAMESPACE = uuid.UUID("6f1c3a52-9d0e-4b8a-a1d5-3e2f7c9b0d41")


class RatingKey(ServerModel):
    key_id = peewee.CharField(primary_key=True)
    site = peewee.CharField(index=True)
    secret = peewee.CharField()  # base64url of 32 random bytes
    created_at = peewee.DateTimeField()
    current = peewee.BooleanField(default=True)

    class Meta:
        table_name = "kiosk_rating_key"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _new_key(site: str) -> RatingKey:
    key: RatingKey = RatingKey.create(
        key_id=secrets.token_hex(8),
        site=site,
        secret=base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode(),
        created_at=_utcnow(),
        current=True,
    )
    return key


def current_key(site: str) -> RatingKey:
    """The site's key for new links (made on first request)."""
    from server import db

    with db.transaction():
        key = (
            RatingKey.select()
            .where((RatingKey.site == site) & (RatingKey.current == True))  # noqa: E712
            .order_by(RatingKey.created_at.desc())
            .first()
        )
        return key if key is not None else _new_key(site)


KEY_KIND = "kiosk.rating_key"  # pulled by the site's workstations: drop the kept key


def rotate_key(site: str, *, revoke: bool = False) -> RatingKey:
    """A new key for the site's new links. The site's workstations pull a change that
    makes them drop the key they keep (they fetch the new one on their next link).
    ``revoke``: the older keys are deleted, so the links they signed are refused (a
    leaked key); otherwise those links stay good until they expire."""
    from server import changes, db

    with db.transaction():
        if revoke:
            RatingKey.delete().where(RatingKey.site == site).execute()
        else:
            RatingKey.update(current=False).where(RatingKey.site == site).execute()
        key = _new_key(site)
        changes.emit(
            changes.site_scope(site), KEY_KIND, site, changes.UPSERT, {"key_id": key.key_id}
        )
    _keys.clear()
    return key


def _secret(key: RatingKey) -> bytes:
    text = str(key.secret)
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# A key never changes once made (rotation makes a new one): each server process
# keeps those it has read, by id, for a minute (a revoked key is refused by every
# process within a minute).
KEY_CACHE_SECONDS = 60.0
_keys: dict[str, tuple[float, str, bytes]] = {}


def _key(key_id: str) -> tuple[str, bytes] | None:
    """(site, secret) of a key, or None for an id the server does not hold."""
    found = _keys.get(key_id)
    if found is not None and time.monotonic() - found[0] < KEY_CACHE_SECONDS:
        return found[1], found[2]
    key = RatingKey.get_or_none(RatingKey.key_id == key_id)
    if key is None:
        _keys.pop(key_id, None)
        return None
    if len(_keys) >= 10_000:
        _keys.clear()
    _keys[key_id] = (time.monotonic(), str(key.site), _secret(key))
    return str(key.site), _secret(key)


def check_token(token: str, *, now: dt.datetime | None = None) -> links.LinkClaims:
    """The claims of a token signed with a key of the site it names; ``BadToken`` otherwise."""
    key = _key(links.key_id_of(token))
    if key is None:
        raise links.BadToken("unknown_key", "this link was not issued by the service hall")
    site, secret = key
    claims = links.verify(token, secret, now=now)
    if claims.case.site_code != site:
        raise links.BadToken("forged", "the link names another site than its key's")
    return claims


def mutation_id(case_id: str, n: int) -> str:
    """The id of the n-th record a case's QR rating becomes: the same every time."""
    return str(uuid.uuid5(_NAMESPACE, f"{CHANNEL}:{case_id}:{n}"))


def client_seq(case_id: str, n: int) -> int:
    """The number of the n-th record of a case's QR rating under the citizen writer:
    made from the case id (48 bits of its hash, room for 4 records), the same every
    time, so the first is found by the (workstation, client_seq) index."""
    base = int(hashlib.sha256(f"{CHANNEL}:{case_id}".encode()).hexdigest()[:12], 16)
    return base * 4 + n + 1


def already_rated(claims: links.LinkClaims) -> bool:
    from server.models import Record

    case_id = claims.case.case_id
    return bool(
        Record.select()
        .where(
            (Record.workstation == citizen_writer(claims.case.site_code))
            & (Record.client_seq == client_seq(case_id, 0))
            & (Record.mutation_id == mutation_id(case_id, 0))
        )
        .exists()
    )


# -- what the citizen sent ------------------------------------------------------------------
class FormProblem(Exception):
    """The form cannot be stored as sent; ``str()`` is the sentence for the page."""


def _clean_text(value: str) -> str:
    text = value.replace("\r\n", "\n").strip()
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise FormProblem("意见建议中有无法识别的字符，请删去后再提交。")
    if len(text) > MAX_TEXT:
        raise FormProblem(f"意见建议最多 {MAX_TEXT} 字，您写了 {len(text)} 字，请精简后再提交。")
    return text


def read_form(body: bytes, choices: dict[int, list[str]]) -> tuple[int, tuple[str, ...], str]:
    """(level, tags, text) from a submitted form; ``FormProblem`` for what is not allowed."""
    if len(body) > MAX_BODY:
        raise FormProblem(f"提交的内容过长：意见建议最多 {MAX_TEXT} 字。")
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=64, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormProblem("提交的内容无法识别，请重新填写后提交。") from exc
    levels = fields.get("level", [])
    if len(levels) != 1 or levels[0] not in {"1", "2", "3", "4", "5"}:
        raise FormProblem("请选择满意程度（非常满意到非常不满意之一）。")
    level = int(levels[0])
    tags = tuple(dict.fromkeys(fields.get("tag", [])))
    if len(tags) > MAX_TAGS:
        raise FormProblem("勾选的评价过多，请重新选择。")
    allowed = set(choices.get(level, []))
    wrong = [t for t in tags if t not in allowed]
    if wrong:
        raise FormProblem(
            f"所选评价与满意程度“{page.LEVEL_NAMES[level]}”不符，请只勾选该等级下的评价。"
        )
    texts = fields.get("text", [""])
    if len(texts) > 1:
        raise FormProblem("提交的内容无法识别，请重新填写后提交。")
    return level, tags, _clean_text(texts[0])


# -- storing a rating -----------------------------------------------------------------------
STORED = "stored"
USED = "used"
REFUSED = "refused"
BUSY = "busy"


def store_rating(host: Any, kinds: Any, rating: CitizenRating) -> str:
    """Push the records the ratings plugin makes of ``rating``; say what became of them."""
    from server import db, sync

    answers = host.call("sihao_server_citizen_rating", rating=rating)
    records = next((r for _name, r in answers if r), None)
    if not records:
        log.error("no plugin stores citizen ratings: is the ratings plugin loaded?")
        return BUSY
    now = _utcnow()
    mutations = [
        {
            "mutation_id": mutation_id(rating.case.case_id, n),
            # One number per record (the server's clone check); the citizen writer
            # keeps no cursor, so no number is ever "behind" one acknowledged.
            "client_seq": client_seq(rating.case.case_id, n),
            "kind": record["kind"],
            "entity_id": record["entity_id"],
            "payload": record["payload"],
            "payload_version": record.get("payload_version", 1),
            "created_at": now,
        }
        for n, record in enumerate(records)
    ]
    caller = sync.Caller(citizen_writer(rating.case.site_code), rating.case.site_code, 0, None)
    with db.request_connection():
        answer = sync.push(caller, mutations, kinds.registry(), host)
    statuses = [r["status"] for r in answer["results"]]
    if statuses and statuses[0] == sync.DUPLICATE:
        return USED
    if all(s == sync.APPLIED for s in statuses):
        return STORED
    if any(s == sync.RETRYABLE for s in statuses):
        return BUSY
    reasons = "; ".join(str(r.get("reason", "")) for r in answer["results"] if r.get("reason"))
    log.warning("QR rating of case %s refused: %s", rating.case.case_id[:40], reasons)
    return REFUSED


def choices_for(host: Any) -> dict[int, list[str]]:
    for _name, answer in host.call("sihao_server_rating_choices", channel=CHANNEL):
        if answer:
            return {int(k): [str(t) for t in v] for k, v in answer.items()}
    return {}


# -- the routes -----------------------------------------------------------------------------
_REFUSALS = {
    "malformed": (400, "链接无法识别", "这个评价链接不完整或已损坏，请重新扫描回执上的二维码。"),
    "unknown_key": (403, "链接无效", "这个评价链接不是本大厅签发的，无法评价。"),
    "forged": (403, "链接无效", "这个评价链接不是本大厅签发的，无法评价。"),
    "expired": (410, "链接已过期", "这个评价链接已超过有效期，无法再评价。"),
}
_USED = (409, "已评价", "这个办件已经评价过了，每个办件只能评价一次。感谢您的参与！")


def add_routes(router: Any) -> None:
    from server import db

    @router.get("/rating-key")
    def rating_key(request: Request) -> dict[str, Any]:
        """This workstation's site's key for signing QR rating links."""
        site = str(request.state.workstation.site_code)
        with db.request_connection():
            key = current_key(site)
        return {"key_id": key.key_id, "secret": key.secret, "site_code": site}


def add_pages(router: Any) -> None:
    from starlette.concurrency import run_in_threadpool

    from server import db

    def html(status: int, text: str) -> HTMLResponse:
        return HTMLResponse(text, status_code=status, headers={"Cache-Control": "no-store"})

    def refused(reason: tuple[int, str, str]) -> HTMLResponse:
        return html(reason[0], page.refused(reason[1], reason[2]))

    def claims_or_page(token: str) -> links.LinkClaims | HTMLResponse:
        try:
            with db.request_connection():
                claims = check_token(token)
                used = already_rated(claims)
        except links.BadToken as exc:
            log.info("QR rating link refused: %s", exc.reason)
            return refused(_REFUSALS[exc.reason])
        except db.DatabaseUnavailable:
            return html(503, page.refused("系统繁忙", "请稍后再扫码评价。"))
        return refused(_USED) if used else claims

    def the_form(
        request: Request, claims: links.LinkClaims, status: int = 200, **kept: Any
    ) -> HTMLResponse:
        return html(
            status,
            page.form(
                action=str(request.url.path),
                case_no=claims.case.case_no,
                item_name=claims.case.item_name,
                window_no=claims.case.window_no,
                choices=choices_for(request.app.state.host),
                max_text=MAX_TEXT,
                **kept,
            ),
        )

    def show(request: Request, token: str) -> HTMLResponse:
        found = claims_or_page(token)
        if isinstance(found, HTMLResponse):
            return found
        return the_form(request, found)

    def submit(request: Request, token: str, body: bytes) -> HTMLResponse:
        found = claims_or_page(token)
        if isinstance(found, HTMLResponse):
            return found
        host = request.app.state.host
        try:
            level, tags, text = read_form(body, choices_for(host))
        except FormProblem as exc:
            return the_form(request, found, 422, error=str(exc))
        rating = CitizenRating(
            case=found.case,
            channel=CHANNEL,
            level=level,
            tags=tags,
            text=text,
            rated_on=dt.date.today(),
        )
        try:
            outcome = store_rating(host, request.app.state.kinds, rating)
        except db.DatabaseUnavailable:
            outcome = BUSY
        if outcome == STORED:
            return html(200, page.thanks(level))
        if outcome == USED:
            return refused(_USED)
        if outcome == BUSY:
            return html(503, page.refused("系统繁忙", "评价暂未保存，请稍后再提交一次。"))
        return the_form(
            request,
            found,
            422,
            error="评价未能保存，请检查所选内容后重新提交。",
            level=level,
            tags=tags,
            text=text,
        )

    @router.get("/rate/{token}")
    async def rate_page(request: Request, token: str) -> HTMLResponse:
        return await run_in_threadpool(show, request, token)

    @router.post("/rate/{token}")
    async def rate_submit(request: Request, token: str) -> HTMLResponse:
        body = await request.body()
        return await run_in_threadpool(submit, request, token, body)


def add_cli(group: Any) -> None:
    @group.group("kiosk")
    def kiosk() -> None:
        """The kiosk plugin: keys that sign QR rating links."""

    @kiosk.command("rotate-key")
    @click.option("--site", required=True, help="The site whose key is replaced.")
    @click.option(
        "--revoke", is_flag=True, help="Refuse the links older keys signed (a leaked key)."
    )
    @click.pass_context
    def rotate(ctx: click.Context, site: str, revoke: bool) -> None:
        """Give SITE a new rating key; its workstations take it at their next pull."""
        from server.cli import Problem, open_database
        from server.models import Site

        open_database(ctx)
        if not Site.select().where(Site.code == site).exists():
            raise Problem(f"no site {site} on this server")
        key = rotate_key(site, revoke=revoke)
        older = (
            "links signed with older keys are refused from now on"
            if revoke
            else "links signed with older keys stay good until they expire"
        )
        click.echo(f"site {site}: new rating key {key.key_id}; {older}")
