"""The lookup box: every key acts in the order it was typed, at any rate.

A barcode or ID-card reader types a whole code in one burst, and a fast clerk
corrects with Backspace before the screen has caught up. Textual hands a key to
the focused Input, which inserts printable characters at once but leaves its own
bindings (Backspace, Delete, arrows, Home, End, Enter) to the App, which acts on
them only when the key has bubbled back up: by then the keys typed after it have
been inserted. "xy", Backspace twice, "kfd" came out as "xyk", and 开饭店 typed
after a Backspace lost characters the same way. Here the box runs its own
bindings when the key reaches it, in the queue order every other key keeps.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class QueryInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                event.stop()
                event.prevent_default()
                self._restart_blink()
                await self.run_action(binding.action)
                return
        await super()._on_key(event)
