"""Private files: the workstation's store holds every staff PIN hash and the records
of the people served, so only the account running Sihao may read it.

The data directory is made 0700 and the database (with its ``-wal`` and ``-shm``)
0600 when they are created; one found looser (copied in, restored from a backup,
made by an older version under a 022 umask) is tightened when the workstation
opens it, and the log says so. POSIX only: on Windows the modes mean little and
the profile directory's ACL does the job, so nothing is changed there.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def _posix() -> bool:
    return os.name == "posix"


def tighten(path: Path, mode: int) -> bool:
    """Take away every permission of ``path`` beyond ``mode``; True if it changed."""
    if not _posix():
        return False
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if current & ~mode == 0:
        return False
    try:
        os.chmod(path, current & mode)
    except OSError as exc:  # not ours (another account's directory): say so, go on
        log.warning("cannot restrict %s (mode %o): %s", path, current, exc)
        return False
    log.warning("restricted %s from mode %o to %o", path, current, current & mode)
    return True


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed; the directory itself ends up 0700."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    tighten(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if absent, else tighten it to 0600."""
    if _posix() and not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, PRIVATE_FILE))
            return path
        except FileExistsError:  # created meanwhile by another process: tighten below
            pass
    tighten(path, PRIVATE_FILE)
    return path
