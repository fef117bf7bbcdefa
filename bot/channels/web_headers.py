"""Security headers for everything the web channel serves (page, script, styles, JSON).

The page loads only its own script and styles (no inline script or style), talks only to
its own server, and may be framed only by the configured origins.
"""

from __future__ import annotations

from typing import Dict, List


def content_security_policy(frame_origins: List[str]) -> str:
    ancestors = " ".join(["'self'", *frame_origins])
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )


def security_headers(frame_origins: List[str]) -> Dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(frame_origins),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
