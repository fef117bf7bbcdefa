"""Remembers which Slack events were already handled, so a retried event is answered once.

SQLite by default, so it holds across restarts and across worker threads of one host; with
IMT_SHARED_DB_URL, a table of the shared database (the production profile's PostgreSQL),
so a retry that reaches another instance of the app is recognized too. Either way the
event id is the table's key: of two deliveries inserting it at once, exactly one succeeds.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Union

import sqlalchemy as sa

from bot.stores.shared_sql import create_tables, shared_engine
from knowledge.settings import Settings


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
            cursor = db.execute("INSERT OR IGNORE INTO handled_events VALUES (?, ?)", (event_id, _now()))
            return cursor.rowcount == 1


_METADATA = sa.MetaData()
_HANDLED = sa.Table(
    "slack_handled_events",
    _METADATA,
    sa.Column("event_id", sa.String(255), primary_key=True),
    sa.Column("handled_at", sa.String(32), nullable=False),
)


class SqlEventLog:
    """The same log in a shared SQL database."""

    def __init__(self, url: str) -> None:
        self.engine = shared_engine(url)
        create_tables(self.engine, _METADATA)

    def first_time(self, event_id: str) -> bool:
        """True exactly once per event id, whichever instance asks."""
        try:
            with self.engine.begin() as connection:
                connection.execute(_HANDLED.insert().values(event_id=event_id, handled_at=_now()))
        except sa.exc.IntegrityError:
            return False
        return True


def open_event_log(settings: Settings, path: Optional[Path] = None) -> Union[EventLog, SqlEventLog]:
    """The shared database's log when IMT_SHARED_DB_URL is set, else the SQLite file."""
    if settings.shared_db_url:
        return SqlEventLog(settings.shared_db_url.get_secret_value())
    return EventLog(path or settings.slack_db)
