"""The central server's HTTP API (docs/sync-protocol.md), FastAPI on uvicorn.

``create_app(database_url)`` binds the server's database, applies its migrations,
loads the plugins' server-side hooks and returns the app. Nothing a request needs
lives in the process beyond that: tokens, cursors, codes and sequences are in the
database, so several processes (uvicorn workers, machines behind a load balancer)
serve the same PostgreSQL.

Bad input never gets a 500: bodies over the size limit get 413 (counted as they
are read), malformed ones 422 with the reason as one sentence in ``detail``,
strings the database could not store (NUL, lone surrogates, over-long) are refused
at the door. The push reads its body only once the token is known, parses it once
with orjson and judges every payload by its kind's schema (server.validation).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from core import migrate
from core.plugins import PluginHost
from server import changes, counter_tags, db, integrity, sync, validation
from server.models import utcnow
from server.plugins import RecordKinds, load_host

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1  # the sync protocol schema this server speaks; it also takes the one before
MIN_SCHEMA = SCHEMA_VERSION - 1
MAX_BODY_BYTES = 8 * 1024 * 1024
FIRST_PULL_DAYS = 90  # a new workstation's first pull: settled work older than this stays out
MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATE_LOCK_KEY = 7_369_020_002

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


# -- request and response bodies ------------------------------------------------------------


def _storable(value: str) -> str:
    """Text every database keeps: no NUL, valid UTF-8 (no lone surrogates)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


Text = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_storable)]
BigInt = Annotated[int, Field(ge=0, le=2**63 - 1)]


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except (OverflowError, ValueError) as exc:
        raise ValueError("date out of range") from exc


class Mutation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_seq: BigInt
    mutation_id: Text
    kind: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_storable)]
    entity_id: Text
    payload_version: Annotated[int, Field(ge=0, le=2**31 - 1)]
    payload: dict[str, Any]
    created_at: Annotated[dt.datetime | None, AfterValidator(_naive_utc)] = None


class AuditHeadIn(BaseModel):
    """The head of the workstation's audit chain (server.integrity)."""

    model_config = ConfigDict(extra="forbid")

    seq: Annotated[int, Field(ge=0, le=2**53)]
    hash: Annotated[str, Field(pattern="^([0-9a-f]{64})?$")]


class PushIn(BaseModel):
    mutations: list[Mutation] = Field(max_length=500)
    audit_head: AuditHeadIn | None = None


_MUTATIONS = TypeAdapter(list[Mutation])


class MutationResult(BaseModel):
    mutation_id: str
    client_seq: int
    status: str = Field(description="applied | duplicate | rejected | retryable")
    server_seq: int | None = None
    reason: str | None = None


class PushOut(BaseModel):
    results: list[MutationResult]
    last_client_seq: int
    server_time: str
    audit_head: AuditHeadIn | None = Field(
        None, description="the audit chain head the server keeps for this workstation"
    )


class AuditAnchorOut(BaseModel):
    seq: int
    hash: str
    at: str | None = None


class ChangeOut(BaseModel):
    seq: int
    kind: str
    id: str
    op: str = Field(description="upsert | delete")
    data: Any = None


class PullOut(BaseModel):
    changes: list[ChangeOut]
    next: int
    has_more: bool
    reset: bool


class EnrollIn(BaseModel):
    code: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_storable)]
    name: Annotated[str, Field(max_length=200), AfterValidator(_storable)] = ""
    schema_version: int = Field(default=SCHEMA_VERSION, alias="schema", ge=0, le=2**31 - 1)


class EnrollOut(BaseModel):
    token: str
    workstation_id: str
    site_code: str
    server_time: str
    counter_tag: str = Field(
        description="the 4 characters this workstation's case numbers carry, unique in its site"
    )


class EnrollmentOut(BaseModel):
    workstation_id: str
    site_code: str
    counter_tag: str


class HealthOut(BaseModel):
    status: str
    schema_version: int = Field(alias="schema")
    database: str
    server_time: str


class Problem(BaseModel):
    detail: str


# -- plumbing ---------------------------------------------------------------------------------


