"""Rasa's HTTP API answers a malformed body with a clear 400, never a 500 or a broken tracker.

Rasa 3.6's own handlers read the JSON body without checking it: `/model/parse` without
"text" is a 500, a body that is a list or a string is a 500 on most routes, and some events
are stored although the tracker can then no longer be read back. This guard is a Sanic
request middleware (installed by the REST channel, see `install`) that checks the body of
each route below before Rasa's handler runs, and answers a bad one with Rasa's own error
shape (`{"status": "failure", "reason": "BadRequest", "message": …, "code": 400}`):

    POST /model/parse                              {"text": <string>, …}
    POST /conversations/<id>/messages              {"text": <string>, "sender": "user", "parse_data"?: {…}}
    POST /conversations/<id>/tracker/events        an event or a non-empty list of events
    PUT  /conversations/<id>/tracker/events        a list of events
    POST /conversations/<id>/trigger_intent        {"name": <an intent of the domain>, "entities"?: […] | {…}}
    POST /conversations/<id>/execute               {"name": <an action of the domain>, "policy"?, "confidence"?}
    POST /model/predict                            a list of events
    PUT  /model                                    {"model_file"?: <string>, "model_server"?: {…},
                                                    "remote_storage"?: <string>}

Every body must be UTF-8 JSON, nested at most MAX_DEPTH deep, with finite numbers and no
unpaired surrogates (which the SQLite tracker store could not save). Events are checked
against Rasa's own event schema and then tried on a throwaway tracker: read, applied,
stored and read back as the tracker store does, and serialised as the reply would be; an
event that fails any of it is refused before the real tracker is touched.

Only requests that Rasa would let through are checked: without valid credentials the route
answers 401/403 as before, so the guard tells strangers nothing and parses nothing for them.
The training and test routes (/model/train, /model/test/*) take YAML or files, start long
jobs and are not covered.
"""

from __future__ import annotations

import inspect
import json
import math
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import jsonschema
import rasa
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.utils.schemas.events import ENTITIES_SCHEMA, EVENT_SCHEMA, USER_UTTERED
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse, json_dumps

MAX_DEPTH = 64
MAX_EVENTS = 1000  # per request; more is not a client of this assistant


@dataclass(frozen=True)
class Problem:
    message: str
    status: int = 400


def error_response(problem: Problem) -> HTTPResponse:
    """Rasa's ErrorResponse shape (rasa.server.ErrorResponse), without its ERROR log line."""
    reason = {400: "BadRequest", 404: "NotFound"}.get(problem.status, "BadRequest")
    body = {
        "version": rasa.__version__,
        "status": "failure",
        "message": problem.message,
        "reason": reason,
        "details": {"in": "body"},
        "help": None,
        "code": problem.status,
    }
    return response.json(body, status=problem.status)


# --- the body as a whole ------------------------------------------------------------------


class _Unreadable(Exception):
    pass


def read_body(request: Request) -> Any:
    """The JSON body as Rasa's handler will see it (Sanic's parser), or _Unreadable."""
    if not request.body:
        return None
    try:
        body = request.json
    except Exception as error:  # Sanic's InvalidUsage: not UTF-8, not JSON, nested too deeply
        raise _Unreadable("The body is not valid JSON (UTF-8 text).") from error
    problem = _value_problem(body)
    if problem:
        raise _Unreadable(problem)
    return body


