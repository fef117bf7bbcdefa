"""Every "You might also ask" suggestion is a question the assistant actually answers."""

import pytest
import requests

from knowledge.composer import compose_answer
from knowledge.context import Context, next_context
from knowledge.loader import load_suggestions
from knowledge.schema import Topic

ALL_SUGGESTIONS = sorted({(s.text, s.intent) for items in load_suggestions().values() for s in items})


@pytest.mark.parametrize("text,intent", ALL_SUGGESTIONS)
def test_suggestion_is_understood_and_answered(stack, kb, text, intent):
    parsed = requests.post(f"{stack.rasa_url}/model/parse", json={"text": text}, timeout=30).json()
    assert parsed["intent"]["name"] == intent
    context = next_context(Context(), intent, parsed["entities"])
    payload = compose_answer(kb, context, text)
    assert payload.claim_ids and payload.citations


def test_every_topic_offers_suggestions():
    assert set(load_suggestions()) == set(Topic)
