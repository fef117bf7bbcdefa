"""The Rasa server's speed fixes (bot/rasa_server.py) change how fast, never what: the same
validation verdicts and errors as Rasa's own code, the same event classes."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot import rasa_server

VALID = {"events": [{"event": "slot", "name": "drug", "value": "crizotinib"}], "responses": [{"text": "hi"}]}
INVALID = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": [{"event": "slot", "timestamp": "yesterday"}]},
]


@pytest.fixture(scope="module", autouse=True)
def fixes():
    original = (RemoteAction._validate_action_result, Event.resolve_by_type)
    rasa_server.apply()
    yield
    RemoteAction._validate_action_result = original[0]
    Event.resolve_by_type = staticmethod(original[1])


def test_a_valid_action_server_reply_passes():
    assert RemoteAction("action_answer", None)._validate_action_result(VALID)


@pytest.mark.parametrize("reply", INVALID)
def test_an_invalid_reply_fails_with_the_error_rasa_gives(reply):
    with pytest.raises(jsonschema.ValidationError) as ours:
        RemoteAction("action_answer", None)._validate_action_result(reply)
    with pytest.raises(jsonschema.ValidationError) as rasas:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(rasas.value.message)
    assert "Failed to validate Action server response" in ours.value.message
    assert list(ours.value.path) == list(rasas.value.path)


def test_event_classes_are_found_as_rasa_finds_them():
    # Compared with Rasa's own lookup, not with each class: subclasses can share a type name
    # (rasa.core.test's EndToEndUserUtterance is also "user", and Rasa returns UserUttered),
    # and which exist depends on what other tests imported first.
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasa_server._rasa_resolve_by_type(cls.type_name)
    assert Event.resolve_by_type("user") is UserUttered and Event.resolve_by_type("slot") is SlotSet


def test_an_unknown_event_name_is_still_refused_or_defaulted():
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None  # Rasa's backwards compatibility
