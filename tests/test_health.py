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


def test_a_server_that_accepts_but_does_not_answer_in_time_is_busy_not_unreachable():
    async def scenario() -> bool:
        async def accept_and_stay_silent(reader, writer):
            await asyncio.sleep(5)  # never answers within the check's timeout
            writer.close()

        server = await asyncio.start_server(accept_and_stay_silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            return await actions_unreachable(_agent(port), SHORT)
        finally:
            server.close()

    assert asyncio.run(scenario()) is False


def test_a_server_that_answers_200_is_reachable():
    async def scenario() -> bool:
        async def answer_ok(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer_ok, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            return await actions_unreachable(_agent(port), SHORT)
        finally:
            server.close()

    assert asyncio.run(scenario()) is False
