"""Start the action server and the Rasa server, wait until both answer, and watch them.

Used by bot/run.sh (python -m bot.tools.serve) and by the end-to-end tests, so the tests
exercise exactly the stack a user starts. SIGTERM or SIGINT stops both servers; if one of
them dies, the launcher says which, stops the other and exits non-zero.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Dict, Iterator, List, Optional, Sequence

import requests
import yaml

from bot.tools.api_access import Access, UnsafeAccess
from bot.tools.supervise import Stop, first_exit, stop_all, stop_on_signals
from knowledge.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "imt.tar.gz"
ENDPOINTS = ROOT / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"
READY_TIMEOUT_S = 300
# Rasa opens a new connection to the action server for every action and writes the request
# when its event loop gets to it, which under load can be seconds after connecting. The
# action server (Sanic) closes a connection on which nothing has arrived for its keep-alive
# timeout, 5 s by default; the action then fails ("Can not write request body"), Rasa drops
# its events and the user gets the stand-in reply (found by the load test, README "Load
# test"). As long as Sanic's request timeout instead; SANIC_KEEP_ALIVE_TIMEOUT in the
# environment wins.
ACTIONS_ENV = {"SANIC_KEEP_ALIVE_TIMEOUT": "60"}
HEALTH_PATH = "/webhooks/rest/health"
ACTIONS, RASA = "action server", "Rasa server"


@dataclass
class Stack:
    rasa_url: str
    actions_url: str
    processes: List[subprocess.Popen]  # [action server, Rasa server]
    startup_seconds: float
    api_token: Optional[str] = None
    log_dir: Optional[Path] = None
    tracker_db: Optional[Path] = None
    # How each process was started, so a test can start one again after killing it.
    restarts: Sequence[Callable[[], subprocess.Popen]] = field(default_factory=list)

    @property
    def named(self) -> Dict[str, subprocess.Popen]:
        return _named(self.processes)

    def restart(self, name: str) -> None:
        """Start the named server again (after it died or was killed) and wait until both answer."""
        index = (ACTIONS, RASA).index(name)
        stop_all([self.processes[index]])
        self.processes[index] = self.restarts[index]()
        _wait_until_ready(f"{self.rasa_url}{HEALTH_PATH}", self.named, _both_up)


def _named(processes: List[subprocess.Popen]) -> Dict[str, subprocess.Popen]:
    return dict(zip((ACTIONS, RASA), processes))


def _endpoints_file(actions_port: int, tracker_db: Path, workdir: Path) -> Path:
    """The repository's endpoints, pointed at the chosen port and tracker database."""
    endpoints = yaml.safe_load(ENDPOINTS.read_text())
    endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{actions_port}/webhook"
    endpoints["tracker_store"]["db"] = str(tracker_db)
    path = workdir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


class ServerExited(RuntimeError):
    def __init__(self, name: str, code: int) -> None:
        super().__init__(f"the {name} exited (code {code})")


def _wait_until_ready(
    url: str, processes: Dict[str, subprocess.Popen], check: Callable[[requests.Response], bool]
) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        for name, process in processes.items():
            code = process.poll()
            if code is not None:
                raise ServerExited(name, code)
        with contextlib.suppress(requests.RequestException):
            response = requests.get(url, timeout=2)
            if response.ok and check(response):
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {READY_TIMEOUT_S} s")


def _start(command: List[str], log: Optional[IO[str]], env: Dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        # Its own process group, so stopping it reaches anything it started.
        start_new_session=True,
    )


def _both_up(response: requests.Response) -> bool:
    return response.json().get("status") == "ok"


