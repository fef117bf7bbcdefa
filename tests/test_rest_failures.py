"""The REST and web channels' reply when Rasa fails mid-message (bot/channels/rest.py): the
server-trouble reply, never the part of an answer collected before the failure, whose turn
may not have been stored (a tracker store that failed on save)."""

from __future__ import annotations

import asyncio

from bot.channels.common import SERVER_TROUBLE
from bot.channels.rest import handle_message


async def answers_then_fails(message) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": "an answer that was never stored"})
    raise RuntimeError("the tracker store could not save")


async def answers(message) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": "an answer"})


def test_a_message_that_failed_after_answering_gets_the_server_trouble_reply():
    replies = asyncio.run(handle_message(answers_then_fails, "rest", "someone", "and for children?"))
    assert [reply["text"] for reply in replies] == [SERVER_TROUBLE]


def test_a_message_that_completed_gets_its_answer():
    replies = asyncio.run(handle_message(answers, "rest", "someone", "what is IMT?"))
    assert [reply["text"] for reply in replies] == ["an answer"]


async def triages_then_fails(message) -> None:
    triage = {"text": "Call your local emergency number now.", "custom": {"type": "imt_triage", "level": "emergency"}}
    await message.output_channel.send_response(message.sender_id, triage)
    raise RuntimeError("the tracker store could not save")


def test_an_emergency_reply_is_kept_when_the_message_then_fails():
    replies = asyncio.run(handle_message(triages_then_fails, "rest", "someone", "i can't breathe"))
    assert [reply["text"] for reply in replies] == ["Call your local emergency number now.", SERVER_TROUBLE]
