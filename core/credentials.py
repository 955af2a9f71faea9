"""The workstation's bearer token, kept in the OS keyring and nowhere else.

Enrollment trades IT's one-time code for a token bound to this workstation and its
site; the server keeps only its hash, so the keyring copy is the only one. The
keyring entry is service ``sihao`` and an account name derived from the data
directory, so two data directories on one machine (a demo beside a real one, or
two test workstations) never share or overwrite each other's token.

On a headless Linux there is often no keyring backend at all and ``keyring`` raises
``NoKeyringError``; that becomes a ``CredentialsError`` whose text tells IT how to
choose a backend (a Secret Service such as gnome-keyring, or for a demo an explicit
plain-text file backend). A plain-text backend works but is reported by
``backend_warning()`` so the Sync screen and the status bar can say so.

``keyring`` is imported inside the functions: it scans its backends on import
(≈ 40 ms here), which a workstation that never syncs should not pay for.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from core.i18n import _

log = logging.getLogger(__name__)

SERVICE = "sihao"

# Backends that keep the secret readable on disk (keyrings.alt): allowed, but shown.
_PLAINTEXT_BACKENDS = ("PlaintextKeyring", "EncryptedKeyring", "Windows.RegistryKeyring")


class CredentialsError(Exception):
    """The token cannot be read or stored; ``str()`` is the sentence for IT."""


def account_for(data_dir: Path) -> str:
    """The keyring account of the workstation whose data directory is ``data_dir``."""
    digest = hashlib.sha256(str(Path(data_dir).expanduser().resolve()).encode()).hexdigest()
    return f"workstation-{digest[:16]}"


def _no_backend_message() -> str:
    return _(
        "This computer has no safe place (a system keyring) to keep the key that lets it "
        "sync with the central server, so it cannot sync yet. Work saved here is kept and "
        "is sent once this is set up. For IT: install and unlock a keyring such as "
        "gnome-keyring or KeePassXC; on a demo machine only, "
        "PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring keeps the key in a "
        "plain file."
    )


def _keyring() -> Any:
    import keyring  # ≈ 40 ms: it discovers its backends on import

    return keyring


def _wrap(exc: Exception) -> CredentialsError:
    from keyring.errors import NoKeyringError

    if isinstance(exc, NoKeyringError):
        log.warning("no keyring backend: %s", exc)
        return CredentialsError(_no_backend_message())
    log.error("keyring failed: %s: %s", type(exc).__name__, exc)
    return CredentialsError(
        _(
            "The system keyring refused the sync token ({error}). Unlock the keyring, "
            "or ask IT to check its settings, then try again."
        ).format(error=type(exc).__name__)
    )


def _private_backend_file(keyring: Any) -> None:
    """A file backend (the demo's plain-text keyring) keeps the token in a file: it is
    made 0600 if found looser (keyrings.alt creates it so, but a copy may not be)."""
    file_path = getattr(keyring.get_keyring(), "file_path", None)
    if isinstance(file_path, str) and file_path:
        from core.filemodes import PRIVATE_FILE, tighten

        tighten(Path(file_path), PRIVATE_FILE)


def get_token(data_dir: Path) -> str | None:
    """The token of this workstation, or None if it is not enrolled."""
    keyring = _keyring()
    try:
        token: str | None = keyring.get_password(SERVICE, account_for(data_dir))
    except Exception as exc:
        raise _wrap(exc) from exc
    _private_backend_file(keyring)
    return token


def set_token(data_dir: Path, token: str) -> None:
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, account_for(data_dir), token)
    except Exception as exc:
        raise _wrap(exc) from exc
    _private_backend_file(keyring)


def delete_token(data_dir: Path) -> None:
    """Forget the token (after revocation or before enrolling anew); absent is fine."""
    keyring = _keyring()
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, account_for(data_dir))
    except PasswordDeleteError:
        return
    except Exception as exc:
        raise _wrap(exc) from exc


def backend_name() -> str:
    backend = _keyring().get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def backend_warning() -> str | None:
    """A sentence to show when the token sits in a file anyone with the disk can read."""
    try:
        name = backend_name()
    except Exception:  # pragma: no cover - get_keyring itself does not raise
        return None
    if any(name.endswith(plain) for plain in _PLAINTEXT_BACKENDS):
        return _("The sync token is kept in a plain file (demo setting), not a system keyring.")
    if name.endswith("fail.Keyring"):
        return _no_backend_message()
    return None
