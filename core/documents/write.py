"""Writing a finished file: temporary file in the same folder, then rename.

A reader (the print queue, a viewer, the clerk) either sees the whole new file or
the old one, never half a PDF; a failure leaves no ``.part`` file behind. The
rename is atomic because the temporary file is in the target's own folder (same
file system).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
from pathlib import Path

from core.documents.errors import WriteFailed
from core.i18n import _

log = logging.getLogger(__name__)


def _reason(exc: OSError) -> str:
    """A short reason a clerk understands (the OS's own words go to the log)."""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return _("no permission to write there")
    if code in (errno.ENOENT, errno.ENOTDIR):
        return _("the folder does not exist")
    if code == errno.ENOSPC:
        return _("the disk is full")
    if code == errno.EFBIG:
        return _("the file is too large for that disk")
    if code == errno.EROFS:
        return _("the disk is read-only")
    if code == errno.EISDIR:
        return _("a folder has that name")
    return exc.strerror or str(exc)


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` whole or not at all; raises ``WriteFailed``.

    ``mode``: 0644 for a document the clerk saves to hand on; 0600 for the print
    queue's own copies, which may name the people served (core.filemodes)."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise WriteFailed(str(target), _("a folder has that name"))
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        log.error("cannot create a file in %s: %s", target.parent, exc)
        raise WriteFailed(str(target), _reason(exc)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp makes 0600
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        log.error("cannot write %s: %s", target, exc)
        raise WriteFailed(str(target), _reason(exc)) from exc
    return target
