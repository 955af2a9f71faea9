"""Push the outbox, pull the changes: one ``Syncer`` per workstation.

Push. Pending outbox rows are read in ``client_seq`` order, at most 500 a request,
and the request body is assembled from the stored JSON text without parsing the
payloads again (at 10,000 records/s, re-encoding is a fifth of the time). Every
answer of a batch is applied in one local transaction: applied and duplicate rows
are marked applied with ``acked_at``; rejected rows are marked rejected with the
server's reason and stay visible on the Sync screen; retryable rows get
``attempts + 1`` and ``last_error`` and stop the round (the worker backs off). A
crash anywhere leaves rows pending whose mutation ids the server recognises, so a
resend is answered ``duplicate``: nothing is lost, nothing applied twice.
Batches go one at a time, in order, but the client's own work overlaps the
server's: while batch k is on the wire, the answers to batch k-1 are written and
batch k+1 is read and encoded (≈ 1.5 ms of a ≈ 15 ms round per 500 records;
reading with plain SQL, one range UPDATE per acknowledged batch). A batch read
ahead is only sent if batch k was taken whole; otherwise it is read again.

Pull. Pages of changes are applied with their cursor in one local transaction.
A page that raises is applied again change by change, each in a savepoint, so one
bad change is logged and skipped without losing the rest of the page. A reset
snapshot (a page with ``reset: true``: the feed restarts at the server's retained
history, which from there on is the whole current state) is applied over what
the workstation holds, remembering what it mentions; once caught up
(``has_more: false``), what it did not mention of the kinds it replaces is
removed (``apply.sweep_after_reset``). The store is never emptied in between.
Page k+1 is fetched while page k is applied; runs of catalog entities of one kind
are written with one statement (``store.upsert_many``).

Housekeeping. Acknowledged outbox rows are pruned after ``keep_applied_days``
(at most hourly, after a successful round); pending and rejected ones never are.

Site policy. The last ``site.policy`` pulled is cached in ``sync_state`` and made
the policy in force through ``runtime.extras["server_policy_plugins"]`` (which
``Runtime.enabled_plugins`` prefers to the site config) and
``runtime.extras["server_plugin_settings"]``, then ``runtime.apply_policy()``. The
sync plugin itself is always kept on: a workstation that stopped syncing could
never hear that IT turned it back on.

Parked changes. A pulled change of a plugin kind that no loaded plugin handles is
kept in ``parked_change`` with its page (the newest per kind and id) and offered to
the plugins again, oldest first, each in a savepoint with its deletion (one
transaction in all): to a plugin as soon as it is loaded, whoever switched it on
(the server's policy, IT's Plugins screen, an edited site.toml, a retry:
``core.runtime`` calls ``apply_parked(runtime, only=name)`` on the host's ``loaded``
event, after the plugin's migrations), and to every loaded plugin after a policy
and at startup. So a change that comes in the same page as the policy switching its
plugin on, or long before a site enables the plugin, is applied once the plugin is
there, without a restart.

Errors are the client's (``core.sync.client``); each is recorded in
``sync_state.last_error`` and raised for the caller (the worker, the CLI).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import logging
import re
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core import audit, credentials
from core.i18n import _
from core.models import utcnow
from core.outbox import Outbox, OutboxState, RecordRejected
from core.sync import apply
from core.sync.client import (
    NotEnrolled,
    Refused,
    Retryable,
    SyncClient,
    SyncError,
    Unauthorized,
    UpgradeRequired,
    check_server_url,
)
from core.sync.models import Blocked, ParkedChange, SyncSeen, SyncState

log = logging.getLogger(__name__)

MAX_BATCH = 500
PAGE_SIZE = 1000
SYNC_PLUGIN = "sync"

ClientFactory = Callable[[str, "str | None"], SyncClient]


@dataclass
class PushReport:
    sent: int = 0
    applied: int = 0
    duplicate: int = 0
    rejected: int = 0
    retryable: int = 0
    requests: int = 0


@dataclass
class PullReport:
    pages: int = 0
    changes: int = 0
    applied: int = 0
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    unhandled: set[str] = field(default_factory=set)
    policy_changed: bool = False
    cursor: int = 0


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar and the Sync screen show."""

    enrolled: bool
    server_url: str
    site_code: str
    workstation_id: str
    pending: int
    oldest_pending_at: datetime | None
    rejected: int
    last_push_at: datetime | None
    last_pull_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    blocked: str
    cursor: int

    def oldest_pending_age(self, now: datetime | None = None) -> timedelta | None:
        if self.oldest_pending_at is None:
            return None
        return max(timedelta(0), (now or utcnow()) - self.oldest_pending_at)


