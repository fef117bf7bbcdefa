"""Starting both assistants and timing start to ready, the same way for both.

Start to ready: from launching the assistant's processes until its REST webhook answers a
first message ("hello") with at least one reply, polled every 0.5 s. Ours is started by
bot.tools.serve.running_stack, exactly as the run command starts it (action server + Rasa
server, which waits for both to answer the health endpoint first); stock by
`rasa run --enable-api` in its project folder.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import requests

from bot.tools.api_access import Access
from bot.tools.bench import stock
from bot.tools.bench.load import WEBHOOK_PATH, Endpoint
from bot.tools.bench.memory import tree_rss_mb
from bot.tools.serve import running_stack
from bot.tools.supervise import stop_all

READY_TIMEOUT_S = 300
POLL_S = 0.5
# The server rate-limits each address and conversation by default; the load comes from one
# address and the long conversation is 200 messages from one sender.
NO_RATE_LIMITS = {"IMT_RATE_PER_ADDRESS": "1000000", "IMT_RATE_PER_SENDER": "1000000"}


@dataclass
class Running:
    endpoint: Endpoint
    processes: Dict[str, subprocess.Popen]  # what it runs -> the process
    start_to_ready_s: float

    @property
    def pids(self) -> List[int]:
        return [p.pid for p in self.processes.values()]

    def rss_mb(self) -> Dict[str, float]:
        """Resident memory of each server (with anything it started), in MB."""
        return {name: tree_rss_mb(process.pid) for name, process in self.processes.items()}

    def exited(self) -> Dict[str, int]:
        """The servers that are no longer running, with their exit codes."""
        return {name: code for name, p in self.processes.items() if (code := p.poll()) is not None}


class NotReady(RuntimeError):
    pass


def pick_ports(count: int, port_range: Optional[Tuple[int, int]] = None) -> List[int]:
    """`count` distinct free loopback ports: any the system offers, or the first free ones in
    port_range (inclusive)."""
    held: List[socket.socket] = []
    try:
        candidates = range(port_range[0], port_range[1] + 1) if port_range else [0] * count
        for port in candidates:
            sock = socket.socket()
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                sock.close()
                continue
            held.append(sock)
            if len(held) == count:
                return [s.getsockname()[1] for s in held]
        raise RuntimeError(f"fewer than {count} free ports in {port_range}")
    finally:
        for sock in held:
            sock.close()


def wait_for_answer(base_url: str, processes: Dict[str, subprocess.Popen], timeout_s: float = READY_TIMEOUT_S) -> None:
    """Poll the REST webhook until a message gets a reply; fail early if a server exits."""
    deadline = time.monotonic() + timeout_s
    body = {"sender": f"bench-ready-{secrets.token_hex(4)}", "message": "hello"}
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise NotReady(f"the {name} exited (code {process.returncode}) before it was ready")
        with contextlib.suppress(requests.RequestException, ValueError):
            reply = requests.post(base_url + WEBHOOK_PATH, json=body, timeout=10)
            if reply.ok and isinstance(reply.json(), list) and reply.json():
                return
        time.sleep(POLL_S)
    raise NotReady(f"{base_url} did not answer a message within {timeout_s:.0f} s")


@contextlib.contextmanager
def ours(
    rasa_port: int, actions_port: int, workdir: Path, log_dir: Path, timeout_s: float = READY_TIMEOUT_S
) -> Iterator[Running]:
    """Our assistant through the launcher, with the HTTP API on behind a random token and a
    tracker store of its own."""
    token = secrets.token_urlsafe(24)
    access = Access(api_enabled=True, api_token=token)
    env = {**NO_RATE_LIMITS, "RASA_TELEMETRY_ENABLED": "false"}
    started = time.monotonic()
    db = workdir / "trackers.db"
    with running_stack(rasa_port, actions_port, tracker_db=db, log_dir=log_dir, access=access, env=env) as stack:
        wait_for_answer(stack.rasa_url, stack.named, max(1.0, timeout_s - (time.monotonic() - started)))
        ready = time.monotonic() - started
        yield Running(Endpoint("ours", stack.rasa_url, {"token": token}), stack.named, ready)


@contextlib.contextmanager
def stock_assistant(project: Path, port: int, log_dir: Path, timeout_s: float = READY_TIMEOUT_S) -> Iterator[Running]:
    """The stock project served by `rasa run --enable-api` from its folder (no token)."""
    with (log_dir / "stock-rasa.log").open("w") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            stock.run_command(port),
            cwd=project,
            env=stock.quiet_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as the launcher stops ours
        )
        try:
            processes = {"Rasa server": process}
            base_url = f"http://127.0.0.1:{port}"
            wait_for_answer(base_url, processes, timeout_s)
            yield Running(Endpoint("stock", base_url), processes, time.monotonic() - started)
        finally:
            stop_all([process])
