"""Remembers which Slack events were already handled, so a retried event is answered once.

SQLite, so it holds across restarts and across worker threads of one host.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path


class EventLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with sqlite3.connect(self.path) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS handled_events (event_id TEXT PRIMARY KEY, handled_at TEXT NOT NULL)"
            )

    def first_time(self, event_id: str) -> bool:
        """True exactly once per event id."""
        with self._lock, sqlite3.connect(self.path, timeout=10) as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO handled_events VALUES (?, ?)",
                (event_id, datetime.now(timezone.utc).isoformat(timespec="seconds")),
            )
            return cursor.rowcount == 1
