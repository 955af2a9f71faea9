"""Changes IT makes through ``core.staff_desk``, from a screen: in this store at a
standalone site (at once), or as an admin call to the central server on a thread
(the network), with the IT administrator's own PIN, asked once per session and
forgotten when the server refuses it. The screen provides ``say(text, error=)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from textual import work

from core.i18n import _
from core.roles import Role
from core.staff_desk import StaffDeskError, desk_for, has_server

log = logging.getLogger(__name__)


class ServerCalls:
    runtime: Any
    app: Any

    def say(self, text: str, *, error: bool = False) -> None:
        raise NotImplementedError

    def run_desk(
        self, change: Callable[[Any], Any], done: Callable[[Any], None], *, reading: bool = False
    ) -> None:
        """Run ``change(desk)``: here at a standalone site, on a thread (the network)
        with the IT administrator's PIN at a site with a server. ``reading``: only a
        look (the list), so the line saying what was done stays."""
        session = self.runtime.session
        if session is None or session.role != Role.IT_ADMIN:
            self.say(_("Only IT administrators can do this."), error=True)
            return
        if not has_server(self.runtime):
            try:
                result = change(desk_for(self.runtime, session.staff_no))
            except StaffDeskError as exc:
                self.say(str(exc), error=True)
                return
            done(result)
            return
        pin = getattr(self.app, "admin_pin", None)
        if pin:
            if not reading:
                self.say(_("Sending the change to the central server…"))
            self._remote(change, done, session.staff_no, pin)
            return

        def typed(value: str | None) -> None:
            if value:
                self.app.admin_pin = value
                self.run_desk(change, done, reading=reading)

        from workstation.screens.admin_pin import AdminPinScreen

        self.app.push_screen(AdminPinScreen(), typed)

    @work(thread=True, group="server-calls")
    def _remote(
        self, change: Callable[[Any], Any], done: Callable[[Any], None], actor: str, pin: str
    ) -> None:
        try:
            result = change(desk_for(self.runtime, actor, pin))
        except StaffDeskError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        except Exception:
            log.exception("staff desk call failed")
            self.app.call_from_thread(
                self._failed, StaffDeskError(_("The change failed. Please try again."))
            )
            return
        finally:
            self.runtime.db.close()  # this thread's connection
        self.app.call_from_thread(done, result)

    def _failed(self, exc: StaffDeskError) -> None:
        if exc.bad_credentials:
            self.app.admin_pin = None  # ask again next time
        self.say(str(exc), error=True)
