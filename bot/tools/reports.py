"""Write an evaluation report as JSON (results/ by default)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

RESULTS = Path(__file__).resolve().parents[2] / "results"


def save_report(report: Dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2))
    return path