def sync_state() -> SyncState:
    """The one sync_state row (created on first use)."""
    SyncState.insert(id=1).on_conflict_ignore().execute()
    state: SyncState = SyncState.get_by_id(1)
    return state


def status() -> SyncStatus:
    state = sync_state()
    pending = Outbox.select().where(Outbox.state == OutboxState.PENDING.value)
    oldest = (
        Outbox.select(Outbox.created_at)
        .where(Outbox.state == OutboxState.PENDING.value)
        .order_by(Outbox.client_seq)
        .limit(1)
        .scalar()
    )
    rejected = Outbox.select().where(Outbox.state == OutboxState.REJECTED.value).count()
    return SyncStatus(
        enrolled=bool(state.server_url and state.workstation_id),
        server_url=state.server_url,
        site_code=state.site_code,
        workstation_id=state.workstation_id,
        pending=pending.count(),
        oldest_pending_at=oldest,
        rejected=rejected,
        last_push_at=state.last_push_at,
        last_pull_at=state.last_pull_at,
        last_error=state.last_error,
        last_error_at=state.last_error_at,
        blocked=state.blocked,
        cursor=int(state.cursor),
    )


def rejected_mutations(limit: int = 500) -> list[Outbox]:
    return list(
        Outbox.select()
        .where(Outbox.state == OutboxState.REJECTED.value)
        .order_by(Outbox.client_seq)
        .limit(limit)
    )


def refused_changes(limit: int = 500) -> list[ParkedChange]:
    """Pulled changes a plugin refused (``RecordRejected``), kept with the reason."""
    return list(
        ParkedChange.select()
        .where(ParkedChange.reason != "")
        .order_by(ParkedChange.seq)
        .limit(limit)
    )


def connect(runtime: Any, *, timeout: float = 15.0) -> SyncClient:
    """A client for this workstation's central server, with its token, for a plugin's
    own requests (``SyncClient.plugin_get``); the caller closes it. Reads the store
    and the keyring: call it on the thread that owns the store, then use the client
    on any one thread. NotEnrolled or Unauthorized when there is nobody to ask."""
    return Syncer(runtime, timeout=timeout)._connected()


def requeue(client_seq: int) -> bool:
    """Send a rejected mutation again (IT fixed the cause on the server).

    It gets a fresh mutation id: the server never applied the old one, and a fresh
    id cannot meet a rejection the server may have remembered for it.
    """
    import uuid

    changed = (
        Outbox.update(
            state=OutboxState.PENDING.value,
            mutation_id=str(uuid.uuid4()),
            attempts=0,
            last_error="",
        )
        .where((Outbox.client_seq == client_seq) & (Outbox.state == OutboxState.REJECTED.value))
        .execute()
    )
    return bool(changed)


def prune_applied(keep: timedelta, *, now: datetime | None = None) -> int:
    """Delete outbox rows the server acknowledged longer than ``keep`` ago.

    Only ``applied`` rows: pending and rejected ones stay until they are dealt with.
    ``client_seq`` is AUTOINCREMENT, so pruning never lets a number be reused.
    """
    cutoff = (now or utcnow()) - keep
    removed: int = (
        Outbox.delete()
        .where((Outbox.state == OutboxState.APPLIED.value) & (Outbox.acked_at < cutoff))
        .execute()
    )
    if removed:
        log.info("pruned %d acknowledged outbox rows", removed)
    return removed


def cached_policy() -> dict[str, Any] | None:
    raw = sync_state().policy
    if not raw:
        return None
    try:
        policy: dict[str, Any] = json.loads(raw)
    except ValueError:
        log.error("cached site policy is unreadable; ignoring it")
        return None
    return policy