class BodyLimit:
    """413 for a body over the limit, counted as the route reads it (Content-Length
    may lie). Nothing is read before the route asks: the push route checks the
    token first, so a request without one costs no body at all."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._too_large(send)
                    return
        size = 0
        too_large = False

        async def counted() -> MutableMapping[str, Any]:
            nonlocal size, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.max_bytes:
                    # The app sees the client go away; its answer is dropped for the 413.
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: MutableMapping[str, Any]) -> None:
            if not too_large:
                await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not too_large:
                raise
        if too_large:
            await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body larger than {self.max_bytes} bytes"}, status_code=413
        )
        await response({"type": "http"}, _no_receive, send)


class Shedding:
    """503 with Retry-After when this process already has ``limit`` requests in hand.

    A thundering herd (every counter coming back online after an outage) would
    otherwise queue for minutes and time out, and every timeout is a retry that
    adds to the queue; answered at once, workstations back off and come back
    (docs/sync-protocol.md: 429/503 with Retry-After). Health checks are never shed.
    """

    def __init__(self, app: Any, limit: int, retry_after: int = 2) -> None:
        self.app = app
        self.limit = limit
        self.retry_after = retry_after
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == "/v1/health":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            response = JSONResponse(
                {"detail": "the server is busy: try again shortly"},
                status_code=503,
                headers={"Retry-After": str(self.retry_after)},
            )
            await response(scope, receive, send)
            return
        self.in_flight += 1  # one event loop per process: no lock needed
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


async def _no_receive() -> MutableMapping[str, Any]:
    return {"type": "http.disconnect"}


def _validation_detail(exc: RequestValidationError) -> str:
    return _errors_detail(exc.errors())


def _errors_detail(errors: Any, prefix: str = "") -> str:
    parts = []
    for error in list(errors)[:5]:
        where = ".".join(str(p) for p in (prefix, *error.get("loc", ())) if p != "")
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "malformed request"


def _check_schema(version: int | None) -> None:
    if version is None:
        raise HTTPException(
            426,
            detail="the request names no X-Sihao-Schema: update the workstation (its outbox is kept)",
        )
    if version < MIN_SCHEMA:
        raise HTTPException(
            426,
            detail=(
                f"client schema {version} is too old: this server takes {MIN_SCHEMA} to "
                f"{SCHEMA_VERSION}; update the workstation (its outbox is kept)"
            ),
        )
    if version > SCHEMA_VERSION:
        raise HTTPException(
            400,
            detail=f"client schema {version} is newer than this server's {SCHEMA_VERSION}: update the server",
        )


bearer = HTTPBearer(auto_error=False, description="The workstation's token from /v1/enroll")
SchemaHeader = Annotated[
    int | None,
    Header(
        alias="X-Sihao-Schema",
        description="The client's sync schema version",
        ge=0,
        le=2**31 - 1,
    ),
]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _authenticate(
    credentials: HTTPAuthorizationCredentials | None, schema: int | None
) -> sync.Caller:
    _check_schema(schema)
    token = credentials.credentials if credentials is not None else ""
    caller = sync.authenticate(token)
    if caller is None:
        raise HTTPException(
            401,
            detail="unknown or revoked workstation token: enroll this workstation again",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return caller


def require_workstation(
    request: Request, credentials: Credentials, x_sihao_schema: SchemaHeader = None
) -> sync.Caller:
    """Dependency for plugin routes: the calling workstation, also on ``request.state``."""
    with db.request_connection():
        caller = _authenticate(credentials, x_sihao_schema)
    request.state.workstation = caller
    return caller


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem} for code in (400, 401, 403, 413, 422, 426)
}


# -- the app -------------------------------------------------------------------------------------


def migrate_database(host: PluginHost | None = None) -> list[str]:
    """Apply pending server migrations, then each loaded plugin's own
    (``sihao_server_migrations``), one process at a time on PostgreSQL. Without a
    ``host`` the server's plugins are loaded to ask them."""
    target = db.database.obj
    plugin_host = host if host is not None else load_host()

    def run_all() -> list[str]:
        applied = migrate.run(target, "server", MIGRATIONS)
        for name, directory in plugin_host.call("sihao_server_migrations"):
            applied += [
                f"{name}: {m}" for m in migrate.run(target, f"plugin_{name}", Path(directory))
            ]
        return applied

    if db.is_postgres():
        with target.connection_context():
            target.execute_sql("SELECT pg_advisory_lock(%s)", (_MIGRATE_LOCK_KEY,))
            try:
                return run_all()
            finally:
                target.execute_sql("SELECT pg_advisory_unlock(%s)", (_MIGRATE_LOCK_KEY,))
    return run_all()


