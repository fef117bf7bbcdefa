"""The guard in front of Rasa's HTTP API (bot/channels/api_guard.py), without a server: which
routes it covers, how it finds Rasa's credentials, and what it says about a bad body.
The same guard against the running stack, driven by hypothesis, is in test_bad_input.py."""

import asyncio
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.channels import api_guard
from bot.channels.api_guard import CHECKS, authorized, route_token

ROOT = Path(__file__).resolve().parents[1]
# Rasa's routes that take a body the guard does not read: training and tests take YAML or
# files and start long jobs; predict takes none.
NOT_GUARDED = {
    ("POST", "model/train"),
    ("POST", "model/test/stories"),
    ("POST", "model/test/intents"),
    ("POST", "conversations/<conversation_id:path>/predict"),
}


@pytest.fixture(scope="module")
def rasa_routes():
    import rasa.server
    from sanic import Sanic

    def routes(**auth):
        app = rasa.server.create_app(cors_origins=[], **auth)
        return {(method, route.path): route for route in app.router.routes for method in route.methods}

    test_mode, Sanic.test_mode = Sanic.test_mode, True  # several apps of the same name
    try:
        yield routes
    finally:
        Sanic.test_mode = test_mode


def test_every_rasa_route_that_takes_a_body_is_guarded_or_named_here(rasa_routes):
    with_body = {key for key in rasa_routes(auth_token="t") if key[0] in ("POST", "PUT")}
    assert set(CHECKS) <= with_body, "a guarded path that Rasa does not serve: the guard would never run"
    assert with_body - set(CHECKS) == NOT_GUARDED


def test_the_guard_finds_the_token_rasa_checks(rasa_routes):
    routes = rasa_routes(auth_token="t-1")
    assert {route_token(routes[key].handler) for key in CHECKS} == {(True, "t-1")}
    open_routes = rasa_routes()
    assert route_token(open_routes[("POST", "model/parse")].handler) == (True, None)


def _request(handler, args=None, use_jwt=False, agent=None, conversation=None):
    match_info = {"conversation_id": conversation} if conversation else {}
    app = SimpleNamespace(config={"USE_JWT": True} if use_jwt else {}, ctx=SimpleNamespace(agent=agent))
    return SimpleNamespace(route=SimpleNamespace(handler=handler), app=app, args=args or {}, match_info=match_info)


def test_only_requests_rasa_would_let_in_are_checked(rasa_routes):
    parse = rasa_routes(auth_token="t-1")[("POST", "model/parse")].handler
    assert asyncio.run(authorized(_request(parse, {"token": "t-1"})))
    assert not asyncio.run(authorized(_request(parse, {"token": "guess"})))
    assert not asyncio.run(authorized(_request(parse, {"token": "ťoken"})))
    assert not asyncio.run(authorized(_request(parse)))
    open_parse = rasa_routes()[("POST", "model/parse")].handler
    assert asyncio.run(authorized(_request(open_parse)))  # no credentials configured: Rasa lets all in


class _Auth:
    def __init__(self, user):
        self.user = user

    async def is_authenticated(self, request):
        return self.user is not None

    async def extract_payload(self, request):
        return {"user": self.user}


def test_a_jwt_is_checked_with_its_role_as_rasa_does(rasa_routes):
    messages = rasa_routes(auth_token="t-1")[("POST", "conversations/<conversation_id:path>/messages")].handler

    def allowed(user, conversation="c1"):
        request = _request(messages, use_jwt=True, conversation=conversation)
        request.app.ctx.auth = _Auth(user)
        return asyncio.run(authorized(request))

    assert allowed({"username": "x", "role": "admin"})
    assert allowed({"username": "c1", "role": "user"})
    assert not allowed({"username": "c2", "role": "user"})
    assert not allowed(None)


class _Agent:
    def __init__(self, domain):
        self.domain = domain

    def is_ready(self):
        return True


@pytest.fixture(scope="module")
def request_with_domain():
    from rasa.shared.core.domain import Domain

    return _request(None, agent=_Agent(Domain.load(str(ROOT / "domain.yml"))))


CONVERSATION = "conversations/<conversation_id:path>"
ROUTES = {
    "model/parse": ("POST", "model/parse"),
    "messages": ("POST", f"{CONVERSATION}/messages"),
    "tracker/events": ("POST", f"{CONVERSATION}/tracker/events"),
    "PUT tracker/events": ("PUT", f"{CONVERSATION}/tracker/events"),
    "trigger_intent": ("POST", f"{CONVERSATION}/trigger_intent"),
    "execute": ("POST", f"{CONVERSATION}/execute"),
    "model/predict": ("POST", "model/predict"),
    "PUT model": ("PUT", "model"),
}


def _problem(route, body, request):
    return CHECKS[ROUTES[route]](body, request)


