"""Access to the running stack from a browser on another origin, the health check and the logs."""

import uuid

import pytest
import requests

FOREIGN = "https://evil.example"


def _from(origin):
    return {"Origin": origin}


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("GET", "/conversations/{id}/tracker", None),
        ("POST", "/conversations/{id}/tracker/events", {"event": "bot", "text": "hi"}),
        ("POST", "/model/parse", {"text": "what is IMT?"}),
        ("PUT", "/model", {"model_file": "/tmp/x.tar.gz"}),
    ],
)
def test_the_http_api_refuses_foreign_origins_and_requests_without_a_token(stack, method, path, body):
    url = stack.rasa_url + path.format(id=f"web-{uuid.uuid4().hex}")
    reply = requests.request(method, url, json=body, headers=_from(FOREIGN), timeout=30)
    assert reply.status_code in (401, 403)
    assert reply.headers.get("Access-Control-Allow-Origin") not in (FOREIGN, "*")
    preflight = requests.options(url, headers={**_from(FOREIGN), "Access-Control-Request-Method": method}, timeout=30)
    assert preflight.headers.get("Access-Control-Allow-Origin") not in (FOREIGN, "*")


def test_the_token_opens_the_api(stack):
    parsed = requests.post(
        f"{stack.rasa_url}/model/parse", params={"token": stack.api_token}, json={"text": "hi"}, timeout=30
    )
    assert parsed.status_code == 200 and "intent" in parsed.json()
    wrong = requests.post(f"{stack.rasa_url}/model/parse", params={"token": "guess"}, json={"text": "hi"}, timeout=30)
    assert wrong.status_code == 401


def test_credentials_are_allowed_only_for_listed_origins(stack, embedding_origin):
    listed = requests.post(f"{stack.rasa_url}/webhooks/web/session", headers=_from(embedding_origin), timeout=30)
    assert listed.headers.get("Access-Control-Allow-Origin") == embedding_origin
    foreign = requests.post(f"{stack.rasa_url}/webhooks/web/session", headers=_from(FOREIGN), timeout=30)
    assert foreign.headers.get("Access-Control-Allow-Origin") not in (FOREIGN, "*")


def test_one_health_endpoint_reports_both_servers(stack):
    reply = requests.get(f"{stack.rasa_url}/webhooks/rest/health", timeout=30)
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok", "rasa": "ok", "actions": "ok"}


def test_info_logs_hold_no_message_text_and_no_conversation_ids(stack):
    marker = f"quokka{uuid.uuid4().hex[:10]}"
    slack_sender = f"slack:T{marker}:C{marker}:U{marker}"
    replies = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": slack_sender, "message": f"what is the dose of crizotinib, {marker}?"},
        timeout=60,
    ).json()
    assert replies and replies[0]["recipient_id"] == slack_sender  # the message went all the way through
    web = f"{stack.rasa_url}/webhooks/web"
    sender = requests.post(f"{web}/session", timeout=30).json()["sender"]
    requests.post(f"{web}/message", json={"sender": sender, "message": f"what is IMT {marker}"}, timeout=60)
    requests.get(f"{web}/history", params={"sender": sender}, timeout=30)
    logs = {path.name: path.read_text(errors="replace") for path in stack.log_dir.glob("*.log")}
    assert set(logs) == {"rasa.log", "actions.log"} and logs["rasa.log"]
    for name, text in logs.items():
        assert marker not in text, f"{name} holds message text or a conversation id"
        assert sender not in text, f"{name} holds a web conversation id"