def create_app(
    database_url: str,
    *,
    host: PluginHost | None = None,
    run_migrations: bool = True,
    max_body_bytes: int = MAX_BODY_BYTES,
    pool_size: int | None = None,
    max_in_flight: int | None = None,
    first_pull_days: int | None = None,
) -> FastAPI:
    """The server app on ``database_url`` (``sqlite:///file`` or ``postgresql://…``).

    ``first_pull_days`` (``SIHAO_FIRST_PULL_DAYS``, 90 by default): a new
    workstation's first pull leaves out what plugins say was settled before then."""
    pool = pool_size or int(os.environ.get("SIHAO_SERVER_POOL", "32"))
    db.bind(db.make_database(database_url, max_connections=pool))
    plugin_host = host if host is not None else load_host()
    if run_migrations:
        migrate_database(plugin_host)
    kinds = RecordKinds(plugin_host)
    days = first_pull_days
    if days is None:
        days = int(os.environ.get("SIHAO_FIRST_PULL_DAYS", str(FIRST_PULL_DAYS)))

    def settled(kind: str, found: list[tuple[str, Any]], before: dt.datetime) -> set[str]:
        ids: set[str] = set()
        for _name, answer in plugin_host.call(
            "sihao_server_settled", kind=kind, changes=found, settled_before=before
        ):
            ids.update(str(i) for i in answer)
        return ids

    first_pull = changes.FirstPull(days, settled)

    threads = int(os.environ.get("SIHAO_SERVER_THREADS", "8"))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Requests run on a thread pool, each thread with its own database connection.
        # A few threads keep the database busy; dozens (anyio's default is 40) only
        # add connections and lock contention on a small machine.
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="Sihao central server",
        version=str(SCHEMA_VERSION),
        description="Enrollment and sync for Sihao workstations (docs/sync-protocol.md).",
    )
    app.state.host = plugin_host
    app.state.kinds = kinds
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    in_flight = max_in_flight or int(os.environ.get("SIHAO_SERVER_MAX_IN_FLIGHT", "64"))
    app.add_middleware(Shedding, limit=in_flight)

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(exc)}, status_code=422)

    @app.exception_handler(db.DatabaseUnavailable)
    async def _unavailable(request: Request, exc: db.DatabaseUnavailable) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return JSONResponse(
            {"detail": "the server's database is unavailable: try again shortly"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        return JSONResponse({"detail": "request body nested too deeply"}, status_code=422)

    @app.get("/v1/health", response_model=HealthOut, tags=["server"])
    def health() -> dict[str, Any]:
        """The server is up and reaches its database."""
        with db.request_connection():
            db.database.execute_sql("SELECT 1").fetchone()
        return {
            "status": "ok",
            "schema": SCHEMA_VERSION,
            "database": "postgresql" if db.is_postgres() else "sqlite",
            "server_time": utcnow().isoformat(),
        }

    @app.post(
        "/v1/enroll",
        response_model=EnrollOut,
        responses={400: {"model": Problem}, 422: {"model": Problem}, 426: {"model": Problem}},
        tags=["sync"],
    )
    def enroll(body: EnrollIn) -> dict[str, Any]:
        """Trade a one-time enrollment code for a workstation token."""
        _check_schema(body.schema_version)
        try:
            with db.request_connection():
                return sync.enroll(body.code, body.name)
        except sync.EnrollError as exc:
            # ``detail`` as before; ``code`` for a workstation to say it in its language.
            return JSONResponse({"detail": str(exc), "code": exc.code}, status_code=400)  # type: ignore[return-value]

    def push_caller(credentials: Credentials, x_sihao_schema: SchemaHeader = None) -> sync.Caller:
        # A dependency (run before the route reads anything): the token decides
        # whether the body is read at all.
        with db.request_connection():
            return _authenticate(credentials, x_sihao_schema)

    def push_body(caller: sync.Caller, body: bytes) -> Response:
        try:
            data = validation.parse_push(body)
            mutations = _MUTATIONS.validate_python(data["mutations"])
            audit_head = integrity.parse_audit_head(data.get("audit_head"))
        except validation.BodyRefused as exc:
            raise HTTPException(exc.status, detail=str(exc)) from exc
        except ValidationError as exc:
            raise HTTPException(422, detail=_errors_detail(exc.errors(), "mutations")) from exc
        except ValueError as exc:
            raise HTTPException(422, detail=str(exc)) from exc
        try:
            with db.request_connection():
                # The validated fields as they are (model_dump would copy every payload).
                answer = sync.push(
                    caller,
                    [m.__dict__ for m in mutations],
                    kinds.registry(),
                    plugin_host,
                    audit_head,
                )
        except integrity.CloneSuspected as exc:
            return JSONResponse(
                {"detail": integrity.refusal(str(exc)), "code": integrity.CLONED_TOKEN},
                status_code=409,
            )
        # Returned as is: the results are built to the schema, and validating 500 of
        # them again per request is time the next request waits for.
        return Response(orjson.dumps(answer), media_type="application/json")

    @app.post(
        "/v1/sync/push",
        response_model=PushOut,
        response_model_exclude_none=True,
        responses=ERRORS,
        tags=["sync"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PushIn"}}
                },
            }
        },
    )
    async def push(request: Request, caller: sync.Caller = Depends(push_caller)) -> Response:  # noqa: B008
        """Store up to 500 mutations; answer each as applied, duplicate, rejected or retryable.

        The body (``PushIn``) is read only once the token is known, parsed once by a
        strict JSON reader, and each payload judged by its record kind's schema."""
        try:
            body = await request.body()
        except ClientDisconnect:
            return Response(status_code=400)
        return await run_in_threadpool(push_body, caller, body)

    @app.get("/v1/sync/pull", response_model=PullOut, responses=ERRORS, tags=["sync"])
    def pull(
        credentials: Credentials,
        x_sihao_schema: SchemaHeader = None,
        since: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
        limit: Annotated[int, Query(ge=1, le=changes.MAX_PULL)] = 500,
        first: bool = False,
    ) -> Any:
        """Changes in this workstation's scope after ``since`` (city-wide and its site).

        ``first``: the workstation is catching up for the first time: what plugins
        say was settled before the recent window is left out."""
        with db.request_connection():
            caller = _authenticate(credentials, x_sihao_schema)
            sync.touch(caller)
            return Response(
                changes.pull_json(caller.site_code, since, limit, first_pull if first else None),
                media_type="application/json",
            )

    @app.get(
        "/v1/sync/audit-anchor", response_model=AuditAnchorOut, responses=ERRORS, tags=["sync"]
    )
    def audit_anchor(credentials: Credentials, x_sihao_schema: SchemaHeader = None) -> Any:
        """The head of this workstation's audit chain as the server acknowledged it."""
        with db.request_connection():
            caller = _authenticate(credentials, x_sihao_schema)
            return integrity.anchor_of(caller.workstation_id)

    @app.get("/v1/sync/enrollment", response_model=EnrollmentOut, responses=ERRORS, tags=["sync"])
    def enrollment(credentials: Credentials, x_sihao_schema: SchemaHeader = None) -> Any:
        """What the server gave this workstation at enrollment: its id, site and counter
        tag (one is allocated now for a workstation enrolled before tags were)."""
        with db.request_connection():
            caller = _authenticate(credentials, x_sihao_schema)
            return {
                "workstation_id": caller.workstation_id,
                "site_code": caller.site_code,
                "counter_tag": counter_tags.tag_of(caller.workstation_id),
            }

    @app.post("/v1/sync/counter-tag", response_model=EnrollmentOut, responses=ERRORS, tags=["sync"])
    def new_counter_tag(credentials: Credentials, x_sihao_schema: SchemaHeader = None) -> Any:
        """A fresh counter tag for this workstation (its old one is never given again)."""
        with db.request_connection():
            caller = _authenticate(credentials, x_sihao_schema)
            return {
                "workstation_id": caller.workstation_id,
                "site_code": caller.site_code,
                "counter_tag": counter_tags.renew(caller.workstation_id),
            }

    _document_push_body(app)

    from server.admin_api import routes as admin_routes

    app.include_router(admin_routes(_authenticate), responses=ERRORS)

    for name in plugin_host.loaded():
        router = APIRouter(
            prefix=f"/v1/plugins/{name}",
            tags=[f"plugin {name}"],
            dependencies=[Depends(require_workstation)],
        )
        plugin_host.call("sihao_server_routes", only=name, router=router)
        if router.routes:
            app.include_router(router, responses=ERRORS)

    # Public pages (a citizen's phone has no workstation token): each plugin's under
    # /pages/<plugin>/, outside the API's schema. Their input is checked by the plugin.
    for name in plugin_host.loaded():
        pages = APIRouter(prefix=f"/pages/{name}", include_in_schema=False)
        plugin_host.call("sihao_server_pages", only=name, router=pages)
        if pages.routes:
            app.include_router(pages)

    return app


def _document_push_body(app: FastAPI) -> None:
    """The push route reads its body itself (after the token): its schema is added
    to the OpenAPI document by hand, so clients and schemathesis still see it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = build()
        schema = PushIn.model_json_schema(ref_template="#/components/schemas/{model}")
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components["PushIn"] = schema
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory server.app:app_from_env`` (several workers)."""
    url = os.environ.get("SIHAO_SERVER_DATABASE")
    if not url:
        raise RuntimeError("set SIHAO_SERVER_DATABASE to the server's database URL")
    return create_app(url, run_migrations=os.environ.get("SIHAO_SERVER_MIGRATE", "1") != "0")
