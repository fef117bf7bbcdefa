"""Start the action server and the Rasa server on localhost and wait until both answer.

Used by bot/run.sh (python -m bot.tools.serve) and by the end-to-end tests, so the tests
exercise exactly the stack a user starts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional

import requests
import yaml

from knowledge.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "imt.tar.gz"
ENDPOINTS = ROOT / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"
READY_TIMEOUT_S = 300


@dataclass
class Stack:
    rasa_url: str
    actions_url: str
    processes: List[subprocess.Popen]
    startup_seconds: float


def _endpoints_file(actions_port: int, tracker_db: Path, workdir: Path) -> Path:
    """The repository's endpoints, pointed at the chosen port and tracker database."""
    endpoints = yaml.safe_load(ENDPOINTS.read_text())
    endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{actions_port}/webhook"
    endpoints["tracker_store"]["db"] = str(tracker_db)
    path = workdir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


def _wait_until_ready(url: str, processes: List[subprocess.Popen], check) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                command = " ".join(str(arg) for arg in list(process.args)[:4])  # type: ignore[arg-type]
                raise RuntimeError(f"{command} exited with {process.returncode} during start-up")
        with contextlib.suppress(requests.RequestException):
            response = requests.get(url, timeout=2)
            if response.ok and check(response):
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {READY_TIMEOUT_S} s")


@contextlib.contextmanager
def running_stack(
    rasa_port: int = 5005, actions_port: int = 5055, tracker_db: Optional[Path] = None, log_dir: Optional[Path] = None
) -> Iterator[Stack]:
    if not MODEL.exists():
        raise FileNotFoundError(f"{MODEL} missing: run `python -m bot.tools.train_if_changed` first")
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
    }
    if tracker_db is not None:  # a stack of its own (tests): its feedback beside its conversations
        env["IMT_FEEDBACK_DB"] = str(tracker_db.parent / "feedback.db")
    tracker_db = tracker_db or get_settings().tracker_db
    tracker_db.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        endpoints = _endpoints_file(actions_port, tracker_db, Path(workdir))
        # Closed in the finally below, after the processes have stopped writing to them.
        logs = [open(log_dir / name, "w") if log_dir else None for name in ("actions.log", "rasa.log")]  # noqa: SIM115
        started = time.monotonic()
        actions = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
            cwd=ROOT,
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT if logs[0] else None,
        )
        rasa = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rasa",
                "run",
                "--model",
                str(MODEL),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(CREDENTIALS),
                "--enable-api",
                "--cors",
                "*",
                "--interface",
                "127.0.0.1",
                "--port",
                str(rasa_port),
            ],
            cwd=ROOT,
            env=env,
            stdout=logs[1],
            stderr=subprocess.STDOUT if logs[1] else None,
        )
        processes = [actions, rasa]
        try:
            actions_url, rasa_url = f"http://127.0.0.1:{actions_port}", f"http://127.0.0.1:{rasa_port}"
            _wait_until_ready(f"{actions_url}/health", processes, lambda r: True)
            _wait_until_ready(f"{rasa_url}/status", processes, lambda r: bool(r.json().get("model_id")))
            yield Stack(rasa_url, actions_url, processes, time.monotonic() - started)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            for log in logs:
                if log:
                    log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the IMT assistant on localhost.")
    settings = get_settings()
    parser.add_argument("--port", type=int, default=settings.rasa_port)
    parser.add_argument("--actions-port", type=int, default=settings.actions_port)
    args = parser.parse_args()
    with running_stack(args.port, args.actions_port) as stack:
        print(f"==> ready in {stack.startup_seconds:.1f} s (start to both servers answering)")
        print(f"    REST channel: POST {stack.rasa_url}/webhooks/rest/webhook")
        print(f"    HTTP API:     {stack.rasa_url}/status, {stack.rasa_url}/model/parse, ...")
        print(
            f'    web chat:     {stack.rasa_url}/webhooks/web/   (embed: <script src="{stack.rasa_url}'
            '/webhooks/web/widget.js" defer></script>)'
        )
        print(
            f"    try: curl -s {stack.rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json' "
            '-d \'{"sender": "me", "message": "What is the dose of crizotinib?"}\''
        )
        print("    chat in a terminal: ./bot/shell.sh   (Ctrl-C here stops the assistant)")
        try:
            while all(p.poll() is None for p in stack.processes):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
