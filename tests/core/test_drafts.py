"""Form drafts in the real store: per staff member and form, replaced, discarded."""

from __future__ import annotations

from core import drafts
from core.outbox import Outbox
from core.runtime import Runtime


def test_a_draft_is_kept_per_person_and_form_until_discarded(runtime: Runtime) -> None:
    drafts.keep("1001", "feedback.inspection", {"target_ref": "A01", "scores": {"guide": "80"}})
    drafts.keep("1002", "feedback.inspection", {"target_ref": "B01"})
    drafts.keep("1001", "feedback.rating_entry", {"level": 2})
    kept = drafts.load("1001", "feedback.inspection")
    assert kept is not None and kept.fields == {"target_ref": "A01", "scores": {"guide": "80"}}
    # The next person at the same workstation never gets it.
    other = drafts.load("1002", "feedback.inspection")
    assert other is not None and other.fields == {"target_ref": "B01"}
    assert drafts.load("4001", "feedback.inspection") is None
    # Typing on replaces it (one row per person and form).
    drafts.keep("1001", "feedback.inspection", {"target_ref": "A02"})
    again = drafts.load("1001", "feedback.inspection")
    assert again is not None and again.fields == {"target_ref": "A02"}
    assert sorted(drafts.kept_for("1001")) == ["feedback.inspection", "feedback.rating_entry"]
    assert drafts.discard("1001", "feedback.inspection") is True
    assert drafts.load("1001", "feedback.inspection") is None
    assert drafts.discard("1001", "feedback.inspection") is False
    assert drafts.load("1002", "feedback.inspection") is not None
    # Drafts stay on this workstation: nothing is queued for the server.
    assert Outbox.select().count() == 0


def test_a_damaged_draft_is_dropped_not_fatal(runtime: Runtime) -> None:
    drafts.keep("1001", "feedback.inspection", {"note": "x"})
    drafts.FormDraft.update(data="{not json").execute()
    assert drafts.load("1001", "feedback.inspection") is None
    assert drafts.FormDraft.select().count() == 0
    drafts.keep("", "feedback.inspection", {"note": "nobody signed in"})
    assert drafts.FormDraft.select().count() == 0