@pytest.mark.parametrize(
    "route,body,expected",
    [
        ("model/parse", {}, "'text' is required"),
        ("model/parse", [], "Send a JSON object"),
        ("model/parse", {"text": ["a"]}, "'text' is required"),
        ("messages", {"text": "hi"}, "'sender' must be \"user\""),
        ("messages", {"sender": "user"}, "'text' is required"),
        ("messages", {"sender": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}}, "needs 'entities'"),
        (
            "messages",
            {"sender": "user", "text": "hi", "parse_data": {"intent": {"name": "nope"}, "entities": []}},
            "the intent must be one of",
        ),
        ("tracker/events", [], "non-empty list"),
        ("tracker/events", {"event": "user", "text": "hi"}, "events[0] needs 'parse_data'"),
        ("tracker/events", {"event": "teleport"}, "is not a Rasa event type"),
        ("tracker/events", [{"event": "bot"}, {"event": "slot", "name": "zzz", "value": 1}], "events[1]: this"),
        ("tracker/events", {"event": "slot", "name": "audience", "value": "robot"}, "takes one of clinician, patient"),
        ("tracker/events", {"event": "slot", "name": "drug", "value": {"a": 1}}, "slot 'drug' takes a string"),
        ("tracker/events", {"event": "action", "name": "topic"}, "must be an action of"),
        ("tracker/events", {"event": "followup"}, "must be an action of"),
        ("tracker/events", {"event": "bot", "text": 3}, "events[0].text must be of type string or null"),
        ("tracker/events", {"event": "user", "parse_data": {"intent": {"name": 3}}}, ".intent.name must be of type"),
        ("tracker/events", {"event": "reminder", "intent": "greet"}, "a reminder needs"),
        ("tracker/events", {"event": "reminder", "intent": "greet", "date_time": "someday"}, "can store and read"),
        ("PUT tracker/events", {"event": "bot"}, "Send a list of event objects"),
        ("trigger_intent", {"name": "nope"}, "not an intent"),
        ("trigger_intent", {"name": "greet", "entities": 3}, "'entities' must be a list"),
        ("trigger_intent", {"name": "greet", "entities": [{"entity": "drug"}]}, "entities[0] needs 'value'"),
        ("execute", {"name": "action_nope"}, "not an action"),
        ("execute", {"name": "action_listen", "confidence": "high"}, "'confidence' must be a number"),
        ("model/predict", {"event": "bot"}, "Send a list of event objects"),
        ("PUT model", {"model_file": 3}, "'model_file' must be a string"),
    ],
)
def test_a_bad_body_is_told_what_is_wrong(request_with_domain, route, body, expected):
    problem = _problem(route, body, request_with_domain)
    assert problem is not None and expected in problem.message, problem


@pytest.mark.parametrize(
    "route,body",
    [
        ("model/parse", {"text": "what is IMT?", "message_id": {"any": "thing"}}),
        ("messages", {"sender": "user", "text": "hi"}),
        ("messages", {"sender": "user", "text": "hi", "parse_data": {}}),
        ("messages", {"sender": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}, "entities": []}}),
        ("tracker/events", {"event": "slot", "name": "audience", "value": "Patient"}),
        ("tracker/events", [{"event": "bot", "text": "hi"}, {"event": "action", "name": "action_listen"}]),
        ("tracker/events", {"event": "action", "action_text": "hello"}),
        ("tracker/events", {"event": "reminder", "intent": "greet", "date_time": "2030-01-01T10:00:00"}),
        ("PUT tracker/events", []),
        ("trigger_intent", {"name": "greet", "entities": {"drug": "crizotinib"}}),
        ("execute", {"name": "action_listen", "policy": "p", "confidence": 0.5}),
    ],
)
def test_a_good_body_passes(request_with_domain, route, body):
    assert _problem(route, body, request_with_domain) is None


@pytest.mark.parametrize(
    "body,expected",
    [
        ("[" * 65 + "]" * 65, "nested more than 64"),
        ('{"text": NaN}', "finite"),
        ('{"text": 1e400}', "finite"),
        ('{"text": "\\ud800"}', "valid Unicode"),
        ('{"\\udfff": 1}', "valid Unicode"),
        ("{", "not valid JSON"),
        (b"\xff", "not valid JSON"),
    ],
)
def test_the_body_as_a_whole(body, expected):
    from sanic.request import json_loads

    raw = body if isinstance(body, bytes) else body.encode()

    class Body:
        def __init__(self):
            self.body = raw

        @property
        def json(self):
            return json_loads(self.body)  # Sanic's parser, as request.json uses it

    with pytest.raises(api_guard._Unreadable, match=expected):
        api_guard.read_body(Body())


def test_the_error_has_rasa_s_shape():
    reply = api_guard.error_response(api_guard.Problem("'text' is required."))
    body = json.loads(reply.body)
    assert reply.status == 400 and body["status"] == "failure" and body["reason"] == "BadRequest"
    assert body["message"] == "'text' is required." and body["code"] == 400
