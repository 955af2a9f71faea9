"""The level-and-tags pad: one key for the level, one letter per tag, Enter to save.

Focused on every new card, so a paper card with no case number is three or four
keys: the level digit, a tag letter or two, Enter. Letters follow the order of the
tag set for the card's channel and level (a, b, c…), shown beside each tag.

A clerk with a stack of cards types ahead of the screen: the next card's keys are
often queued here before the screen has handled the Enter of this one. So the
owner's callbacks (save, refused, changed) are called at once, in key order, not
posted as messages, which would be handled after the queued keys had already
changed the pad (three cards typed in one go used to save one, with the last
card's tags).
"""

from __future__ import annotations

import string
from collections.abc import Callable

from rich.cells import cell_len
from rich.text import Text
from textual.message import Message
from textual.widget import Widget

from core.i18n import _
from plugins.feedback.ratings import LEVEL_NAMES
from plugins.feedback.reference import TagSet

TAG_KEYS = string.ascii_lowercase


class RatingPad(Widget, can_focus=True):
    """Holds the level and the ticked tags of the card being keyed."""

    class Save(Message):
        """Enter on the pad: save the card."""

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class Changed(Message):
        """Level or tags changed (clears the error line)."""

    def __init__(
        self,
        tagset: TagSet,
        channel: str,
        *,
        on_save: Callable[[], object] | None = None,
        on_refused: Callable[[str], object] | None = None,
        on_changed: Callable[[str], object] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tagset = tagset
        self.channel = channel
        self.level: int | None = None
        self.tags: list[str] = []
        self._on_save = on_save
        self._on_refused = on_refused
        self._on_changed = on_changed

    def _saved(self) -> None:
        if self._on_save is not None:
            self._on_save()
        else:
            self.post_message(self.Save())

    def _refused(self, reason: str) -> None:
        if self._on_refused is not None:
            self._on_refused(reason)
        else:
            self.post_message(self.Refused(reason))

    def _changed(self, note: str = "") -> None:
        """``note`` says what the key did (a tag ticked or unticked): never silent."""
        if self._on_changed is not None:
            self._on_changed(note)
        else:
            self.post_message(self.Changed())

    # -- state ---------------------------------------------------------------------
    def available(self) -> tuple[str, ...]:
        if self.level is None:
            return ()
        return self.tagset.tags_for(self.channel, self.level)

    def set_channel(self, channel: str) -> None:
        self.channel = channel
        self.tags = [t for t in self.tags if t in self.available()]
        self.refresh(layout=True)

    def set_level(self, level: int | None) -> None:
        self.level = level
        self.tags = [t for t in self.tags if t in self.available()]
        self.refresh(layout=True)

    def toggle(self, tag: str) -> None:
        if tag in self.tags:
            self.tags.remove(tag)
        else:
            self.tags.append(tag)
        self.refresh()

    def clear(self) -> None:
        self.level = None
        self.tags = []
        self.refresh(layout=True)

    # -- keys ----------------------------------------------------------------------
    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        character = getattr(event, "character", None) or ""
        handled = True
        if key == "enter":
            self._saved()
        elif character in "12345" and character:
            self.set_level(int(character))
            self._changed()
        elif character.isdigit():
            self._refused(
                _("Level {key} does not exist: press 1 to 5 (5 is very satisfied).").format(
                    key=character
                )
            )
        elif character and character in TAG_KEYS:
            tags = self.available()
            index = TAG_KEYS.index(character)
            if self.level is None:
                self._refused(_("Press the level (1 to 5) before the tags."))
            elif index >= len(tags):
                self._refused(
                    _("No tag has the key {key} for this level and channel.").format(key=character)
                )
            else:
                tag = tags[index]
                self.toggle(tag)
                mark = "☑" if tag in self.tags else "☐"
                self._changed(
                    _("Tag [{key}] {mark} {tag}").format(key=character, mark=mark, tag=tag)
                )
        elif key == "backspace":
            if self.tags:
                tag = self.tags.pop()
                self.refresh()
                self._changed(_("Tag {mark} {tag}").format(mark="☐", tag=tag))
        elif character.isalpha() or (character.isprintable() and character not in " "):
            # Any other letter (a capital, a Chinese character typed here by mistake)
            # is refused aloud rather than ignored: the clerk meant to type it somewhere.
            self._refused(
                _(
                    "The level-and-tags box takes 1–5 and the tag letters shown; F6 leaves it, Tab moves to the fields."
                )
            )
        else:
            handled = False
        if handled:
            event.stop()  # type: ignore[attr-defined]
            event.prevent_default()  # type: ignore[attr-defined]

    # -- drawing -------------------------------------------------------------------
    def render(self) -> Text:
        return self._text(self.content_size.width)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self._text(width).split())  # one line per wrapped row of tags

    def _text(self, width: int) -> Text:
        text = Text()
        text.append(_("Rating level") + "  ", style="bold")
        for level in (5, 4, 3, 2, 1):
            style = "reverse bold" if self.level == level else ""
            if level <= 2 and self.level == level:
                style += " red"
            text.append(f" {level} {LEVEL_NAMES[level]} ", style=style)
            text.append(" ")
        head = _("Tags") + "  "
        text.append("\n" + head, style="bold")
        tags = self.available()
        if not tags:
            text.append(_("(press a level first)"), style="dim")
        # Each tag whole on a line: at 80 columns the fifth tag goes to the next line
        # instead of being cut off (its key, [e], was not visible).
        width = max(width, 20)
        used = cell_len(head)
        for index, tag in enumerate(tags):
            ticked = tag in self.tags
            cell = f"[{TAG_KEYS[index]}]{'☑' if ticked else '☐'}{tag}  "
            if used + cell_len(cell.rstrip()) > width and used > cell_len(head):
                text.append("\n" + " " * cell_len(head))
                used = cell_len(head)
            text.append(f"[{TAG_KEYS[index]}]", style="bold")
            text.append(cell[3:], style="reverse" if ticked else "")
            used += cell_len(cell)
        return text