def _value_problem(value: Any) -> Optional[str]:
    """Depth, numbers and strings of a parsed body, without recursion."""
    stack: List[Tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"The body is nested more than {MAX_DEPTH} levels deep."
        if isinstance(item, float) and not math.isfinite(item):
            return "Numbers must be finite (no NaN or Infinity)."
        if isinstance(item, str) and not _is_unicode(item):
            return "Strings must be valid Unicode (an unpaired surrogate such as \\ud800 is not)."
        if isinstance(item, dict):
            for key, inner in item.items():
                if not _is_unicode(key):
                    return "Strings must be valid Unicode (an unpaired surrogate such as \\ud800 is not)."
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
    return None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _optional(body: Dict[str, Any], name: str, kind: str, check: Callable[[Any], bool]) -> Optional[Problem]:
    value = body.get(name)
    return None if value is None or check(value) else Problem(f"'{name}' must be {kind} (or left out).")


# --- events ---------------------------------------------------------------------------------


def _event_schemas() -> Dict[str, Dict[str, Any]]:
    """Rasa's schema for each event type (EVENT_SCHEMA's oneOf, split by the "event" const),
    so a bad event is reported for its own type instead of "not valid under any schema"."""
    base = {k: v for k, v in EVENT_SCHEMA.items() if k != "oneOf"}
    schemas = {}
    for variant in EVENT_SCHEMA["oneOf"]:
        name = variant["properties"]["event"]["const"]
        properties = {**base["properties"], **variant["properties"]}
        required = [*base["required"], *variant.get("required", [])]
        if name == "user":
            # Rasa reads parse_data["intent"] of every user event: it is required in practice.
            properties["parse_data"] = {**properties["parse_data"], "required": ["intent"]}
            required.append("parse_data")
        elif name in ("bot", "agent"):
            # Rasa's schema leaves these open; the channels' renderers read text and data.
            properties["text"] = {"type": ["string", "null"]}
            properties["data"] = {"type": ["object", "null"]}
        schemas[name] = {**base, "properties": properties, "required": required}
    return schemas


EVENT_SCHEMAS = _event_schemas()
PARSE_DATA_SCHEMA = {
    **USER_UTTERED["properties"]["parse_data"],
    "required": ["intent", "entities"],
}
EVENT_EXAMPLE = '{"event": "slot", "name": "topic", "value": "dosing"}'


def _schema_problem(instance: Any, schema: Dict[str, Any], where: str) -> Optional[Problem]:
    error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(instance))
    if error is None:
        return None
    path = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    if error.validator == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return Problem(f"{path} must be of type {' or '.join(kinds)}.")
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        return Problem(f"{path} needs '{missing[0] if missing else '?'}'.")
    if error.validator == "const":
        return Problem(f"{path} must be {json.dumps(error.validator_value)}.")
    return Problem(f"{path} is not valid ({error.validator}).")


def _events_problem(events: List[Any], request: Request, where: str = "events") -> Optional[Problem]:
    if len(events) > MAX_EVENTS:
        return Problem(f"At most {MAX_EVENTS} events a request.")
    for index, event in enumerate(events):
        place = f"{where}[{index}]"
        if not isinstance(event, dict) or not isinstance(event.get("event"), str):
            return Problem(f"{place} must be an event object such as {EVENT_EXAMPLE}.")
        schema = EVENT_SCHEMAS.get(event["event"])
        if schema is None:
            return Problem(f"{place}: {json.dumps(event['event'][:40])} is not a Rasa event type.")
        problem = _schema_problem(event, schema, place)
        if problem:
            return problem
        problem = _names_problem(event, _domain(request), place)
        if problem:
            return problem
    return _trial(events, request, where)


ACTION_EVENTS = ("action", "action_execution_rejected", "followup")
LOOP_EVENTS = ("active_loop", "form")


def _names_problem(event: Dict[str, Any], domain: Any, place: str) -> Optional[Problem]:
    """Slots, actions, loops and intents an event names must be the domain's: Rasa stores
    others, and the conversation then fails at its next prediction (or in the actions)."""
    if domain is None:
        return None
    kind, name = event["event"], event.get("name")
    if kind == "slot":
        return _slot_problem(event, domain, place)
    if kind in ACTION_EVENTS:
        e2e_text = kind == "action" and name is None and isinstance(event.get("action_text"), str)
        if not e2e_text and name not in domain.action_names_or_texts:
            return Problem(f"{place}: 'name' must be an action of this assistant's domain.")
    if kind in LOOP_EVENTS and name is not None and name not in domain.form_names:
        return Problem(f"{place}: 'name' must be a form of this assistant's domain (or null).")
    if kind == "reminder":
        problem = _entities_problem(event.get("entities"), f"{place}.entities")
        if problem or not isinstance(event.get("intent"), str) or not isinstance(event.get("date_time"), str):
            return problem or Problem(f"{place}: a reminder needs 'intent' and 'date_time' (ISO 8601) strings.")
    if kind in ("user", "reminder"):
        intent = event.get("intent") if kind == "reminder" else event["parse_data"].get("intent")
        intent_name = intent.get("name") if isinstance(intent, dict) else intent
        if intent_name is not None and intent_name not in domain.intents:
            return Problem(f"{place}: the intent must be one of this assistant's domain.")
    return None


SLOT_TYPES: Dict[str, Tuple[str, Callable[[Any], bool]]] = {
    "text": ("a string", lambda v: isinstance(v, str)),
    "bool": ("true or false", lambda v: isinstance(v, bool)),
    "float": ("a number", _is_number),
    "list": ("a list", lambda v: isinstance(v, list)),
}


