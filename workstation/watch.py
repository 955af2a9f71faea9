"""Live reload: watchdog watches the config and themes directories.

watchdog calls back on its own thread; the callback only hands the path to the app
with ``App.call_from_thread`` and the app debounces (an editor's save is often
several events: write, rename, chmod).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger(__name__)


class _Handler(FileSystemEventHandler):
    def __init__(self, on_change: Callable[[Path], None]) -> None:
        self._on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                path = Path(raw if isinstance(raw, str) else raw.decode())
                if not path.name.endswith(".tmp"):
                    self._on_change(path)


class DirectoryWatcher:
    """Calls ``on_change(path)`` (on watchdog's thread) for files changed in ``directories``."""

    def __init__(self, directories: list[Path], on_change: Callable[[Path], None]) -> None:
        self._observer = Observer()
        self._observer.daemon = True
        handler = _Handler(on_change)
        for directory in directories:
            directory.mkdir(parents=True, exist_ok=True)
            self._observer.schedule(handler, str(directory), recursive=False)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=2)
