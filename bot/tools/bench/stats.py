"""Percentiles, medians and ratios over latency samples; no I/O."""

from __future__ import annotations

import math
from typing import Dict, Optional, Sequence, Tuple


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile (0-100) by linear interpolation between the closest ranks
    (numpy's default); None for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0-100, not {q}")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> Optional[float]:
    return percentile(values, 50)


def ratio(ours: Optional[float], stock: Optional[float]) -> Optional[float]:
    """ours / stock; None when either is missing or stock is 0 (no meaningful ratio)."""
    if ours is None or stock is None or stock == 0 or not (math.isfinite(ours) and math.isfinite(stock)):
        return None
    return ours / stock


def windows(length: int, width: int) -> Dict[str, Tuple[int, int]]:
    """First, middle and last `width` positions (1-based, inclusive) of a conversation of
    `length` messages: for 200 and 10, 1-10, 96-105 and 191-200."""
    if width < 1 or length < width:
        raise ValueError(f"a window of {width} does not fit a conversation of {length}")
    middle = (length - width) // 2 + 1
    return {"first": (1, width), "middle": (middle, middle + width - 1), "last": (length - width + 1, length)}


def window_median(latencies: Sequence[Optional[float]], span: Tuple[int, int]) -> Optional[float]:
    """Median latency of positions span[0]..span[1] (1-based); failed messages (None) are left out."""
    chosen = [v for v in latencies[span[0] - 1 : span[1]] if v is not None]
    return median(chosen)
