"""End to end through the running stack: POST /webhooks/rest/webhook and the HTTP API."""

import uuid

import pytest
import requests

SIX_TOPICS = [
    ("What is inflammatory myofibroblastic tumor?", "overview"),
    ("How is IMT diagnosed?", "diagnosis"),
    ("How is IMT treated?", "treatment"),
    ("What is the dose of crizotinib?", "dosing"),
    ("What are the side effects of crizotinib?", "side_effects"),
    ("What is the prognosis of IMT?", "prognosis"),
]


def ask(stack, sender, message, **extra):
    body = {"sender": sender, "message": message, **extra}
    response = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def new_sender():
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("question,topic", SIX_TOPICS)
def test_each_topic_is_answered_with_citations_and_disclaimer(stack, question, topic):
    replies = ask(stack, new_sender(), question)
    assert len(replies) == 1, "an answer is one message carrying text and payload"
    reply = replies[0]
    custom = reply["custom"]
    assert custom["type"] == "imt_answer" and custom["topic"] == topic
    assert custom["citations"] and "[1]" in reply["text"] and "Sources" in reply["text"]
    assert custom["disclaimer"] and custom["disclaimer"] in reply["text"]
    assert custom["suggestions"]


def test_follow_up_keeps_context(stack):
    sender = new_sender()
    ask(stack, sender, "what's the dose of xalkori?")
    reply = ask(stack, sender, "and for a 6-year-old?")[0]["custom"]
    assert reply["topic"] == "dosing"
    assert reply["entities"]["drug"] == "crizotinib" and reply["entities"]["population"] == "pediatric"
    assert "280 mg/m²" in reply["answer"]


def test_sources_and_audience_switch(stack):
    sender = new_sender()
    answer = ask(stack, sender, "how is ALK-positive IMT treated?")[0]["custom"]
    sources = ask(stack, sender, "where does that come from?")[0]
    assert sources["custom"]["type"] == "imt_sources"
    assert {c["ref_id"] for c in answer["citations"]} == {r["ref_id"] for r in sources["custom"]["references"]}
    again = ask(stack, sender, "I'm a patient, please use plain language")[0]["custom"]
    assert again["audience"] == "patient" and again["topic"] == "treatment"
    assert again["entities"]["biomarker"] == "ALK" and again["entities"]["biomarker_status"] == "positive"


@pytest.mark.parametrize(
    "message,expected",
    [
        ("", "empty"),
        ("    ", "empty"),
        (None, "empty"),
        ("12345", "no words"),
        ("<script>alert('x')</script>", "no words"),
        ("¿Cuál es la dosis de crizotinib para niños?", "English"),
        ("what is IMT " * 300, "very long"),
    ],
)
def test_bad_input_gets_a_clear_reply(stack, message, expected):
    replies = ask(stack, new_sender(), message)
    assert replies and expected in replies[0]["text"]


def test_html_question_is_answered_as_text(stack):
    reply = ask(stack, new_sender(), "<b>What is IMT?</b><img src=x onerror=alert(1)>")[0]
    assert reply["custom"]["topic"] == "overview"


def test_red_flag_and_personal_decision(stack):
    emergency = ask(stack, new_sender(), "I'm coughing up blood")[0]
    assert "emergency" in emergency["text"].lower()
    assert emergency["custom"] == {"type": "imt_triage", "level": "emergency", "category": "bleeding"}
    reply = ask(stack, new_sender(), "should I stop my crizotinib?")[0]
    assert reply["text"].startswith("That is a decision for you and your care team")
    assert reply["custom"]["citations"]


def test_out_of_scope_is_refused_politely_with_what_it_can_do(stack):
    reply = ask(stack, new_sender(), "what's the weather in Paris tomorrow?")[0]
    assert "only answer questions about inflammatory myofibroblastic tumor" in reply["text"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        '"a string"',
        "[1, 2]",
        '{"sender": 5, "message": "hi"}',
        '{"message": "a message without a sender must not join a shared conversation"}',
        '{"sender": "x", "message": {"nested": true}}',
    ],
)
def test_malformed_requests_get_400_not_500(stack, body):
    response = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


def test_parse_endpoint_returns_normalized_entities(stack):
    parsed = requests.post(
        f"{stack.rasa_url}/model/parse",
        params={"token": stack.api_token},
        json={"text": "Xalkori dose for ALK-negative lung IMT in a 6-year-old"},
        timeout=30,
    ).json()
    found = {(e["entity"], e["value"], e.get("role")) for e in parsed["entities"]}
    assert found == {
        ("drug", "crizotinib", None),
        ("biomarker", "ALK", "negative"),
        ("body_site", "lung", None),
        ("population", "pediatric", None),
    }
