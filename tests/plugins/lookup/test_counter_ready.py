"""The lookup screens at the counter: burst input from a reader, small terminals."""

from __future__ import annotations

import random

from textual import events
from textual.widgets import Input

from core.runtime import Runtime
from tests.workstation.helpers import sign_in
from workstation.app import SihaoApp


def _burst(app: SihaoApp, keys: list[str]) -> None:
    """Keys queued all at once, as a barcode or ID-card reader delivers them (Pilot's
    press waits for each key to be handled, which hides lost keys)."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def _typed(keys: list[str]) -> str:
    """What a box holds after ``keys``, by the plain rules of a line editor."""
    text, cursor = "", 0
    for key in keys:
        if key == "backspace":
            text, cursor = text[: max(cursor - 1, 0)] + text[cursor:], max(cursor - 1, 0)
        elif key == "left":
            cursor = max(cursor - 1, 0)
        elif key == "right":
            cursor = min(cursor + 1, len(text))
        elif key == "home":
            cursor = 0
        elif key == "end":
            cursor = len(text)
        else:
            text, cursor = text[:cursor] + key + text[cursor:], cursor + 1
    return text


async def _settle(pilot: object, rounds: int = 20) -> None:
    for _ in range(rounds):
        await pilot.pause()  # type: ignore[attr-defined]


async def test_no_key_is_lost_in_a_burst(lookup_runtime: Runtime) -> None:
    app = SihaoApp(lookup_runtime, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1001")
        app.open_screen("lookup.search")
        await pilot.pause()
        query = app.screen.query_one("#lookup-query", Input)
        # The case from the counter: a correction, then the next word, at reader speed.
        for keys in (
            [*"开饭店", "backspace", "backspace", "backspace", *"kfd"],
            ["backspace", *"开饭店"],
        ):
            query.value = ""
            await pilot.pause()
            _burst(app, keys)
            await _settle(pilot)
            assert query.value == _typed(keys)
        # 200 keys: hanzi, letters, digits, corrections and cursor moves, all queued.
        rng = random.Random(20261207)
        alphabet = [*"开饭店营业执照食品许可", *"kfdyyzz0123", "backspace", "left", "right"]
        keys = [rng.choice(alphabet) for _ in range(196)] + ["home", *"开", "end"]
        query.value = ""
        await pilot.pause()
        _burst(app, keys)
        await _settle(pilot, 60)
        assert query.value == _typed(keys)
