"""The SQL database several servers share (IMT_SHARED_DB_URL: the production profile's
PostgreSQL) for the stores that are SQLite files on one server: the Slack event log and
the answer feedback. One engine per URL and process, each connection tested as it leaves
the pool, so a database restart costs no request."""

from __future__ import annotations

import functools

import sqlalchemy as sa


@functools.lru_cache(maxsize=None)
def shared_engine(url: str) -> sa.engine.Engine:
    return sa.create_engine(url, pool_pre_ping=True, future=True)


def create_tables(engine: sa.engine.Engine, metadata: sa.MetaData) -> None:
    """Create the tables unless they exist; servers starting together may race to create
    them, and the one that loses finds them made."""
    try:
        metadata.create_all(engine, checkfirst=True)
    except (sa.exc.ProgrammingError, sa.exc.IntegrityError):
        missing = [table.name for table in metadata.sorted_tables if not sa.inspect(engine).has_table(table.name)]
        if missing:
            raise
