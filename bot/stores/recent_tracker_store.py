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

import itertools
import json
from typing import Any, Iterator, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_RECENT_TURNS = 8
# How many of a loaded tracker's events are already in the database: what `save` skips.
STORED_EVENTS = "_imt_stored_events"
# Events whose latest occurrence before the cut is the conversation's state there.
STATE_EVENTS = ("slot", "active_loop", "pause", "resume")
# Events after which earlier state no longer counts.
STATE_RESETS = ("restart", "reset_slots")
SESSION_START_EVENTS = ("session_started",)
SESSION_START_ACTION = "action_session_start"


class RecentTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Optional[Domain] = None, recent_turns: int = DEFAULT_RECENT_TURNS, **kwargs: Any):
        super().__init__(domain, **kwargs)
        if int(recent_turns) < 1:
            raise ValueError(f"recent_turns must be at least 1, not {recent_turns}")
        self.recent_turns = int(recent_turns)
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        if engine.dialect.name == "sqlite":
            self.engine = _tuned_sqlite_engine(engine)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)

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
        """The session's rows that make up the recent tracker, in stored order."""
        event = self.SQLEvent
        current_session = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        cut_turn = (
            current_session.filter(event.type_name == "user")
            .order_by(None)
            .order_by(event.id.desc())
            .offset(self.recent_turns - 1)
            .limit(1)
            .with_entities(event.id)
            .scalar()
        )
        if cut_turn is None:  # no more turns than that: the whole session
            return list(current_session.all())
        # Start at the event before that turn (the action_listen the user answered).
        cut = (
            current_session.filter(event.id < cut_turn).order_by(None).with_entities(sa.func.max(event.id)).scalar()
            or cut_turn
        )
        before = current_session.filter(event.id < cut)
        reset = (
            before.filter(event.type_name.in_(STATE_RESETS))
            .order_by(None)
            .with_entities(sa.func.max(event.id))
            .scalar()
            or 0
        )
        latest_state = [
            latest_id
            for (latest_id,) in before.filter(event.type_name.in_(STATE_EVENTS), event.id > reset)
            .order_by(None)
            .with_entities(sa.func.max(event.id))
            # pause and resume are one state; every slot is its own
            .group_by(
                sa.case((event.type_name.in_(("pause", "resume")), "paused"), else_=event.type_name),
                sa.case((event.type_name == "slot", event.action_name), else_=""),
            )
        ]
        head = before.filter(
            sa.or_(
                event.type_name.in_(SESSION_START_EVENTS),
                sa.and_(event.type_name == "action", event.action_name == SESSION_START_ACTION),
            )
        )
        state = before.filter(event.id.in_(latest_state))
        recent = current_session.filter(event.id >= cut)
        return sorted({row.id: row for row in itertools.chain(head, state, recent)}.values(), key=lambda row: row.id)


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
