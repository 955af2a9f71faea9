"""What the Sync plugin does, without Textual: the worker's life, status texts, actions.

The worker lives in ``runtime.extras["sync_worker"]``; the status bar reads the
callable in ``runtime.extras["sync_state"]`` (every 2 s), which reads one row and
two counts from the local store (well under a millisecond), so it never waits on
the network.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from core import credentials
from core.i18n import _
from core.models import utcnow
from core.sync import engine
from core.sync.engine import Syncer, SyncStatus
from core.sync.models import Blocked
from core.sync.worker import SyncWorker

log = logging.getLogger(__name__)

WORKER = "sync_worker"
STATE = "sync_state"


def settings(runtime: Any) -> dict[str, Any]:
    return dict(runtime.settings("sync"))


def make_syncer(runtime: Any) -> Syncer:
    conf = settings(runtime)
    keep = conf.get("keep_sent_days", 30)
    return Syncer(
        runtime,
        timeout=float(conf.get("timeout_seconds", 30)),
        on_policy=lambda: apply_policy(runtime),
        keep_applied_days=float(keep) if keep is not None else None,
    )


def apply_policy(runtime: Any) -> None:
    """Put the cached server policy in force (if site.toml names a server: the runtime
    decides). The runtime migrates and starts each plugin it switches on."""
    runtime.load_server_policy()
    runtime.apply_policy()
    engine.apply_parked(runtime)  # changes pulled before their plugin was on


def startup(runtime: Any) -> None:
    runtime.extras[STATE] = lambda short=False: status_text(runtime, short=short)
    # The cached policy has been in force since the runtime opened, before any plugin
    # was loaded (core.runtime); applying it again changes nothing then.
    if engine.cached_policy() is not None:
        apply_policy(runtime)
    else:
        engine.apply_parked(runtime)
    if engine.status().enrolled:
        start_worker(runtime)


def start_worker(runtime: Any) -> SyncWorker:
    worker = runtime.extras.get(WORKER)
    if isinstance(worker, SyncWorker):
        worker.trigger()
        worker.start()
        return worker
    conf = settings(runtime)
    worker = SyncWorker(
        lambda: make_syncer(runtime),
        interval=float(conf.get("interval_seconds", 30)),
        close_db=runtime.db.close,
    )
    runtime.extras[WORKER] = worker
    worker.start()
    return worker


def stop_worker(runtime: Any) -> None:
    worker = runtime.extras.pop(WORKER, None)
    if isinstance(worker, SyncWorker):
        worker.stop()


def retry_now(runtime: Any) -> bool:
    """Wake the worker (starting it if the workstation is enrolled); False if not enrolled."""
    if not engine.status().enrolled:
        return False
    start_worker(runtime)
    return True


def enroll(runtime: Any, server_url: str, code: str, name: str | None = None) -> str:
    """Enroll and start syncing; return the sentence to show. Raises SyncError/CredentialsError."""
    state = make_syncer(runtime).enroll(server_url, code, name)
    start_worker(runtime)
    return _("This workstation is enrolled with {server} for site {site}.").format(
        server=state.server_url, site=state.site_code
    )


# -- texts ------------------------------------------------------------------------
def age_text(age: dt.timedelta | None) -> str:
    if age is None:
        return "—"
    seconds = int(age.total_seconds())
    if seconds < 60:
        return _("{n} s").format(n=seconds)
    if seconds < 3600:
        return _("{n} min").format(n=seconds // 60)
    if seconds < 86400:
        return _("{n} h").format(n=seconds // 3600)
    return _("{n} d").format(n=seconds // 86400)


def when_text(moment: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """A UTC moment from the store, shown in local time (today: time only)."""
    if moment is None:
        return _("never")
    local = moment.replace(tzinfo=dt.UTC).astimezone()
    today = (now or utcnow()).replace(tzinfo=dt.UTC).astimezone().date()
    return local.strftime("%H:%M:%S" if local.date() == today else "%m-%d %H:%M")


def status_text(runtime: Any, *, short: bool = False) -> str:
    """The line for the status bar; ``short`` for a narrow terminal: the state, and
    what needs someone's attention (rejections, an error), without the times."""
    state = engine.status()
    if not state.enrolled:
        return _("not enrolled")
    if state.blocked == Blocked.REVOKED:
        text = _("stopped: enrollment revoked, {n} waiting").format(n=state.pending)
    elif state.blocked == Blocked.UPGRADE:
        text = _("stopped: please upgrade Sihao, {n} waiting").format(n=state.pending)
    elif state.pending:
        text = _("{n} waiting (oldest {age})").format(
            n=state.pending, age=age_text(state.oldest_pending_age())
        )
    else:
        text = _("up to date")
    if not short:
        text += " · " + _("sent {when}").format(when=when_text(state.last_push_at))
        text += " · " + _("pulled {when}").format(when=when_text(state.last_pull_at))
    if state.rejected:
        text += " · " + _("{n} rejected").format(n=state.rejected)
    if state.last_error and not state.blocked:
        text += " · " + _("error")
    if not short and credentials_warning() is not None:
        text += " · " + _("token in a plain file")
    return text


def rejection_text(reason: str) -> str:
    """The server's reason for refusing a record, as a sentence for the clerk.

    The server answers in English (docs/sync-protocol.md, "Push"); the kinds of
    refusal it gives are told here in the workstation's language, with the server's
    words (the field and what is wrong with it) kept for IT."""
    if reason.startswith("payload refused: "):
        return _("The server refused the record's contents ({detail}); ask IT.").format(
            detail=reason.removeprefix("payload refused: ")
        )
    if reason.startswith("unknown record kind"):
        return _("The server does not take this kind of record yet; ask IT. ({detail})").format(
            detail=reason
        )
    if "names another site" in reason or "names another workstation" in reason:
        return _(
            "The record names another site than this workstation's; ask IT. ({detail})"
        ).format(detail=reason)
    if "does not know" in reason:
        return _("The record names a site the server does not know; ask IT. ({detail})").format(
            detail=reason
        )
    if "its log has the detail" in reason:
        return _("The server could not take this record; IT finds why in the server's log.")
    return reason


def credentials_warning() -> str | None:
    try:
        return credentials.backend_warning()
    except Exception:  # the status line must not fail on a keyring problem
        return None


def summary(runtime: Any) -> SyncStatus:
    return engine.status()
