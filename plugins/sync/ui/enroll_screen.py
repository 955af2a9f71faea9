"""IT's Enroll screen: the server's URL and a one-time code from `sihao server enroll-code`.

The exchange runs on a thread (it waits on the network); the answer, or the
sentence saying what went wrong, appears below the form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import work
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from core.credentials import CredentialsError
from core.i18n import _
from core.sync.client import SyncError
from plugins.sync import service
from workstation.screens.base import SihaoScreen


class EnrollScreen(SihaoScreen):
    CSS_PATH = "sync.tcss"

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="enroll")

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="enroll-form"):
            yield Static(_("Enroll this workstation"), classes="screen-title")
            yield Label(_("Server URL"))
            yield Input(
                value=self.runtime.config.server_url,
                placeholder="https://sync.example.gov.cn",
                id="enroll-server",
            )
            yield Label(_("Enrollment code"))
            yield Input(id="enroll-code")
            yield Label(_("Workstation name (optional)"))
            yield Input(id="enroll-name")
            yield Button(_("Enroll"), id="enroll-submit", variant="primary")
            yield Static(service.credentials_warning() or "", id="enroll-warning")
            yield Static("", id="enroll-result")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "enroll-submit":
            self.submit()

    def submit(self) -> None:
        server = self.query_one("#enroll-server", Input).value.strip()
        code = self.query_one("#enroll-code", Input).value.strip()
        name = self.query_one("#enroll-name", Input).value.strip() or None
        if not server or not code:
            self._say(_("Enter the server URL and the enrollment code."))
            return
        self.query_one("#enroll-submit", Button).disabled = True
        self._say(_("Enrolling…"))
        self._enroll(server, code, name)

    @work(thread=True, exclusive=True)
    def _enroll(self, server: str, code: str, name: str | None) -> None:
        try:
            text = service.enroll(self.runtime, server, code, name)
        except (SyncError, CredentialsError) as exc:
            text = str(exc)
        finally:
            self.runtime.db.close()  # this thread's connection
        self.app.call_from_thread(self._done, text)

    def _done(self, text: str) -> None:
        self.query_one("#enroll-submit", Button).disabled = False
        self.query_one("#enroll-code", Input).value = ""
        self._say(text)

    def _say(self, text: str) -> None:
        result = self.query_one("#enroll-result", Static)
        result.update(text)
        # At 80x24 the form fills the screen: bring the answer into view below it.
        self.call_after_refresh(result.scroll_visible, animate=False)