def _slot_problem(event: Dict[str, Any], domain: Any, place: str) -> Optional[Problem]:
    """The slot must exist and the value fit its type: the actions read these values."""
    if domain is None:
        return None
    slot = next((s for s in domain.slots if s.name == event["name"]), None)
    if slot is None:
        return Problem(f"{place}: this assistant has no slot of that name.")
    value = event["value"]
    if value is None:
        return None
    if slot.type_name == "categorical":
        allowed = [str(v) for v in getattr(slot, "values", []) if str(v) != "__other__"]
        if not isinstance(value, str) or value.lower() not in {v.lower() for v in allowed}:
            return Problem(f"{place}: slot '{slot.name}' takes one of {', '.join(allowed)} (or null).")
    elif slot.type_name in SLOT_TYPES:
        kind, fits = SLOT_TYPES[slot.type_name]
        if not fits(value):
            return Problem(f"{place}: slot '{slot.name}' takes {kind} (or null).")
    return None


def _trial(events: List[Dict[str, Any]], request: Request, where: str) -> Optional[Problem]:
    """Read the events, apply them to a throwaway tracker, store and read them back as the
    SQL tracker store does (json.dumps / json.loads), and serialise the state as the reply
    would be. Nothing here touches a stored conversation."""
    domain = _domain(request)
    slots = domain.slots if domain is not None else []
    index = 0
    try:
        read = []
        for index, raw in enumerate(events):
            event = Event.from_parameters(raw)
            if event is None:
                return Problem(f"{where}[{index}] is not an event Rasa can read.")
            read.append(event)
        stored = [json.loads(json.dumps(event.as_dict())) for event in read]
        tracker = DialogueStateTracker.from_dict("api-guard-trial", stored, slots)
        json_dumps(tracker.current_state(EventVerbosity.ALL))
    except Exception as error:
        name = type(error).__name__
        return Problem(f"{where}[{index}] is not an event Rasa can store and read back ({name}).")
    return None


def _domain(request: Request) -> Any:
    agent = getattr(request.app.ctx, "agent", None)
    return agent.domain if agent is not None and agent.is_ready() else None


# --- the routes -----------------------------------------------------------------------------


def check_parse(body: Any, request: Request) -> Optional[Problem]:
    if not isinstance(body, dict):
        return Problem('Send a JSON object such as {"text": "What is IMT?"}.')
    if not isinstance(body.get("text"), str):
        return Problem("'text' is required: the message to parse, as a string.")
    return None


def check_message(body: Any, request: Request) -> Optional[Problem]:
    if not isinstance(body, dict):
        return Problem('Send a JSON object such as {"text": "What is IMT?", "sender": "user"}.')
    if body.get("sender") != "user":
        return Problem("'sender' must be \"user\": only user messages can be added to a conversation.")
    if not isinstance(body.get("text"), str):
        return Problem("'text' is required: the user's message, as a string.")
    parse_data = body.get("parse_data")
    if not parse_data:  # none or {}: Rasa parses the text itself
        return None
    if not isinstance(parse_data, dict):
        return Problem("'parse_data' must be an object with 'intent' and 'entities' (or left out).")
    problem = _schema_problem(parse_data, PARSE_DATA_SCHEMA, "parse_data")
    return problem or _events_problem(
        [{"event": "user", "text": body["text"], "parse_data": parse_data}], request, "message"
    )


def check_appended_events(body: Any, request: Request) -> Optional[Problem]:
    events = [body] if isinstance(body, dict) else body
    if not isinstance(events, list) or not events:
        return Problem(f"Send an event object or a non-empty list of them, e.g. {EVENT_EXAMPLE}.")
    return _events_problem(events, request)


def check_event_list(body: Any, request: Request) -> Optional[Problem]:
    if not isinstance(body, list):
        return Problem(f"Send a list of event objects, e.g. [{EVENT_EXAMPLE}].")
    return _events_problem(body, request)


def check_trigger_intent(body: Any, request: Request) -> Optional[Problem]:
    if not isinstance(body, dict):
        return Problem('Send a JSON object such as {"name": "greet", "entities": {"drug": "crizotinib"}}.')
    name = body.get("name")
    if not isinstance(name, str) or not name:
        return Problem("'name' is required: the name of an intent, as a string.")
    domain = _domain(request)
    if domain is not None and name not in domain.intents:
        return Problem("'name' is not an intent of this assistant's domain.", status=404)
    return _entities_problem(body.get("entities"), "entities")


