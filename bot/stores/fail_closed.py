"""A tracker store that fails is a failed message, not a blank conversation.

Rasa wraps the configured tracker store in its FailSafeTrackerStore, which on any error
logs it and carries on: a failed read returns no tracker (the message is answered as the
first of a new conversation, its context gone) and a failed save goes to an in-memory
store in that one process (the turn is lost when the process ends, and no other server
ever sees it). With PostgreSQL restarting in the production profile, users got normal
answers from blank conversations and their turns were never stored (tests/test_scaleout_faults.py).
Here the wrapper logs the error and raises it: the message fails, the channel answers with
its server-trouble reply (bot/channels/rest.py) and nothing half-done is stored, so the
client may safely send it again (bot/tools/safe_retry.py). Installed by bot/rasa_server.py.
"""

from __future__ import annotations

import logging

from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)


def _raise(self: FailSafeTrackerStore, error: Exception) -> None:
    logger.error("tracker store %s failed: %s", type(self._tracker_store).__name__, type(error).__name__)
    raise error


def apply() -> None:
    """Make FailSafeTrackerStore's error handlers raise (idempotent)."""
    FailSafeTrackerStore.on_tracker_store_error = _raise  # type: ignore[method-assign]
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _raise  # type: ignore[method-assign]
