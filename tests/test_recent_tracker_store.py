"""The tracker store that loads only recent turns: nothing lost, nothing stored twice, and
the conversation's state (slots) the same as Rasa's whole tracker gives. Every test runs on
SQLite (the embedded default) and again on PostgreSQL (the production profile's, marked
`scaleout`: it starts the profile's PostgreSQL)."""

import asyncio
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, BotUttered, SlotSet, UserUttered

from bot.stores.recent_tracker_store import RecentTrackerStore

ROOT = Path(__file__).resolve().parents[1]
TURNS = 8


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.scaleout)])
def store_factory(request, domain, tmp_path):
    """Makes stores on one database of its own: SQLite in tmp_path, or a new PostgreSQL
    database on the profile's server, dropped afterwards."""
    if request.param == "sqlite":
        options = {"dialect": "sqlite", "db": str(tmp_path / "trackers.db")}
    else:
        services = request.getfixturevalue("prod_services")
        options = {**services.tracker_store_options(), "db": f"test_{uuid.uuid4().hex[:12]}", "login_db": "postgres"}
    made = []

    def make(**overrides):
        made.append(RecentTrackerStore(domain, recent_turns=TURNS, **{**options, **overrides}))
        return made[-1]

    yield make
    for each in made:
        each.engine.dispose()
    if request.param == "postgresql":
        services.drop_database(options["db"])


@pytest.fixture
def store(store_factory):
    return store_factory()


def converse(store, sender, turns, start=0, slots_on=lambda i: {}, extra_on=lambda i: []):
    """Send `turns` messages the way Rasa's processor does: load, add the turn's events, save."""

    async def run():
        for i in range(start, start + turns):
            tracker = await store.get_or_create_tracker(sender)
            tracker.update(UserUttered(f"message {i}", {"name": "ask_dosing", "confidence": 1.0}))
            for event in extra_on(i):
                tracker.update(event)
            for name, value in slots_on(i).items():
                tracker.update(SlotSet(name, value))
            tracker.update(ActionExecuted("action_answer"))
            tracker.update(BotUttered(f"answer {i}"))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)

    asyncio.run(run())


def user_texts(tracker):
    return [event.text for event in tracker.events if isinstance(event, UserUttered)]


def test_a_long_conversation_loads_its_recent_turns_with_the_state_of_the_whole(store):
    slots = {3: {"drug": "crizotinib", "topic": "dosing"}, 20: {"population": "pediatric"}, 27: {"topic": "prognosis"}}
    converse(store, "long", 30, slots_on=lambda i: slots.get(i, {}))
    full = asyncio.run(store.retrieve_full_tracker("long"))
    recent = asyncio.run(store.retrieve("long"))
    assert user_texts(full) == [f"message {i}" for i in range(30)]  # every message, once, in order
    assert user_texts(recent) == [f"message {i}" for i in range(30 - TURNS, 30)]
    assert recent.current_slot_values() == full.current_slot_values()
    assert recent.current_slot_values()["drug"] == "crizotinib"  # set 27 turns ago
    assert recent.latest_message.text == full.latest_message.text
    assert len(recent.events) < len(full.events) / 2


def test_each_save_stores_only_the_new_events(store):
    converse(store, "count", 25)
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.text("select type_name, count(*) from events where sender_id = 'count' group by type_name")
        )
        counts = dict(rows.fetchall())
    # per turn: user, action_answer, bot, action_listen; plus the opening action_listen
    assert counts["user"] == 25 and counts["bot"] == 25 and counts["action"] == 51


def test_a_conversation_shorter_than_the_window_loads_whole(store):
    converse(store, "short", TURNS - 2, slots_on=lambda i: {"drug": "crizotinib"} if i == 0 else {})
    full = asyncio.run(store.retrieve_full_tracker("short"))
    recent = asyncio.run(store.retrieve("short"))
    assert [e.as_dict() for e in recent.events] == [e.as_dict() for e in full.events]


def test_slots_reset_before_the_cut_stay_reset(store):
    converse(
        store,
        "reset",
        20,
        slots_on=lambda i: {"drug": "crizotinib"} if i == 1 else ({"topic": "dosing"} if i == 5 else {}),
        extra_on=lambda i: [AllSlotsReset()] if i == 4 else [],
    )
    recent = asyncio.run(store.retrieve("reset"))
    full = asyncio.run(store.retrieve_full_tracker("reset"))
    assert recent.current_slot_values()["drug"] is None and recent.current_slot_values()["topic"] == "dosing"
    assert recent.current_slot_values() == full.current_slot_values()


def test_conversations_resume_after_a_restart_of_the_server(store, store_factory):
    converse(store, "resume", 12, slots_on=lambda i: {"drug": "crizotinib"} if i == 0 else {})
    again = store_factory()
    converse(again, "resume", 3, start=12)
    full = asyncio.run(again.retrieve_full_tracker("resume"))
    assert user_texts(full) == [f"message {i}" for i in range(15)]
    assert asyncio.run(again.retrieve("resume")).get_slot("drug") == "crizotinib"


def test_a_tracker_it_did_not_load_is_saved_as_rasa_saves_it(store):
    converse(store, "whole", 10)
    full = asyncio.run(store.retrieve_full_tracker("whole"))  # whole: no note of what is stored
    full.update(UserUttered("one more", {"name": "ask_dosing", "confidence": 1.0}))
    asyncio.run(store.save(full))
    assert user_texts(asyncio.run(store.retrieve_full_tracker("whole")))[-2:] == ["message 9", "one more"]
    assert len(user_texts(asyncio.run(store.retrieve_full_tracker("whole")))) == 11


def test_the_database_uses_a_write_ahead_log(domain, tmp_path):
    store = RecentTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "trackers.db"))
    converse(store, "wal", 1)
    mode = sqlite3.connect(store.engine.url.database).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_window_of_no_turns_is_refused(domain, tmp_path):
    with pytest.raises(ValueError, match="recent_turns"):
        RecentTrackerStore(domain, recent_turns=0, dialect="sqlite", db=str(tmp_path / "t.db"))