def _entities_problem(entities: Any, where: str) -> Optional[Problem]:
    """Entities as Rasa's external triggers take them: a list of {"entity", "value"} objects
    or the short form {"entity": value}."""
    if entities is None or isinstance(entities, dict):
        return None
    if not isinstance(entities, list):
        return Problem(f'\'{where}\' must be a list of {{"entity", "value"}} objects or an object of entity: value.')
    return _schema_problem(entities, ENTITIES_SCHEMA, where)


def check_execute(body: Any, request: Request) -> Optional[Problem]:
    if not isinstance(body, dict):
        return Problem('Send a JSON object such as {"name": "action_listen"}.')
    name = body.get("name")
    if not isinstance(name, str) or not name:
        return Problem("'name' is required: the name of an action, as a string.")
    domain = _domain(request)
    if domain is not None and name not in domain.action_names_or_texts:
        return Problem("'name' is not an action of this assistant's domain.", status=404)
    return _optional(body, "policy", "a string", lambda v: isinstance(v, str)) or _optional(
        body, "confidence", "a number", _is_number
    )


def check_load_model(body: Any, request: Request) -> Optional[Problem]:
    if not isinstance(body, dict):
        return Problem('Send a JSON object such as {"model_file": "models/imt.tar.gz"}.')
    return (
        _optional(body, "model_file", "a string", lambda v: isinstance(v, str))
        or _optional(body, "model_server", "an object", lambda v: isinstance(v, dict))
        or _optional(body, "remote_storage", "a string", lambda v: isinstance(v, str))
    )


Check = Callable[[Any, Request], Optional[Problem]]
CONVERSATION = "conversations/<conversation_id:path>"
CHECKS: Dict[Tuple[str, str], Check] = {
    ("POST", "model/parse"): check_parse,
    ("POST", f"{CONVERSATION}/messages"): check_message,
    ("POST", f"{CONVERSATION}/tracker/events"): check_appended_events,
    ("PUT", f"{CONVERSATION}/tracker/events"): check_event_list,
    ("POST", f"{CONVERSATION}/trigger_intent"): check_trigger_intent,
    ("POST", f"{CONVERSATION}/execute"): check_execute,
    ("POST", "model/predict"): check_event_list,
    ("PUT", "model"): check_load_model,
}


# --- authentication first -------------------------------------------------------------------


def route_token(handler: Any) -> Tuple[bool, Optional[str]]:
    """(found, token): the token Rasa's requires_auth(app, token) wrapped this route with.
    Rasa keeps it only in that closure (rasa.server.requires_auth); tests/test_api_guard.py
    checks that it is still there."""
    try:
        nonlocals = inspect.getclosurevars(handler).nonlocals
    except (TypeError, ValueError):
        return False, None
    if "token" not in nonlocals or "f" not in nonlocals:
        return False, None
    token = nonlocals["token"]
    return True, token if isinstance(token, str) else None


async def _maybe_awaited(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def authorized(request: Request) -> bool:
    """Whether Rasa's own check lets this request through: rasa.server.requires_auth's
    logic (the route's token, or a JWT whose role allows this conversation, or no
    credentials configured at all), without the ERROR line Rasa logs when it refuses."""
    found, token = route_token(request.route.handler)
    if not found:  # Rasa changed: check every body rather than none
        return True
    app = request.app
    provided = request.args.get("token")
    if token is not None and isinstance(provided, str) and secrets.compare_digest(provided.encode(), token.encode()):
        return True
    if app.config.get("USE_JWT"):
        if not await _maybe_awaited(app.ctx.auth.is_authenticated(request)):
            return False
        user = (await _maybe_awaited(app.ctx.auth.extract_payload(request))).get("user", {})
        role = user.get("role") if isinstance(user, dict) else None
        conversation = request.match_info.get("conversation_id")
        return role == "admin" or (role == "user" and conversation is not None and user.get("username") == conversation)
    return token is None


async def guard_api_bodies(request: Request) -> Optional[HTTPResponse]:
    route = getattr(request, "route", None)
    check = CHECKS.get((request.method, getattr(route, "path", None) or ""))
    if check is None or not await authorized(request):
        return None
    try:
        body = read_body(request)
    except _Unreadable as error:
        return error_response(Problem(str(error)))
    problem = check(body, request)
    return error_response(problem) if problem else None


def install(app: Any, loop: Any = None) -> None:
    """A `before_server_start` listener: the guard runs for every route of the app (a
    blueprint's own middleware would see only the blueprint's routes)."""
    app.register_middleware(guard_api_bodies, "request")
