"""Checked-in files that a tool generates: write them, or check they are up to date."""

from __future__ import annotations

from pathlib import Path


def write_or_check(path: Path, text: str, check: bool, command: str) -> int:
    """Write `text` to `path`, or with `check` return 1 (and say which command rebuilds it)
    when the checked-in file differs. Returns the exit code."""
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run {command}")
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0