def install_cached_policy(runtime: Any) -> bool:
    """Make the cached server policy the one in force; True if there was one."""
    policy = cached_policy()
    if policy is None:
        runtime.extras.pop("server_policy_plugins", None)
        runtime.extras.pop("server_plugin_settings", None)
        return False
    names = {str(name) for name in policy.get("enabled_plugins", [])} | {SYNC_PLUGIN}
    runtime.extras["server_policy_plugins"] = sorted(names)
    runtime.extras["server_plugin_settings"] = dict(policy.get("plugin_settings", {}))
    return True


def _plugin_dispatch(runtime: Any, only: str | None = None) -> apply.PluginDispatch:
    def dispatch(kind: str, change_id: str, op: str, data: Any) -> bool:
        # RecordRejected (the change fails the plugin's checks) reaches apply.py,
        # which parks the change with its reason; the plugin stays on.
        answers = runtime.host.call(
            "sihao_apply_change",
            only=only,
            passthrough=(RecordRejected,),
            kind=kind,
            id=change_id,
            op=op,
            data=data,
        )
        return any(result is True for _name, result in answers)

    return dispatch


def apply_parked(runtime: Any, *, only: str | None = None) -> apply.ParkedOutcome:
    """Hand parked changes to the plugins loaded now, or to plugin ``only`` alone (one
    transaction, each change in a savepoint with its deletion); see the module doc."""
    if not ParkedChange.select().exists():
        return apply.ParkedOutcome()
    with runtime.db.atomic("IMMEDIATE"):
        outcome = apply.apply_parked(_plugin_dispatch(runtime, only), runtime.db.atomic)
    if outcome.applied or outcome.failed:
        log.info(
            "parked changes%s: %d applied, %d still waiting for a plugin, %d failed",
            f" for plugin {only}" if only else "",
            outcome.applied,
            outcome.waiting,
            len(outcome.failed),
        )
    return outcome


_PLAIN = re.compile(r"[A-Za-z0-9._:/+-]*")


