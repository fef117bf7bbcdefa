"""Resident memory and CPU time of a process and everything it started, from /proc."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> Optional[List[str]]:
    """/proc/<pid>/stat after the command name (which may hold spaces and parentheses)."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def children_map() -> Dict[int, List[int]]:
    """Parent pid -> its children's pids, for every process visible now."""
    children: Dict[int, List[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def process_tree(pid: int) -> List[int]:
    """The process and all its descendants (those alive now)."""
    children = children_map()
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, []))
    return tree


def rss_kb(pid: int) -> Optional[int]:
    """VmRSS of one process in kB; None when it is gone (or a zombie, which has none)."""
    with contextlib.suppress(OSError):
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def tree_rss_mb(pid: int) -> float:
    """Resident memory of the process and its descendants, summed, in MB (1024² bytes)."""
    return sum(rss_kb(p) or 0 for p in process_tree(pid)) / 1024


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time consumed so far by the processes and their descendants."""
    total = 0
    for root in pids:
        for pid in process_tree(root):
            fields = _stat_fields(pid)
            if fields:
                total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLOCK_TICKS


def wait_until_idle(pids: Iterable[int], max_seconds: float, busy_share: float = 0.05, window: float = 1.0) -> float:
    """Wait until the processes use less than `busy_share` of one core over `window`
    seconds (background start-up work done), at most `max_seconds`; the seconds waited."""
    pids = list(pids)
    started = time.monotonic()
    before = cpu_seconds(pids)
    while time.monotonic() - started < max_seconds:
        time.sleep(window)
        now = cpu_seconds(pids)
        if now - before < busy_share * window:
            break
        before = now
    return time.monotonic() - started
