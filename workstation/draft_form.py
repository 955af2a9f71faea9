"""Keeping a form's typed input as a draft (core.drafts) from a screen.

A screen that mixes in ``DraftForm`` names its form (``FORM_ID``), says how to read
its fields (``draft_fields``), how to put them back (``restore_draft``) and when
they hold nothing worth keeping (``draft_is_blank``). It calls ``draft_changed()``
whenever a field changes; the draft is written half a second after the last change
(one write per pause in typing, not one per key) and again when the screen goes
away (Esc, F1, sign-out, closing the app). ``open_draft()`` on mount puts a kept
draft back; ``drop_draft()`` after a save or an explicit discard deletes it.

The owner is the staff member signed in when the screen opened, so a draft typed
before a sign-out goes back to the same person.
"""

from __future__ import annotations

import logging
from typing import Any

from textual.css.query import NoMatches
from textual.timer import Timer

from core import drafts

log = logging.getLogger(__name__)

DRAFT_DELAY = 0.5  # seconds after the last change


class DraftForm:
    FORM_ID = ""
    runtime: Any

    # -- what the screen provides --------------------------------------------------
    def draft_fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def restore_draft(self, fields: dict[str, Any]) -> None:
        raise NotImplementedError

    def draft_is_blank(self, fields: dict[str, Any]) -> bool:
        raise NotImplementedError

    def draft_label(self) -> str:
        """What the sign-out and quit prompts call this input (a short phrase)."""
        raise NotImplementedError

    # -- machinery -------------------------------------------------------------------
    def init_drafts(self) -> None:
        session = self.runtime.session
        self._draft_owner = session.staff_no if session is not None else ""
        self._draft_timer: Timer | None = None
        self._draft_snapshot: dict[str, Any] | None = None  # the latest fields read
        self._draft_dirty = False
        self._draft_paused = False  # while a draft or a blank card is being put in

    def draft_changed(self) -> None:
        """A field changed: read the form now, write it after a pause in typing."""
        if self._draft_paused:
            return
        try:
            self._draft_snapshot = self.draft_fields()
        except NoMatches:  # the screen is being taken down
            return
        self._draft_dirty = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.keep_draft)  # type: ignore[attr-defined]

    def keep_draft(self) -> None:
        """Write the latest fields (or delete the draft when the form is blank)."""
        if not self._draft_dirty or self._draft_snapshot is None:
            return
        fields = self._draft_snapshot
        try:
            if self.draft_is_blank(fields):
                drafts.discard(self._draft_owner, self.FORM_ID)
            else:
                drafts.keep(self._draft_owner, self.FORM_ID, fields)
        except Exception:  # the form stays on screen; the next change tries again
            log.exception("draft of %s not kept", self.FORM_ID)
            return
        self._draft_dirty = False

    def open_draft(self) -> drafts.Draft | None:
        """Put back a kept draft; call on mount. Returns it (None when there is none)."""
        draft = drafts.load(self._draft_owner, self.FORM_ID) if self._draft_owner else None
        if draft is not None:
            self._draft_paused = True
            try:
                self.restore_draft(draft.fields)
            except Exception:  # a draft from an older form: keep it, show the blank form
                log.exception("draft of %s could not be put back", self.FORM_ID)
            finally:
                # Changes posted by restoring arrive later; they are not typing.
                self.call_after_refresh(self._resume_drafts)  # type: ignore[attr-defined]
        return draft

    def _resume_drafts(self) -> None:
        self._draft_paused = False

    def drop_draft(self) -> None:
        """The form was saved or discarded: forget the draft, now and pending."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_dirty = False
        self._draft_snapshot = None
        drafts.discard(self._draft_owner, self.FORM_ID)

    def unsaved_input(self) -> str | None:
        """The shell asks before signing out or quitting while this is not None."""
        fields = self._draft_snapshot
        if fields is None:
            try:
                fields = self.draft_fields()
            except NoMatches:
                return None
        return None if self.draft_is_blank(fields) else self.draft_label()

    def on_screen_suspend(self) -> None:
        try:
            if self._draft_dirty:
                self._draft_snapshot = self.draft_fields()
        except NoMatches:
            pass
        self.keep_draft()

    def on_unmount(self) -> None:
        self.keep_draft()
