"""The Rasa server as this project runs it: `rasa run` with two speed fixes to Rasa 3.6.

`python -m bot.rasa_server run ...` takes exactly the arguments of `rasa run` (the launcher,
bot/tools/serve.py, starts it so). The fixes change how fast Rasa does a thing, never what
it does:

- Rasa checks every action server response with `jsonschema.validate`, which first
  re-checks the whole events schema against the JSON Schema metaschema: about half the time
  of an answer on this machine. Here the schema is checked once and its validator reused;
  responses are validated against the same schema, with the same error.
- Rasa looks up an event's class by walking every subclass of Event, for every event of
  every tracker it loads (a conversation of 200 messages has about 1,500). Here the classes
  are indexed by type name once; an unknown name still goes to Rasa's own lookup.

It also installs one change of behaviour, bot/stores/fail_closed.py: a tracker store error
fails the message instead of answering it from a blank conversation and keeping the turn in
memory only.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Dict, Optional, Type

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from bot.stores import fail_closed


@functools.lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, where jsonschema.validate does it on every call
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    # As jsonschema.validate reports it: the most relevant of the errors.
    error = best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_rasa_resolve_by_type = Event.resolve_by_type


@functools.lru_cache(maxsize=1)
def _event_classes() -> Dict[str, Type[Event]]:
    classes: Dict[str, Type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)  # the first, as Rasa's own lookup returns
    return classes


def _resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    found = _event_classes().get(type_name)
    return found if found is not None else _rasa_resolve_by_type(type_name, default)


def apply() -> None:
    """Install the fixes in this process (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]


def main() -> None:
    apply()
    fail_closed.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
