"""The demo's keyring: keyrings.alt's plain-text file, kept where ``make run`` says.

``make run`` must keep everything it writes inside its demo directory. keyrings.alt's
``PlaintextKeyring`` writes under the user's data directory (``~/.local/share/
python_keyring``), outside it; this backend is the same file format at the path
in ``SIHAO_KEYRING_FILE`` (the demo sets ``.demo/keyring.cfg``). Chosen with
``PYTHON_KEYRING_BACKEND=core.demo_keyring.DemoPlaintextKeyring``; its name ends in
``PlaintextKeyring`` so the status bar says the token sits in a plain file.
"""

from __future__ import annotations

import os

from keyrings.alt.file import PlaintextKeyring


class DemoPlaintextKeyring(PlaintextKeyring):  # type: ignore[misc]
    @property
    def file_path(self) -> str:
        path = os.environ.get("SIHAO_KEYRING_FILE")
        if path:
            return os.path.abspath(path)
        inherited: str = super().file_path
        return inherited
