"""Watching the launcher's two servers: stop on SIGTERM/SIGINT, notice when one dies."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from typing import Iterator, Mapping, Sequence, Tuple

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
GRACE_SECONDS = 20


class Stop(Exception):
    """SIGTERM or SIGINT reached the launcher."""


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into `Stop`, so the `finally` blocks that stop the servers run."""

    def handler(signum: int, frame: object) -> None:
        # The first signal starts the shutdown; a second one must not interrupt it halfway.
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        raise Stop(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def first_exit(processes: Mapping[str, subprocess.Popen], poll_seconds: float = 0.5) -> Tuple[str, int]:
    """Block until one of the processes exits; its name and exit code."""
    while True:
        for name, process in processes.items():
            code = process.poll()
            if code is not None:
                return name, code
        time.sleep(poll_seconds)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    # Each server runs in its own process group (start_new_session), so this also reaches
    # anything it started.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def stop_all(processes: Sequence[subprocess.Popen]) -> None:
    """SIGTERM every process group, then SIGKILL whatever is left after the grace period."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