@contextlib.contextmanager
def running_stack(
    rasa_port: int = 5005,
    actions_port: int = 5055,
    tracker_db: Optional[Path] = None,
    log_dir: Optional[Path] = None,
    access: Optional[Access] = None,
    env: Optional[Dict[str, str]] = None,
) -> Iterator[Stack]:
    access = access or Access()
    access.check()
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} missing: run `python -m bot.tools.train_if_changed` first")
    run_env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
        "PYTHONUNBUFFERED": "1",  # logs reach their files as they are written
        # The web channel frames and CORS follow the same allow-list as the server.
        "IMT_CORS_ORIGINS": ",".join(access.cors_origins),
        **(env or {}),
    }
    if tracker_db is not None:  # a stack of its own (tests): its stores beside its conversations
        run_env["IMT_FEEDBACK_DB"] = str(tracker_db.parent / "feedback.db")
        run_env["IMT_WEB_SECRET_FILE"] = str(tracker_db.parent / "web_secret.key")
    tracker_db = tracker_db or get_settings().tracker_db
    tracker_db.parent.mkdir(parents=True, exist_ok=True)
    actions_verbosity = ["--debug"] if access.log_text else []
    with tempfile.TemporaryDirectory() as workdir:
        endpoints = _endpoints_file(actions_port, tracker_db, Path(workdir))
        # Closed in the finally below, after the processes have stopped writing to them.
        logs = [open(log_dir / name, "w") if log_dir else None for name in ("actions.log", "rasa.log")]  # noqa: SIM115
        started = time.monotonic()
        processes: List[subprocess.Popen] = []
        commands = [
            (["rasa_sdk", "--actions", "actions", "--port", str(actions_port), *actions_verbosity], logs[0]),
            (
                [
                    "bot.rasa_server",
                    "run",
                    "--model",
                    str(MODEL),
                    "--endpoints",
                    str(endpoints),
                    "--credentials",
                    str(CREDENTIALS),
                    "--port",
                    str(rasa_port),
                    *access.rasa_args(),
                ],
                logs[1],
            ),
        ]
        envs = [{**ACTIONS_ENV, **run_env}, run_env]
        starters = [functools.partial(_start, command, log, env) for (command, log), env in zip(commands, envs)]
        try:
            for start in starters:
                processes.append(start())
            actions_url, rasa_url = f"http://127.0.0.1:{actions_port}", f"http://127.0.0.1:{rasa_port}"
            _wait_until_ready(f"{rasa_url}{HEALTH_PATH}", _named(processes), _both_up)
            elapsed = time.monotonic() - started
            yield Stack(rasa_url, actions_url, processes, elapsed, access.api_token, log_dir, tracker_db, starters)
        finally:
            stop_all(processes)  # the same list as stack.processes, restarted servers included
            for log in logs:
                if log:
                    log.close()


def _print_ready(stack: Stack, access: Access, token_generated: bool) -> None:
    print(f"==> ready in {stack.startup_seconds:.1f} s (start to both servers answering)")
    print(f"    REST channel: POST {stack.rasa_url}/webhooks/rest/webhook")
    print(f"    health:       GET  {stack.rasa_url}{HEALTH_PATH}   (both servers)")
    if access.api_enabled:
        where = "?token=<the token printed here>" if token_generated else "?token=$IMT_API_TOKEN (or a JWT)"
        print(f"    HTTP API:     {stack.rasa_url}/status, /model/parse, ... with {where}")
        if token_generated:
            print(f"    API token for this run: {stack.api_token}")
    else:
        print("    HTTP API:     off (--enable-api or IMT_ENABLE_API=1 turns it on, with a token)")
    print(
        f'    web chat:     {stack.rasa_url}/webhooks/web/   (embed: <script src="{stack.rasa_url}'
        '/webhooks/web/widget.js" defer></script>)'
    )
    print(
        f"    try: curl -s {stack.rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json' "
        '-d \'{"sender": "me", "message": "What is the dose of crizotinib?"}\''
    )
    print("    chat in a terminal: ./bot/shell.sh   (Ctrl-C here stops the assistant)", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Run the IMT assistant (Rasa server + action server).")
    settings = get_settings()
    parser.add_argument("--port", type=int, default=settings.rasa_port)
    parser.add_argument("--actions-port", type=int, default=settings.actions_port)
    parser.add_argument("--host", default=None, help="address the Rasa server binds to (default IMT_BIND_HOST)")
    parser.add_argument("--enable-api", action="store_true", help="serve Rasa's HTTP API (needs a token)")
    args = parser.parse_args(argv)
    access = Access.from_settings(settings, enable_api=args.enable_api, host=args.host)
    try:
        access.check()
    except UnsafeAccess as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    with_token = access.with_token()
    with stop_on_signals():
        try:
            with running_stack(args.port, args.actions_port, access=with_token) as stack:
                _print_ready(stack, with_token, token_generated=with_token is not access)
                raise ServerExited(*first_exit(stack.named))
        except (ServerExited, TimeoutError) as error:
            print(f"ERROR: {error}; the other server was stopped.", file=sys.stderr, flush=True)
            return 1
        except Stop as stop:
            print(f"==> {stop}: both servers stopped", flush=True)
            return 0


if __name__ == "__main__":
    sys.exit(main())
