"""Rating entry: a stack of paper cards (评议卡), SMS or kiosk ratings keyed in fast.

Keys (shown in the footer):
- on the pad (focused on every new card): 1–5 the level, a, b, c… the tags,
  Enter saves and opens the next blank card;
- anywhere: F2 target, F3 channel, F4 kind (主动/默认/追评), F5 real-name or
  anonymous, F6 back to the pad; Enter in any text field saves as well;
- the item field takes a code or words (开饭店, kyyz…): with the lookup's search
  (``runtime.extras["catalog.search"]``) the best matches show beside it and
  Enter picks the first; the next Enter saves.

Sticky fields (channel, window, staff, date, target, kind) stay from card to card.
A refused card keeps everything as typed; the error line says what to fix, once
per problem, and the fields at fault are outlined until they are changed.

No window is preselected: a staff member may not key a rating of themselves or
their own window (``ratings.validate``; a site setting allows it for a one-window
village point, and such ratings are flagged). A half-keyed card is kept as a
draft (core.drafts) across Esc, F1 and sign-out, and put back when the screen is
opened again; Ctrl+D discards it. F7 voids the card under the cursor of the list
(a reason is asked; the rating stays, marked, and leaves the statistics).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static

from core.catalog.models import Item
from core.drafts import Draft
from core.i18n import N_, _
from core.identifiers import check_mobile, check_resident_id
from core.masking import mask_id, mask_phone
from core.models import Staff, Window
from plugins.feedback import cases, ratings, reference, voids
from plugins.feedback.models import Case, Rating
from plugins.feedback.ratings import LEVEL_NAMES, Kind, RatingDraft, Target
from plugins.feedback.ui.rating_pad import RatingPad
from plugins.feedback.ui.void_dialog import VoidDialog
from workstation.draft_form import DraftForm
from workstation.screens.base import SihaoScreen

log = logging.getLogger(__name__)

FIELD_WIDGETS = {
    "level": "#pad",
    "tags": "#pad",
    "channel": "#channel",
    "case_no": "#case-no",
    "item": "#item-code",
    "window": "#window",
    "staff": "#staff",
    "applicant_name": "#applicant-name",
    "applicant_id": "#applicant-id",
    "applicant_phone": "#applicant-phone",
    "kind": "#kind",
    "rated_on": "#rated-on",
}
# The problems a change to a widget settles (a field's outline and its error line).
WIDGET_FIELDS: dict[str, set[str]] = {}
for _field, _selector in FIELD_WIDGETS.items():
    WIDGET_FIELDS.setdefault(_selector.lstrip("#"), set()).add(_field)
WIDGET_FIELDS["target"] = {"case_no", "item", "window"}  # what the target requires
WIDGET_FIELDS["real-name"] = {"applicant_name", "applicant_id", "applicant_phone"}
RECENT_LIMIT = 50  # the cards this person keyed today, shown to check and void


def _local_midnight_utc() -> dt.datetime:
    """Today's start at this workstation, in UTC as ratings' created_at is stored."""
    midnight = dt.datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(dt.UTC).replace(tzinfo=None)


class RatingEntryScreen(DraftForm, SihaoScreen):
    CSS_PATH = "rating_entry.tcss"
    FORM_ID = "feedback.rating_entry"
    BINDINGS = [
        Binding("f2", "cycle_target", N_("Target"), priority=True),
        Binding("f3", "cycle_channel", N_("Channel"), priority=True),
        Binding("f4", "cycle_kind", N_("Rating kind"), priority=True),
        Binding("f5", "toggle_real_name", N_("Real-name"), priority=True),
        Binding("f6", "focus_pad", N_("Level/tags"), priority=True),
        Binding("f7", "void_card", N_("Void card"), priority=True),
        # Not in the footer (it is full at 80 columns): said when a draft is put back.
        Binding("ctrl+d", "discard_draft", N_("Discard draft"), priority=True, show=False),
    ]

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime, id="rating-entry")
        self.tagset = reference.tag_set()
        self.site_code = runtime.config.site_code
        # No window preselected: the keyer's own would make every card a self-rating.
        self.draft = RatingDraft(window_no="", staff_no="", channel="card")
        self.saved = 0
        self.problems: list[ratings.Problem] = []
        self.note = ""  # the line under the problems: saved, restored, a tag ticked
        self._discard_armed = False
        self.init_drafts()

    # -- layout --------------------------------------------------------------------
    def compose_body(self) -> Iterable[Widget]:
        windows = list(Window.select().where(Window.site == self.site_code).order_by(Window.number))
        staff = list(
            Staff.select()
            .where((Staff.site == self.site_code) & Staff.active)
            .order_by(Staff.staff_no)
        )
        with Vertical(id="rating-body"):
            yield Static(self._title(), id="rating-title", classes="screen-title")
            with Horizontal(classes="rating-row"):
                yield Label(_("Channel"))
                yield Select(
                    [(c.name, c.code) for c in self.tagset.channels],
                    value=self.draft.channel,
                    allow_blank=False,
                    id="channel",
                    compact=True,
                )
                yield Label(_("Window"))
                yield Select(
                    [(f"{w.number} {w.name}", w.number) for w in windows],
                    value=self.draft.window_no or Select.NULL,
                    prompt=_("(none)"),
                    id="window",
                    compact=True,
                )
                yield Label(_("Staff"))
                yield Select(
                    [(f"{s.staff_no} {s.name}", s.staff_no) for s in staff],
                    prompt=_("(none)"),
                    id="staff",
                    compact=True,
                )
            with Horizontal(classes="rating-row"):
                yield Label(_("Target"))
                yield Select(
                    [(t.label, t.value) for t in Target],
                    value=self.draft.target.value,
                    allow_blank=False,
                    id="target",
                    compact=True,
                )
                yield Label(_("Rating kind"))
                yield Select(
                    [(k.label, k.value) for k in Kind],
                    value=self.draft.kind.value,
                    allow_blank=False,
                    id="kind",
                    compact=True,
                )
                yield Label(_("Date"))
                yield Input(
                    self.draft.rated_on.isoformat(),
                    restrict=r"[0-9-]*",
                    max_length=10,
                    id="rated-on",
                    compact=True,
                )
            yield RatingPad(
                self.tagset,
                self.draft.channel,
                on_save=self._pad_enter,
                on_refused=self._refused,
                on_changed=self._pad_changed,
                id="pad",
            )
            with Horizontal(classes="rating-row"):
                yield Label(_("Case number"))
                yield Input(placeholder=_("from the card, if any"), id="case-no", compact=True)
                yield Label(_("Item code"))
                yield Input(
                    str(self.runtime.extras.pop("feedback.rate_item", "")),
                    id="item-code",
                    compact=True,
                )
                yield Static("", id="item-name")
            with Horizontal(classes="rating-row"):
                yield Label(_("Comment"))
                yield Input(id="comment", compact=True)
            with Horizontal(classes="rating-row"):
                yield Checkbox(_("Real name"), id="real-name", compact=True)
                yield Input(
                    placeholder=_("Person's name"), id="applicant-name", disabled=True, compact=True
                )
                yield Input(
                    placeholder=_("ID number"), id="applicant-id", disabled=True, compact=True
                )
                yield Input(
                    placeholder=_("Mobile"), id="applicant-phone", disabled=True, compact=True
                )
            yield Static("", id="person-masked")
            yield Static("", id="rating-error")
            yield DataTable(id="recent", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#recent", DataTable)
        table.add_columns(
            _("Saved at"),
            _("Rating level"),
            _("Tags"),
            _("Window"),
            _("Channel"),
            _("Person"),
            _("Voided"),
        )
        self._load_recent()
        self._show_item_name()
        self.query_one("#pad", RatingPad).focus()
        draft = self.open_draft()
        if draft is not None:
            self._say(self._restored_text(draft))

    def _restored_text(self, draft: Draft) -> str:
        at = draft.updated_at.replace(tzinfo=dt.UTC).astimezone().strftime("%H:%M")
        return _("The card you had not saved (kept at {time}) is back. Ctrl+D discards it.").format(
            time=at
        )

    def _title(self) -> str:
        return _("Rating entry: {n} cards saved in this batch").format(n=self.saved)

    # -- reading the card ----------------------------------------------------------
    def _select(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return "" if value is Select.NULL or value is Select.BLANK else str(value)

    def _input(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def read_draft(self) -> tuple[RatingDraft, list[ratings.Problem]]:
        pad = self.query_one("#pad", RatingPad)
        problems: list[ratings.Problem] = []
        raw_date = self._input("#rated-on").strip()
        try:
            rated_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            rated_on = dt.date.today()
            problems.append(
                ratings.Problem(
                    "rated_on",
                    _("The date {value} is not a date: write it as 2026-11-28.").format(
                        value=raw_date
                    ),
                )
            )
        draft = RatingDraft(
            target=Target(self._select("#target") or Target.STAFF.value),
            case_no=self._input("#case-no"),
            item_code=self._input("#item-code"),
            window_no=self._select("#window"),
            staff_no=self._select("#staff"),
            channel=self._select("#channel"),
            level=pad.level,
            tags=list(pad.tags),
            text=self._input("#comment"),
            real_name=self.query_one("#real-name", Checkbox).value,
            applicant_name=self._input("#applicant-name"),
            applicant_id=self._input("#applicant-id"),
            applicant_phone=self._input("#applicant-phone"),
            kind=Kind(self._select("#kind") or Kind.ACTIVE.value),
            rated_on=rated_on,
        )
        return draft, problems

    # -- saving --------------------------------------------------------------------
    def save_card(self) -> bool:
        draft, problems = self.read_draft()
        settings = self.runtime.settings("feedback")
        session = self.runtime.session
        actor = session.staff_no if session else ""
        checked = ratings.validate(
            draft, self.tagset, settings, self.site_code, actor=actor, case=self._found_case()
        )
        self._show_problems([*problems, *checked.problems])
        if self.problems:
            return False
        try:
            rating = ratings.save(
                checked,
                actor=session.staff_no if session else "",
                site_code=self.site_code,
                tagset=self.tagset,
                calendar=self.runtime.calendar,
                case_settings=settings,
            )
        except Exception:  # the card stays filled; the clerk can press Enter again
            log.exception("saving a rating failed")
            self._say(
                "✗ "
                + _(
                    "The card could not be saved (the database did not accept it). It is still filled in: press Enter to try again, or tell IT if it keeps failing."
                )
            )
            return False
        self.saved += 1
        self._add_recent(rating)
        self._next_card()
        self.drop_draft()
        message = _("Card {n} saved.").format(n=self.saved)
        if rating.level in ratings.BAD_LEVELS:
            message += " " + _("A rectification case was opened for this bad review.")
            case = Case.get_or_none(Case.source_id == rating.id)
            if case is not None and case.due_estimate:
                message += " " + _(
                    "Its deadlines are counted on weekends only: there is no official holiday table for that year."
                )
        if rating.self_rated:
            message += " " + _(
                "It rates you or your own window: allowed at this site, and flagged in the statistics."
            )
        if checked.warnings:
            message += " " + " ".join(checked.warnings)
        self._say(message)
        return True

    # -- the error line --------------------------------------------------------------
    def _show_problems(self, problems: list[ratings.Problem]) -> None:
        """Each problem once; its field outlined until the field is changed."""
        seen: set[tuple[str, str]] = set()
        self.problems = []
        for problem in problems:
            if (problem.field, problem.message) not in seen:
                seen.add((problem.field, problem.message))
                self.problems.append(problem)
        self.note = ""
        self._render_problems()

    def _render_problems(self) -> None:
        at_fault = {FIELD_WIDGETS.get(p.field, "") for p in self.problems}
        for selector in set(FIELD_WIDGETS.values()):
            self.query_one(selector).set_class(selector in at_fault, "invalid")
        lines = list(dict.fromkeys(f"✗ {p.message}" for p in self.problems))
        if self.note:
            lines.append(self.note)
        # Plain text: "[b]" in a tag note or a typed value is not markup.
        self.query_one("#rating-error", Static).update(Text("\n".join(lines)))

    def _say(self, note: str) -> None:
        """A line under the problems (or the only line: saved, refused key…)."""
        self.note = note
        self._render_problems()

    def _settled(self, widget_id: str | None) -> None:
        """A field changed: its problems are no longer shown (re-checked on save)."""
        fields = WIDGET_FIELDS.get(widget_id or "", set())
        if fields and any(p.field in fields for p in self.problems):
            self.problems = [p for p in self.problems if p.field not in fields]
            self._render_problems()

    def _mark(self, problems: list[ratings.Problem]) -> None:
        self._show_problems(problems)

    # -- the cards keyed -------------------------------------------------------------
    def _load_recent(self) -> None:
        """This person's cards of today, so a card keyed wrong can still be voided."""
        session = self.runtime.session
        if session is None:
            return
        rows = list(
            Rating.select()
            .where(
                (Rating.actor == session.staff_no)
                & (Rating.site_code == self.site_code)
                & (Rating.created_at >= _local_midnight_utc())
            )
            .order_by(Rating.created_at.desc())
            .limit(RECENT_LIMIT)
        )
        for rating in reversed(rows):
            self._add_recent(rating)
        found = voids.voided([r.id for r in rows])
        for rating_id, void in found.items():
            self._mark_voided(rating_id, void.reason)

    def _add_recent(self, rating: Any) -> None:
        table = self.query_one("#recent", DataTable)
        channel = self.tagset.channel(rating.channel)
        saved_at = rating.created_at.replace(tzinfo=dt.UTC).astimezone()
        table.add_row(
            saved_at.strftime("%H:%M:%S"),
            f"{rating.level} {LEVEL_NAMES[rating.level]}",
            "、".join(json.loads(rating.tags)),
            rating.window_no,
            channel.name if channel else rating.channel,
            ratings.masked_person(rating),
            "",
            key=rating.id,
        )
        table.move_cursor(row=table.row_count - 1)

    def _mark_voided(self, rating_id: str, reason: str) -> None:
        table = self.query_one("#recent", DataTable)
        column = table.ordered_columns[-1].key
        table.update_cell(rating_id, column, _("voided: {reason}").format(reason=reason))

    def _next_card(self) -> None:
        self._draft_paused = True  # a blank card is not typing
        for selector in ("#case-no", "#item-code", "#comment"):
            self.query_one(selector, Input).value = ""
        for selector in ("#applicant-name", "#applicant-id", "#applicant-phone"):
            self.query_one(selector, Input).value = ""
        self.query_one("#real-name", Checkbox).value = False
        self.query_one("#pad", RatingPad).clear()
        self.query_one("#rating-title", Static).update(self._title())
        self.query_one("#person-masked", Static).update("")
        # At once: the next card's keys may already be queued behind this Enter.
        self.set_focus(self.query_one("#pad", RatingPad))
        self.call_after_refresh(self._resume_drafts)

    # -- events --------------------------------------------------------------------
    # The pad calls these at once, in the order the keys were typed (rating_pad.py).
    def _pad_enter(self) -> None:
        """Enter on the pad. The card's level and tags are taken now and the pad is
        cleared for the next card, whose keys may already be queued behind this
        Enter; the card is saved once every field has handled the keys typed before
        it (a name, ID and phone typed right behind F5 may still be in those fields'
        queues: SihaoScreen.after_typed_keys)."""
        pad = self.query_one("#pad", RatingPad)
        level, tags = pad.level, list(pad.tags)
        pad.clear()
        self.after_typed_keys(lambda: self._save_typed(level, tags))

    def _save_typed(self, level: int | None, tags: list[str]) -> None:
        pad = self.query_one("#pad", RatingPad)
        ahead = (pad.level, list(pad.tags))  # the next card, keyed meanwhile
        pad.level, pad.tags = level, tags
        pad.refresh(layout=True)
        if self.save_card() and ahead[0] is not None:
            pad.set_level(ahead[0])
            pad.tags = [t for t in ahead[1] if t in pad.available()]
            pad.refresh()
        # Refused: the pad shows the card to fix (keys typed ahead of it are dropped).

    def _refused(self, reason: str) -> None:
        self._say(f"✗ {reason}")

    def _pad_changed(self, note: str = "") -> None:
        """Level or tags changed: their problems are settled; say what the key did."""
        self.problems = [p for p in self.problems if p.field not in ("level", "tags")]
        self._say(note)
        self.draft_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "item-code" and self._pick_item():
            return
        self.save_card()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "channel" and event.value is not Select.NULL:
            self.query_one("#pad", RatingPad).set_channel(str(event.value))
        self._settled(event.select.id)
        self.draft_changed()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "real-name":
            self._person_fields(event.value)
        self._settled(event.checkbox.id)
        self.draft_changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._settled(event.input.id)
        self.draft_changed()
        if event.input.id == "item-code":
            self._show_item_name()
        elif event.input.id == "case-no":
            self._fill_from_case()
        elif event.input.id in ("applicant-id", "applicant-phone"):
            self._show_person()

    def _found_case(self) -> Any:
        """This site's application case with the typed number, through the
        ``sihao_find_case`` hook (the intake plugin answers it), or None."""
        number = "".join(self._input("#case-no").split())
        if not number:
            return None
        for _plugin, case in self.runtime.host.call(
            "sihao_find_case", number=number, context=self.runtime
        ):
            return case
        return None

    def _fill_from_case(self) -> None:
        """A known case number fills the item and window left blank, and says so."""
        case = self._found_case()
        if case is None:
            return
        item = self.query_one("#item-code", Input)
        if not item.value.strip():
            item.value = case.item_code
        window = self.query_one("#window", Select)
        if self._select("#window") == "" and case.window_no:
            try:
                window.value = case.window_no
            except Exception:  # a window not offered here (another site's): leave it
                log.info("case %s names window %s, not offered here", case.case_no, case.window_no)
        self._say(
            _("Case {number}: {item}, window {window}.").format(
                number=case.case_no, item=case.item_name, window=case.window_no or "—"
            )
        )

    def _hits(self, text: str) -> list[Any]:
        search = self.runtime.extras.get("catalog.search")
        if search is None or not text:
            return []
        try:
            return list(search.search(text, limit=3))
        except Exception:  # the picker is a help; typing a code still works
            log.exception("item search failed")
            return []

    def _show_item_name(self) -> None:
        code = self._input("#item-code").strip()
        item = Item.get_or_none(Item.code == code) if code else None
        label = self.query_one("#item-name", Static)
        if item is not None or not code:
            label.update(item.name if item is not None else "")
            return
        hits = self._hits(code)
        label.update(
            "  ".join(f"{n}. {hit.name}" for n, hit in enumerate(hits, start=1))
            + (("  " + _("(Enter picks 1)")) if hits else "")
        )

    def _pick_item(self) -> bool:
        """Enter on words in the item field: take the best match, do not save yet."""
        field = self.query_one("#item-code", Input)
        text = field.value.strip()
        if not text or Item.get_or_none(Item.code == text) is not None:
            return False
        hits = self._hits(text)
        if not hits:
            return False
        field.value = hits[0].code
        return True

    def _show_person(self) -> None:
        """The ID and phone as the record will show them: masked, with the check result."""
        parts = []
        raw_id = self._input("#applicant-id").strip()
        if raw_id:
            check = check_resident_id(raw_id)
            parts.append(
                f"{mask_id(check.value)} ✓"
                if check.ok
                else f"{mask_id(check.value)} ✗ {check.error}"
            )
        raw_phone = self._input("#applicant-phone").strip()
        if raw_phone:
            phone = check_mobile(raw_phone)
            parts.append(f"{mask_phone(phone.value)} ✓" if phone.ok else f"✗ {phone.error}")
        self.query_one("#person-masked", Static).update("    ".join(parts))

    # -- actions -------------------------------------------------------------------
    def _cycle(self, selector: str, values: list[str]) -> None:
        select = self.query_one(selector, Select)
        current = "" if select.value is Select.NULL else str(select.value)
        index = values.index(current) if current in values else -1
        select.value = values[(index + 1) % len(values)]

    def action_cycle_target(self) -> None:
        self._cycle("#target", [t.value for t in Target])

    def action_cycle_channel(self) -> None:
        self._cycle("#channel", [c.code for c in self.tagset.channels])

    def action_cycle_kind(self) -> None:
        self._cycle("#kind", [k.value for k in Kind])

    def action_toggle_real_name(self) -> None:
        box = self.query_one("#real-name", Checkbox)
        box.value = not box.value
        # The fields and the focus now, not when the Changed message comes round:
        # the name, ID and phone are often typed right behind F5.
        self._person_fields(box.value)
        if box.value:
            self.set_focus(self.query_one("#applicant-name", Input))

    def action_focus_pad(self) -> None:
        self.set_focus(self.query_one("#pad", RatingPad))

    def action_void_card(self) -> None:
        table = self.query_one("#recent", DataTable)
        if not table.row_count:
            self._say("✗ " + _("No card in the list to void."))
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        rating_id = str(row_key.value)
        if voids.voided([rating_id]):
            self._say("✗ " + _("This rating has already been voided."))
            return
        cells = table.get_row(row_key)
        summary = "  ".join(str(c) for c in cells[:5] if str(c))

        def done(reason: str | None) -> None:
            if reason:
                self._void(rating_id, reason)
            self.set_focus(self.query_one("#pad", RatingPad))

        self.app.push_screen(VoidDialog(summary), done)

    def _void(self, rating_id: str, reason: str) -> None:
        session = self.runtime.session
        try:
            voids.void_rating(
                rating_id,
                reason=reason,
                actor=session.staff_no if session else "",
                role=session.role if session else "",
                site_code=self.site_code,
            )
        except voids.VoidError as exc:
            self._say(f"✗ {exc}")
            return
        except Exception:
            log.exception("voiding a rating failed")
            self._say(
                "✗ "
                + _(
                    "Not saved: the database did not accept it. Try again, or tell IT if it keeps failing."
                )
            )
            return
        self._mark_voided(rating_id, reason)
        said = _("The card was voided: it no longer counts in the statistics.")
        if cases.withdrawn_with(rating_id):
            said += " " + _("The rectification case it opened is withdrawn (已撤销).")
        self._say(said)

    def action_discard_draft(self) -> None:
        """Ctrl+D twice: the card as keyed is thrown away (the sticky fields stay)."""
        if not self._discard_armed:
            self._discard_armed = True
            self._say(_("Press Ctrl+D again to throw this card away."))
            self.set_timer(5.0, self._disarm_discard)
            return
        self._discard_armed = False
        self._next_card()
        self.drop_draft()
        self._show_problems([])
        self._say(_("Draft discarded."))

    def _disarm_discard(self) -> None:
        self._discard_armed = False

    # -- the draft (core.drafts) -----------------------------------------------------
    def draft_fields(self) -> dict[str, Any]:
        pad = self.query_one("#pad", RatingPad)
        return {
            "target": self._select("#target"),
            "channel": self._select("#channel"),
            "window": self._select("#window"),
            "staff": self._select("#staff"),
            "kind": self._select("#kind"),
            "rated_on": self._input("#rated-on"),
            "level": pad.level,
            "tags": list(pad.tags),
            "case_no": self._input("#case-no"),
            "item_code": self._input("#item-code"),
            "comment": self._input("#comment"),
            "real_name": self.query_one("#real-name", Checkbox).value,
            "applicant_name": self._input("#applicant-name"),
            "applicant_id": self._input("#applicant-id"),
            "applicant_phone": self._input("#applicant-phone"),
        }

    def draft_is_blank(self, fields: dict[str, Any]) -> bool:
        """Only the sticky fields set: nothing of a card was keyed yet."""
        keyed = (
            "level",
            "tags",
            "case_no",
            "item_code",
            "comment",
            "real_name",
            "applicant_name",
            "applicant_id",
            "applicant_phone",
        )
        return not any(fields.get(name) for name in keyed)

    def draft_label(self) -> str:
        return _("an unsaved rating card (kept as a draft)")

    def restore_draft(self, fields: dict[str, Any]) -> None:
        def choose(selector: str, value: Any) -> None:
            select: Select[str] = self.query_one(selector, Select)
            if value and str(value) in select._legal_values:  # an option still offered
                select.value = str(value)
            elif not value and select._allow_blank:
                select.clear()

        for selector, name in (
            ("#target", "target"),
            ("#channel", "channel"),
            ("#window", "window"),
            ("#staff", "staff"),
            ("#kind", "kind"),
        ):
            choose(selector, fields.get(name))
        for selector, name in (
            ("#rated-on", "rated_on"),
            ("#case-no", "case_no"),
            ("#item-code", "item_code"),
            ("#comment", "comment"),
            ("#applicant-name", "applicant_name"),
            ("#applicant-id", "applicant_id"),
            ("#applicant-phone", "applicant_phone"),
        ):
            self.query_one(selector, Input).value = str(fields.get(name) or "")
        real_name = bool(fields.get("real_name"))
        self.query_one("#real-name", Checkbox).value = real_name
        self._person_fields(real_name)
        pad = self.query_one("#pad", RatingPad)
        channel = str(fields.get("channel") or pad.channel)
        pad.set_channel(channel)
        level = fields.get("level")
        pad.set_level(level if isinstance(level, int) and 1 <= level <= 5 else None)
        pad.tags = [t for t in fields.get("tags") or [] if t in pad.available()]
        pad.refresh(layout=True)
        self._draft_snapshot = fields

    def _person_fields(self, enabled: bool) -> None:
        for selector in ("#applicant-name", "#applicant-id", "#applicant-phone"):
            self.query_one(selector, Input).disabled = not enabled
