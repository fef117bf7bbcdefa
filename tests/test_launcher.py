"""The launcher (python -m bot.tools.serve) as a user runs it: stopping, a dying server, no orphans.

Each test starts its own launcher on free ports with its own stores, waits for the health
endpoint by bounded polling and cleans up only the processes it started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest
import requests

from tests.conftest import ROOT, free_port

READY_S = 300
STOP_S = 60


def _poll(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def _children(pid: int) -> List[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _servers(launcher: subprocess.Popen) -> Dict[str, int]:
    """The launcher's two children, by what they run."""
    named = {}
    for pid in _children(launcher.pid):
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        if "rasa_sdk" in command:
            named["actions"] = pid
        elif "bot.rasa_server run" in command:
            named["rasa"] = pid
    return named


@pytest.fixture
def launcher(trained_model, tmp_path) -> Iterator[Dict]:
    rasa_port, actions_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "IMT_TRACKER_DB": str(tmp_path / "trackers.db"),
        "IMT_FEEDBACK_DB": str(tmp_path / "feedback.db"),
        "IMT_WEB_SECRET_FILE": str(tmp_path / "web_secret.key"),
    }
    log = (tmp_path / "launcher.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.tools.serve", "--port", str(rasa_port), "--actions-port", str(actions_port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    health = f"http://127.0.0.1:{rasa_port}/webhooks/rest/health"

    def ready() -> bool:
        # The launcher's own word, not just the health endpoint: it watches its servers from then on.
        output = (tmp_path / "launcher.log").read_text()
        assert process.poll() is None, output
        return "==> ready" in output

    servers: Dict[str, int] = {}
    try:
        _poll(ready, READY_S, "the launcher says ready")
        servers.update(_servers(process))
        assert set(servers) == {"actions", "rasa"}, servers
        yield {"process": process, "servers": servers, "health": health, "log": tmp_path / "launcher.log"}
    finally:
        # Only what this test started: the launcher and the two servers it found.
        for pid in [process.pid, *servers.values()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=STOP_S)
        log.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_both_servers_with_no_orphans(launcher, stop):
    process, servers = launcher["process"], launcher["servers"]
    process.send_signal(stop)
    assert process.wait(timeout=STOP_S) == 0
    _poll(lambda: not any(_alive(pid) for pid in servers.values()), STOP_S, f"servers {servers} gone")
    assert f"{stop.name}: both servers stopped" in launcher["log"].read_text()


def test_a_dead_action_server_is_reported_and_the_launcher_exits_non_zero(launcher):
    process, servers = launcher["process"], launcher["servers"]
    assert requests.get(launcher["health"], timeout=10).json() == {"status": "ok", "rasa": "ok", "actions": "ok"}
    os.kill(servers["actions"], signal.SIGKILL)
    assert process.wait(timeout=STOP_S) == 1
    assert "the action server exited" in launcher["log"].read_text()
    _poll(lambda: not _alive(servers["rasa"]), STOP_S, "the Rasa server stopped too")