def _dumps(value: Any) -> str:
    text = str(value)
    if _PLAIN.fullmatch(text):  # ids and kinds: nothing to escape (3x faster than json.dumps)
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def _push_body(rows: list[tuple[Any, ...]], head: tuple[int, str] | None = None) -> bytes:
    """The push request, with each stored payload inserted as the JSON text it already is,
    and the audit chain's ``head`` (sequence, hash) for the server to keep."""
    parts = []
    for client_seq, mutation_id, kind, entity_id, version, payload, created_at in rows:
        if hasattr(created_at, "isoformat"):
            created = created_at.isoformat()
        else:  # the stored text, "2026-11-28 09:15:02.123456"
            created = str(created_at).replace(" ", "T")
        parts.append(
            f'{{"client_seq":{int(client_seq)},"mutation_id":{_dumps(mutation_id)},'
            f'"kind":{_dumps(kind)},"entity_id":{_dumps(entity_id)},'
            f'"payload_version":{int(version)},"created_at":{_dumps(created)},"payload":{payload}}}'
        )
    anchor = "" if head is None else f',"audit_head":{{"seq":{int(head[0])},"hash":"{head[1]}"}}'
    return ('{"mutations":[' + ",".join(parts) + "]" + anchor + "}").encode("utf-8")


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic collector off for one pull, back as it was afterwards.

    A page decodes to ≈ 35,000 objects that live until it is committed, then go by
    reference counting. With the collector on, the allocations trigger collections
    that walk each page (and the rest of the heap) while it is alive: 15–20 % of a
    20,000-item pull. Nothing a pull makes is cyclic garbage, so the collector has
    nothing to find there; the pause lasts as long as the pull.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Syncer:
    """Push and pull for one runtime. Not thread-safe: one per thread (the worker's)."""

    def __init__(
        self,
        runtime: Any,
        *,
        batch_size: int = MAX_BATCH,
        page_size: int = PAGE_SIZE,
        client_factory: ClientFactory | None = None,
        timeout: float = 30.0,
        on_policy: Callable[[], None] | None = None,
        keep_applied_days: float | None = 30,
    ) -> None:
        self.runtime = runtime
        self.batch_size = max(1, min(MAX_BATCH, batch_size))
        self.page_size = max(1, min(PAGE_SIZE, page_size))
        self.timeout = timeout
        self._client_factory = client_factory
        self._client: SyncClient | None = None
        self._client_key: tuple[str, str | None] | None = None
        # How a new policy is put in force; the shell may route it to its own thread.
        self.on_policy = on_policy or self.apply_policy
        # Acknowledged outbox rows are kept this long (the Sync screen and IT's
        # questions), then pruned; None keeps them forever.
        self.keep_applied_days = keep_applied_days
        self._pruned_at: datetime | None = None

    @property
    def data_dir(self) -> Any:
        return self.runtime.paths.data_dir

    # -- plumbing ------------------------------------------------------------------
    def _new_client(self, base_url: str, token: str | None) -> SyncClient:
        # Checked here too: a test's or a tool's factory gets no token over plain http.
        allow = self.runtime.config.allow_insecure_http
        check_server_url(base_url, allow_insecure=allow)
        if self._client_factory is not None:
            return self._client_factory(base_url, token)
        return SyncClient(base_url, token, timeout=self.timeout, allow_insecure=allow)

    def _connected(self) -> SyncClient:
        state = sync_state()
        if not state.server_url or not state.workstation_id:
            raise NotEnrolled(
                _("This workstation is not enrolled with a sync server yet. Ask IT to enroll it.")
            )
        if state.blocked == Blocked.REVOKED:
            raise Unauthorized(
                _(
                    "The server no longer accepts this workstation (its enrollment was revoked). "
                    "Ask IT for a new enrollment code; records waiting to be sent are kept."
                ),
                state.last_error,
                401,
            )
        token = credentials.get_token(self.data_dir)
        if not token:
            raise NotEnrolled(
                _(
                    "The sync token of this workstation is missing from the keyring. "
                    "Ask IT to enroll it again; records waiting to be sent are kept."
                )
            )
        key = (state.server_url, token)
        if self._client is None or self._client_key != key:
            self.close()
            self._client = self._new_client(state.server_url, token)
            self._client_key = key
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
            self._client_key = None

    def _record_error(self, exc: SyncError) -> None:
        blocked = None
        if isinstance(exc, Unauthorized):
            blocked = Blocked.REVOKED
        elif isinstance(exc, UpgradeRequired):
            blocked = Blocked.UPGRADE
        values: dict[Any, Any] = {SyncState.last_error: str(exc), SyncState.last_error_at: utcnow()}
        if blocked is not None:
            values[SyncState.blocked] = blocked
        sync_state()
        SyncState.update(values).where(SyncState.id == 1).execute()
        log.warning("sync failed: %s (%s)", type(exc).__name__, exc.detail or exc)

    def record_failure(self, exc: BaseException) -> None:
        """Record an unexpected local failure (a locked store, a bug) for the Sync screen."""
        log.error("sync failed on this workstation: %s: %s", type(exc).__name__, exc)
        self._record_error(
            SyncError(
                _(
                    "Sync stopped because of a problem on this workstation (the details are "
                    "in its log). It will try again by itself; nothing is lost."
                ),
                f"{type(exc).__name__}: {exc}",
            )
        )

    def _clear_error(self, **times: datetime) -> None:
        sync_state()
        values: dict[str, Any] = {"last_error": "", "last_error_at": None, **times}
        if sync_state().blocked == Blocked.UPGRADE:
            values["blocked"] = Blocked.NONE  # the server took this version after all
        SyncState.update(**values).where(SyncState.id == 1).execute()

    # -- enrollment ----------------------------------------------------------------
    def enroll(self, server_url: str, code: str, name: str | None = None) -> SyncState:
        """Trade IT's one-time code for a token (kept in the keyring) and record the site."""
        from core.config import save_site_config

        server_url = server_url.strip().rstrip("/")
        # Before the keyring and the one-time code are touched: refused means nothing used.
        check_server_url(server_url, allow_insecure=self.runtime.config.allow_insecure_http)
        credentials.get_token(self.data_dir)  # fail on a missing keyring before using the code
        client = self._new_client(server_url, None)
        try:
            enrollment = client.enroll(code.strip(), name or socket.gethostname())
        finally:
            client.close()
        credentials.set_token(self.data_dir, enrollment.token)
        self.close()
        previous = sync_state()
        same_source = (
            previous.server_url == server_url and previous.site_code == enrollment.site_code
        )
        with self.runtime.db.atomic("IMMEDIATE"):
            SyncState.update(
                server_url=server_url,
                workstation_id=enrollment.workstation_id,
                site_code=enrollment.site_code,
                enrolled_at=utcnow(),
                blocked=Blocked.NONE,
                last_error="",
                last_error_at=None,
                cursor=previous.cursor if same_source else 0,
                first_pull=not (same_source and previous.cursor),
                resetting=previous.resetting if same_source else False,
                policy=previous.policy if same_source else "",
                counter_tag=enrollment.counter_tag,
            ).where(SyncState.id == 1).execute()
            if not same_source:
                SyncSeen.delete().execute()
                ParkedChange.delete().execute()  # the old site's: never to be applied here
        config = self.runtime.config
        config.server_url = server_url
        config.site_code = enrollment.site_code
        save_site_config(self.runtime.paths.site_config, config)
        log.info(
            "enrolled as workstation %s of site %s", enrollment.workstation_id, enrollment.site_code
        )
        return sync_state()

    # -- push ----------------------------------------------------------------------
    def _pending_rows(self, limit: int, after: int = 0) -> list[tuple[Any, ...]]:
        """The next pending rows after ``client_seq`` ``after``, as plain tuples.

        Raw SQL: peewee's row conversion cost ≈ 15 ms per 500 rows, a tenth of the
        push budget; ``created_at`` stays the stored text.
        """
        cursor = self.runtime.db.execute_sql(
            "SELECT client_seq, mutation_id, kind, entity_id, payload_version, payload, "
            f"created_at FROM {Outbox._meta.table_name} "
            "WHERE state = ? AND client_seq > ? ORDER BY client_seq LIMIT ?",
            (OutboxState.PENDING.value, after, limit),
        )
        return list(cursor.fetchall())

    def push(self) -> PushReport:
        """Send everything pending, batch by batch; raise on the first failure.

        Batches go one at a time (the server applies them in order), but while batch
        k is on the wire the answers to batch k-1 are written here and batch k+1 is
        read and encoded: the local work and the server's overlap instead of adding up.
        """
        report = PushReport()
        try:
            client = self._connected()
            with ThreadPoolExecutor(1, thread_name_prefix="sihao-push") as wire:
                self._push_all(client, wire, report)
        except SyncError as exc:
            self._record_error(exc)
            raise
        self._clear_error(last_push_at=utcnow())
        return report

    def _push_all(self, client: SyncClient, wire: ThreadPoolExecutor, report: PushReport) -> None:
        head = audit.head()  # the chain's head travels with every batch (server.integrity)
        acknowledged: dict[str, Any] | None = None
        batch = self.batch_size
        fits = 0  # the largest batch the server took in this round
        after = 0
        answered: tuple[list[tuple[Any, ...]], list[Any]] | None = None  # not yet written
        retry = 0
        rows = self._pending_rows(batch, after)
        body = _push_body(rows, head) if rows else b""
        while rows and not retry:
            in_flight = wire.submit(client.push_raw, body)
            # While batch k is on the wire: write batch k-1's answers, prepare batch k+1.
            if answered is not None:
                retry = self._apply_results(*answered, report=report)
                answered = None
            ahead = [] if retry else self._pending_rows(batch, rows[-1][0])
            ahead_body = _push_body(ahead, head) if ahead else b""
            try:
                answer = in_flight.result()
            except Refused as exc:
                if exc.status != 413:
                    raise
                if len(rows) > 1:
                    batch = max(1, len(rows) // 2)  # too large a body: send fewer
                else:  # one mutation larger than the server takes: it can never go
                    reason = _(
                        "Too large for the server ({detail}): this record can never be "
                        "sent as it is."
                    ).format(detail=exc.detail or exc)
                    self._apply_results(rows, [], report=report, too_large=reason)
                    after = rows[-1][0]
                    # Past it, the records around it go in full batches again.
                    batch = fits or self.batch_size
                rows = self._pending_rows(batch, after)  # the batch read ahead is dropped
                body = _push_body(rows, head) if rows else b""
                continue
            report.requests += 1
            report.sent += len(rows)
            fits = max(fits, len(rows))
            answered = (rows, answer.get("results", []))
            acknowledged = answer.get("audit_head")
            after = rows[-1][0]
            rows, body = ahead, ahead_body
        if answered is not None:
            retry += self._apply_results(*answered, report=report)
        state = sync_state()
        if (
            acknowledged is None
            and head[0]
            and head
            != (
                state.audit_anchor_seq,
                state.audit_anchor_hash,
            )
        ):
            # Nothing to send, but entries were added since the server last saw the
            # chain (sign-ins, imports): show it the head alone.
            acknowledged = client.push_raw(_push_body([], head)).get("audit_head")
        self._keep_anchor(acknowledged)
        if retry:
            raise Retryable(
                _("The server asked to send {n} records again later; will retry.").format(n=retry)
            )

    def _keep_anchor(self, answer: Any) -> None:
        """Keep the head the server acknowledged (what verify falls back on offline)."""
        if not isinstance(answer, dict):
            return  # a server from before anchors
        try:
            seq, digest = int(answer["seq"]), str(answer["hash"])
        except (KeyError, TypeError, ValueError):
            return
        with self.runtime.db.atomic("IMMEDIATE"):
            SyncState.update(
                audit_anchor_seq=seq, audit_anchor_hash=digest, audit_anchor_at=utcnow()
            ).where(SyncState.id == 1).execute()

    def _apply_results(
        self,
        rows: list[tuple[Any, ...]],
        results: list[Any],
        *,
        report: PushReport | None = None,
        too_large: str = "",
    ) -> int:
        """Record the server's answers in one transaction; return how many must be retried."""
        sent = {row[1]: row[0] for row in rows}
        done: list[str] = []
        rejected: list[tuple[str, str]] = []
        retry: list[tuple[str, str]] = []
        answered: set[str] = set()
        for result in results if isinstance(results, list) else []:
            if not isinstance(result, dict):
                continue
            mutation_id = str(result.get("mutation_id", ""))
            if mutation_id not in sent or mutation_id in answered:
                continue
            answered.add(mutation_id)
            state = result.get("status")
            if state in ("applied", "duplicate"):
                done.append(mutation_id)
                if report is not None:
                    if state == "applied":
                        report.applied += 1
                    else:
                        report.duplicate += 1
            elif state == "rejected":
                rejected.append((mutation_id, str(result.get("reason") or "")))
            else:
                retry.append((mutation_id, str(result.get("reason") or state or "")))
        if too_large:
            rejected.extend((m, too_large) for m in sent if m not in answered)
        else:
            retry.extend((m, "no answer from the server") for m in sent if m not in answered)
        now = utcnow()
        table = Outbox._meta.table_name
        db = self.runtime.db
        with db.atomic("IMMEDIATE"):
            if len(done) == len(rows):
                # The usual case: the whole batch. It is the pending rows between its
                # first and last client_seq (a range scan of the primary key).
                db.execute_sql(
                    f"UPDATE {table} SET state = ?, acked_at = ?, last_error = '' "
                    "WHERE client_seq BETWEEN ? AND ? AND state = ?",
                    (
                        OutboxState.APPLIED.value,
                        now,
                        rows[0][0],
                        rows[-1][0],
                        OutboxState.PENDING.value,
                    ),
                )
            elif done:
                db.cursor().executemany(
                    f"UPDATE {table} SET state = ?, acked_at = ?, last_error = '' "
                    "WHERE client_seq = ? AND state = ?",
                    [
                        (OutboxState.APPLIED.value, now, sent[m], OutboxState.PENDING.value)
                        for m in done
                    ],
                )
            for mutation_id, reason in rejected:
                Outbox.update(
                    state=OutboxState.REJECTED.value,
                    last_error=reason,
                    acked_at=now,
                    attempts=Outbox.attempts + 1,
                ).where(Outbox.mutation_id == mutation_id).execute()
            for mutation_id, reason in retry:
                Outbox.update(attempts=Outbox.attempts + 1, last_error=reason).where(
                    Outbox.mutation_id == mutation_id
                ).execute()
        if rejected:
            log.warning("server rejected %d mutations", len(rejected))
        if report is not None:
            report.rejected += len(rejected)
            report.retryable += len(retry)
        return len(retry)

    # -- pull ----------------------------------------------------------------------
    def _dispatch(self, kind: str, change_id: str, op: str, data: Any) -> bool:
        return _plugin_dispatch(self.runtime)(kind, change_id, op, data)

    def _apply_changes(
        self, changes: list[Any], outcome: apply.ApplyOutcome, careful: bool
    ) -> None:
        if not careful:
            self._apply_changes_fast(changes, outcome)
            return
        for change in changes:
            kind = str(change.get("kind", ""))
            change_id = str(change.get("id", ""))
            op = str(change.get("op", ""))
            data = change.get("data")
            if not careful:
                apply.apply_change(kind, change_id, op, data, outcome, self._dispatch)
                continue
            try:
                with self.runtime.db.atomic():  # a savepoint: one bad change only
                    apply.apply_change(kind, change_id, op, data, outcome, self._dispatch)
            except Exception as exc:
                log.error(
                    "pulled change %s %s skipped: %s: %s", kind, change_id, type(exc).__name__, exc
                )
                outcome.skipped.append((kind, change_id, f"{type(exc).__name__}: {exc}"))

    def _apply_changes_fast(self, changes: list[Any], outcome: apply.ApplyOutcome) -> None:
        """Runs of catalog upserts of one kind go in one statement; the rest one by one."""
        run_kind = ""
        run: list[Any] = []
        for change in changes:
            kind = str(change.get("kind", ""))
            op = change.get("op")
            if kind.startswith(apply.CATALOG_PREFIX) and op == "upsert":
                if kind != run_kind and run:
                    apply.apply_catalog_upserts(run_kind, run, outcome)
                    run = []
                run_kind = kind
                run.append(change.get("data"))
                continue
            if run:
                apply.apply_catalog_upserts(run_kind, run, outcome)
                run = []
            apply.apply_change(
                kind,
                str(change.get("id", "")),
                str(op or ""),
                change.get("data"),
                outcome,
                self._dispatch,
            )
        if run:
            apply.apply_catalog_upserts(run_kind, run, outcome)

    def _apply_page(self, page: dict[str, Any], site_code: str) -> apply.ApplyOutcome:
        changes = page.get("changes")
        if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
            raise Retryable(_("The sync server sent an unreadable answer; will retry."))
        try:
            next_cursor = int(page["next"])
        except (KeyError, TypeError, ValueError) as exc:
            raise Retryable(_("The sync server sent an unreadable answer; will retry.")) from exc
        reset = bool(page.get("reset"))
        has_more = bool(page.get("has_more"))
        last_error: Exception | None = None
        for careful in (False, True):
            outcome = apply.ApplyOutcome()
            try:
                with self.runtime.db.atomic("IMMEDIATE"):
                    resetting = bool(sync_state().resetting)
                    if reset:  # a snapshot starts here (again, if one was under way)
                        SyncSeen.delete().execute()
                        resetting = True
                    self._apply_changes(changes, outcome, careful)
                    if resetting:
                        apply.remember_seen(changes)
                        if not has_more:  # caught up: the snapshot is complete
                            apply.sweep_after_reset(outcome, self._dispatch, site_code)
                            resetting = False
                    caught_up = {"first_pull": False} if not has_more else {}
                    SyncState.update(
                        cursor=next_cursor,
                        resetting=resetting,
                        last_pull_at=utcnow(),
                        **caught_up,
                    ).where(SyncState.id == 1).execute()
                return outcome
            except Exception as exc:  # the fast path failed: redo change by change
                last_error = exc
                log.warning(
                    "page from %s failed as a whole (%s); applying change by change",
                    next_cursor,
                    exc,
                )
        assert last_error is not None
        raise last_error

    def pull(self, *, max_pages: int = 100_000) -> PullReport:
        """Pull and apply pages until the server has no more; raise on the first failure."""
        report = PullReport()
        try:
            client = self._connected()
            site_code = sync_state().site_code
            with (
                _collector_paused(),
                ThreadPoolExecutor(1, thread_name_prefix="sihao-pull") as wire,
            ):
                self._pull_pages(client, wire, site_code, report, max_pages)
        except SyncError as exc:
            self._record_error(exc)
            raise
        finally:
            report.cursor = int(sync_state().cursor)
        if report.unhandled:
            log.info(
                "pulled kinds no loaded plugin handles (parked): %s",
                ", ".join(sorted(report.unhandled)),
            )
        self._clear_error(last_pull_at=utcnow())
        if not sync_state().counter_tag:
            try:  # the pull itself went well: a missing tag is asked for again next time
                self.fetch_counter_tag()
            except SyncError as exc:
                log.warning("counter tag not fetched: %s", exc)
        if report.policy_changed:
            self.on_policy()
        return report

    # -- counter tag -----------------------------------------------------------------
    def fetch_counter_tag(self) -> str:
        """Ask the server for this workstation's counter tag (enrolled before tags were
        allocated: it has none yet) and keep it."""
        tag = self._connected().enrollment()
        self._keep_counter_tag(tag)
        return tag

    def renew_counter_tag(self) -> str:
        """A fresh counter tag from the server (``sihao intake retag``), kept."""
        try:
            tag = self._connected().new_counter_tag()
        except SyncError as exc:
            self._record_error(exc)
            raise
        self._keep_counter_tag(tag)
        return tag

    def _keep_counter_tag(self, tag: str) -> None:
        with self.runtime.db.atomic("IMMEDIATE"):
            SyncState.update(counter_tag=tag).where(SyncState.id == 1).execute()
        log.info("counter tag %s", tag)

    def _pull_pages(
        self,
        client: SyncClient,
        wire: ThreadPoolExecutor,
        site_code: str,
        report: PullReport,
        max_pages: int,
    ) -> None:
        """Apply pages in order; page k+1 is fetched while page k is being applied."""
        state = sync_state()
        pull = functools.partial(client.pull, first=bool(state.first_pull))
        in_flight = wire.submit(pull, int(state.cursor), self.page_size)
        for _page in range(max_pages):
            page = in_flight.result()
            has_more = bool(page.get("has_more"))
            if has_more:
                try:
                    since = int(page["next"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise Retryable(
                        _("The sync server sent an unreadable answer; will retry.")
                    ) from exc
                in_flight = wire.submit(pull, since, self.page_size)
            try:
                outcome = self._apply_page(page, site_code)
            except BaseException:
                if has_more:
                    in_flight.cancel()
                raise
            report.pages += 1
            report.changes += len(page.get("changes", []))
            report.applied += outcome.applied
            report.skipped.extend(outcome.skipped)
            report.unhandled |= outcome.unhandled
            report.policy_changed |= outcome.policy_changed
            if outcome.holidays_changed:
                self.runtime.calendar.invalidate()
            if not has_more:
                break

    def apply_policy(self) -> None:
        """Put the cached server policy in force (at startup and after a pull changed it)."""
        install_cached_policy(self.runtime)
        self.runtime.apply_policy()
        apply_parked(self.runtime)

    def sync_once(self) -> tuple[PushReport, PullReport]:
        """Push, then pull (the pull still runs when a push was partly refused)."""
        push_error: SyncError | None = None
        try:
            pushed = self.push()
        except (Unauthorized, UpgradeRequired, NotEnrolled):
            raise
        except SyncError as exc:
            push_error = exc
            pushed = PushReport()
        pulled = self.pull()
        if push_error is not None:
            self._record_error(push_error)
            raise push_error
        self._prune_now_and_then()
        return pushed, pulled

    def _prune_now_and_then(self) -> None:
        if self.keep_applied_days is None:
            return
        now = utcnow()
        if self._pruned_at is not None and now - self._pruned_at < timedelta(hours=1):
            return
        self._pruned_at = now
        prune_applied(timedelta(days=self.keep_applied_days), now=now)
