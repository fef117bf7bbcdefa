"""The stand-in reply's wording: "not reachable" only when the action server is down for
sure (connection refused), not when its health check merely timed out on a busy loop."""

import asyncio
import socket
from types import SimpleNamespace

import aiohttp

from bot.channels.health import actions_unreachable

SHORT = aiohttp.ClientTimeout(total=0.5)


def _agent(port: int) -> SimpleNamespace:
    return SimpleNamespace(action_endpoint=SimpleNamespace(url=f"http://127.0.0.1:{port}/webhook"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_means_unreachable():
    assert asyncio.run(actions_unreachable(_agent(_free_port()), SHORT)) is True


def _unreachable_with(handler) -> bool:
    """actions_unreachable against a real local TCP server running `handler`."""

    async def scenario() -> bool:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        try:
            return await actions_unreachable(_agent(server.sockets[0].getsockname()[1]), SHORT)
        finally:
            server.close()

    return asyncio.run(scenario())


async def _accept_and_stay_silent(reader, writer):
    await asyncio.sleep(5)  # never answers within the check's timeout
    writer.close()


async def _answer_ok(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    await writer.drain()
    writer.close()


def test_a_server_that_accepts_but_does_not_answer_in_time_is_busy_not_unreachable():
    assert _unreachable_with(_accept_and_stay_silent) is False


def test_a_server_that_answers_200_is_reachable():
    assert _unreachable_with(_answer_ok) is False
