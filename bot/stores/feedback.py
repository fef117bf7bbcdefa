"""Answer feedback (👍/👎) from Slack and the web widget, stored in SQLite, or with
IMT_SHARED_DB_URL in a table of the shared database (the production profile's PostgreSQL),
so every server records into, and exports from, the same place.

python -m bot.stores.feedback export [--db var/feedback.db] [--out feedback.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Dict, Iterable, List, Optional, Union

import sqlalchemy as sa

from bot.stores.shared_sql import create_tables, shared_engine
from knowledge.settings import Settings, get_settings

VOTES = ("up", "down")
COLUMNS = ("id", "created_at", "channel", "conversation_id", "topic", "vote", "claim_ids", "citations")


def feedback_row(
    *,
    channel: str,
    conversation_id: str,
    vote: str,
    topic: Optional[str],
    claim_ids: Iterable[str],
    citations: Iterable[str],
) -> Dict[str, Any]:
    """One vote as stored, whichever the store (COLUMNS but the id)."""
    if vote not in VOTES:
        raise ValueError(f"vote must be one of {VOTES}")
    return {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "channel": channel,
        "conversation_id": conversation_id,
        "topic": topic,
        "vote": vote,
        "claim_ids": json.dumps(list(claim_ids)),
        "citations": json.dumps(list(citations)),
    }


def default_path() -> Path:
    return get_settings().feedback_db


class FeedbackStore:
    """One table of votes; safe to share between threads of one process."""

    def __init__(self, path: Optional[Path] = None) -> None:
        self.path = Path(path or default_path())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("""CREATE TABLE IF NOT EXISTS feedback (
                id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, channel TEXT NOT NULL,
                conversation_id TEXT NOT NULL, topic TEXT, vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
                claim_ids TEXT NOT NULL, citations TEXT NOT NULL)""")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, **vote: Any) -> None:
        row = feedback_row(**vote)
        with self._lock, self._connect() as db:
            db.execute(f"INSERT INTO feedback ({', '.join(row)}) VALUES ({', '.join(':' + name for name in row)})", row)

    def rows(self) -> List[tuple]:
        with self._connect() as db:
            return db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id").fetchall()

    def export_csv(self, out: IO[str]) -> int:
        return _write_csv(self.rows(), out)


def _write_csv(rows: List[tuple], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return len(rows)


_METADATA = sa.MetaData()
_FEEDBACK = sa.Table(
    "answer_feedback",
    _METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("conversation_id", sa.Text, nullable=False),
    sa.Column("topic", sa.Text),
    sa.Column("vote", sa.String(4), sa.CheckConstraint("vote IN ('up', 'down')"), nullable=False),
    sa.Column("claim_ids", sa.Text, nullable=False),
    sa.Column("citations", sa.Text, nullable=False),
)


class SqlFeedbackStore:
    """The same table in a shared SQL database."""

    def __init__(self, url: str) -> None:
        self.engine = shared_engine(url)
        create_tables(self.engine, _METADATA)

    def record(self, **vote: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(_FEEDBACK.insert().values(**feedback_row(**vote)))

    def rows(self) -> List[tuple]:
        columns = [_FEEDBACK.c[name] for name in COLUMNS]
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.select(*columns).order_by(_FEEDBACK.c.id))]

    def export_csv(self, out: IO[str]) -> int:
        return _write_csv(self.rows(), out)


def open_feedback_store(
    settings: Optional[Settings] = None, path: Optional[Path] = None
) -> Union[FeedbackStore, SqlFeedbackStore]:
    """The shared database's table when IMT_SHARED_DB_URL is set, else the SQLite file."""
    settings = settings or get_settings()
    if settings.shared_db_url:
        return SqlFeedbackStore(settings.shared_db_url.get_secret_value())
    return FeedbackStore(path)


def main() -> int:
    parser = argparse.ArgumentParser(description="Export stored answer feedback as CSV.")
    parser.add_argument("command", choices=["export"])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--out", type=Path, help="CSV file (default: stdout)")
    args = parser.parse_args()
    store = FeedbackStore(args.db) if args.db else open_feedback_store()
    if args.out:
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            count = store.export_csv(handle)
        print(f"wrote {count} feedback rows to {args.out}", file=sys.stderr)
    else:
        store.export_csv(sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
