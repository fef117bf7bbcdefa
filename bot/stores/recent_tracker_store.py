"""Rasa's SQL tracker store, loading only the recent turns of a conversation per message.

Rasa rebuilds a conversation's whole current session from the database for every message,
sends all of it to the action server and featurizes all of it for the policies, so a
message costs more the longer the conversation (the 200th about five times the 1st). The
assistant needs far less: the policies look a few turns back, and a follow-up completes
the last question. This store loads, per message, the session's start, the conversation's
state at the cut (the latest value of every slot, the active loop, paused or not), and the
last `recent_turns` user turns. Everything is still stored; the full conversation is what
`retrieve_full_tracker` (the HTTP API's tracker, the widget's history) returns.

Configured in endpoints.yml (`type: bot.stores.recent_tracker_store.RecentTrackerStore`,
with `recent_turns`); any other key is SQLTrackerStore's (dialect, db, host, ...).
"""

from __future__ import annotations

import functools
import itertools
import json
from typing import Any, Dict, Iterator, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_RECENT_TURNS = 5
# How many of a loaded tracker's events are already in the database: what `save` skips.
STORED_EVENTS = "_imt_stored_events"
# Events after which earlier state no longer counts.
STATE_RESETS = ("restart", "reset_slots")
# Answers the store's queries from the index alone: a conversation's rows of one type, by id.
RECENT_INDEX = "ix_events_sender_type_name_id"


class RecentTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Optional[Domain] = None, recent_turns: int = DEFAULT_RECENT_TURNS, **kwargs: Any):
        super().__init__(domain, **kwargs)
        if int(recent_turns) < 1:
            raise ValueError(f"recent_turns must be at least 1, not {recent_turns}")
        self.recent_turns = int(recent_turns)
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        if engine.dialect.name == "sqlite":
            self.engine = _tuned_sqlite_engine(engine)
        else:
            self.engine = _pinging_engine(engine)
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        _create_recent_index(self.engine, self.SQLEvent.__table__)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = self._recent_rows(session, sender_id)
            events = [json.loads(row.data) for row in rows]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:  # a tracker this store did not load (whole, from the HTTP API)
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    def _recent_rows(self, session: Any, sender_id: str) -> List[Any]:
        """The rows of the conversation's latest session that make up its recent tracker.

        Plain SQL, each statement a seek in RECENT_INDEX within one conversation, so the cost
        stays flat however long the conversation grows (and no SQL is built per message).
        The session starts at its latest session_started event.
        """
        sql = self._sql
        found: Dict[str, Any] = {"sender": sender_id}
        found["start"] = session.execute(sql["start"], found).scalar() or 0
        found["cut_turn"] = session.execute(sql["cut_turn"], {**found, "skip": self.recent_turns - 1}).scalar()
        if found["cut_turn"] is None:  # no more turns than that: the whole session
            return list(session.execute(sql["session"], found))
        # The cut is the event before that turn (the action_listen the user answered).
        found["cut"] = session.execute(sql["cut"], found).scalar() or found["cut_turn"]
        found["reset"] = session.execute(sql["reset"], found).scalar() or found["start"]
        names = {f"slot_{number}": name for number, name in enumerate(self._slot_names)}
        state = [state_id for (state_id,) in session.execute(sql["state"], {**found, **names}) if state_id is not None]
        return list(session.execute(sql["recent"], {**found, "kept": [found["start"], *state]}))

    @functools.cached_property
    def _slot_names(self) -> List[str]:
        return [slot.name for slot in self.domain.slots] if self.domain else []

    @functools.cached_property
    def _sql(self) -> Dict[str, Any]:
        """The statements, written once: standard SQL that SQLite and PostgreSQL both run."""
        events = self.SQLEvent.__table__.name
        mine = f"FROM {events} WHERE sender_id = :sender"
        latest = f"SELECT max(id) {mine} AND id > :reset AND id < :cut AND "
        # The latest event before the cut of each piece of state: every slot, the active
        # loop, and paused or not.
        state = [f"{latest} type_name = 'slot' AND action_name = :slot_{n}" for n in range(len(self._slot_names))]
        state += [f"{latest} type_name = 'active_loop'", f"{latest} type_name IN ('pause', 'resume')"]
        resets = ", ".join(f"'{name}'" for name in STATE_RESETS)
        statements = {
            "start": f"SELECT max(id) {mine} AND type_name = 'session_started' AND action_name IS NULL",
            "cut_turn": f"SELECT id {mine} AND type_name = 'user' AND action_name IS NULL AND id >= :start "
            "ORDER BY id DESC LIMIT 1 OFFSET :skip",
            "cut": f"SELECT max(id) {mine} AND id >= :start AND id < :cut_turn",
            "reset": f"SELECT max(id) {mine} AND type_name IN ({resets}) AND action_name IS NULL "
            "AND id >= :start AND id < :cut",
            "state": " UNION ALL ".join(state),
            "session": f"SELECT * {mine} AND id >= :start ORDER BY id",
            "recent": f"SELECT * {mine} AND id >= :start AND (id IN :kept OR id >= :cut) ORDER BY id",
        }
        compiled = {name: sa.text(statement) for name, statement in statements.items()}
        compiled["recent"] = compiled["recent"].bindparams(sa.bindparam("kept", expanding=True))
        return compiled


def _recent_index(table: sa.Table) -> sa.Index:
    existing = {index.name: index for index in table.indexes}
    if RECENT_INDEX in existing:
        return existing[RECENT_INDEX]
    columns = table.c
    return sa.Index(RECENT_INDEX, columns.sender_id, columns.type_name, columns.action_name, columns.id)


def _create_recent_index(engine: sa.engine.Engine, table: sa.Table) -> None:
    """Create RECENT_INDEX unless it exists. Servers started together (the production
    profile's) may race to create it: whichever loses finds it made by the other."""
    index = _recent_index(table)
    try:
        index.create(engine, checkfirst=True)
    except (sa.exc.ProgrammingError, sa.exc.IntegrityError, sa.exc.OperationalError):
        if not sa.inspect(engine).has_table(table.name) or RECENT_INDEX not in {
            found["name"] for found in sa.inspect(engine).get_indexes(table.name)
        }:
            raise


def _pinging_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The same database and pool, each connection tested as it leaves the pool
    (pool_pre_ping): after the database server restarted, the pooled connections are dead,
    and without the test the first message served by each of them would fail."""
    engine.dispose()
    return sa.create_engine(engine.url, pool_pre_ping=True, **create_engine_kwargs(engine.url))


def _tuned_sqlite_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The same database with kept connections and a write-ahead log.

    SQLAlchemy opens and closes a SQLite connection per session by default, and closing the
    last connection to a database in WAL mode checkpoints it: milliseconds per message.
    Kept connections (the server's event loop is their one user at a time) avoid both.
    Write-ahead log: a save is one append and no reader waits on a writer; with it,
    synchronous=NORMAL keeps the database consistent through a crash of the process, and
    only the last writes before a power cut can be lost.
    """
    engine.dispose()
    tuned = sa.create_engine(
        engine.url, poolclass=sa.pool.QueuePool, pool_size=2, connect_args={"check_same_thread": False}
    )

    @sa.event.listens_for(tuned, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return tuned
