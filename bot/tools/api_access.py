"""Who may reach the Rasa server: HTTP API on or off, its token, the bind address, CORS.

The launcher builds one `Access` from the settings and its flags, checks it before
starting anything, and turns it into `rasa run` arguments.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field, replace
from typing import List, Optional

from knowledge.settings import Settings


class UnsafeAccess(ValueError):
    """A configuration the launcher refuses to start."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


@dataclass(frozen=True)
class Access:
    host: str = "127.0.0.1"
    api_enabled: bool = False
    api_token: Optional[str] = None
    jwt_secret: Optional[str] = None
    cors_origins: List[str] = field(default_factory=list)
    log_text: bool = False

    @classmethod
    def from_settings(cls, settings: Settings, enable_api: bool = False, host: Optional[str] = None) -> Access:
        return cls(
            host=host or settings.bind_host,
            api_enabled=enable_api or settings.api_enabled,
            api_token=settings.api_token.get_secret_value() if settings.api_token else None,
            jwt_secret=settings.api_jwt_secret.get_secret_value() if settings.api_jwt_secret else None,
            cors_origins=settings.allowed_origins,
            log_text=settings.log_text,
        )

    def check(self) -> None:
        """Refuse an API anyone on the network could use."""
        if "*" in self.cors_origins:
            raise UnsafeAccess("CORS origins must be listed explicitly; '*' is not allowed")
        authenticated = bool(self.api_token or self.jwt_secret)
        if self.api_enabled and not authenticated and not is_loopback(self.host):
            raise UnsafeAccess(
                f"refusing to serve the HTTP API on {self.host} without a token: "
                "set IMT_API_TOKEN (or IMT_API_JWT_SECRET), or bind to 127.0.0.1"
            )

    def with_token(self) -> Access:
        """On loopback an API asked for without credentials still gets a token: a random one."""
        if self.api_enabled and not (self.api_token or self.jwt_secret):
            return replace(self, api_token=secrets.token_urlsafe(24))
        return self

    def rasa_args(self) -> List[str]:
        args = ["--interface", self.host]
        if self.api_enabled:
            args.append("--enable-api")
            # "--option=value": a token or secret may begin with "-" (token_urlsafe does, one
            # time in 64), which argparse would read as the next option and exit (code 2).
            if self.api_token:
                args.append(f"--auth-token={self.api_token}")
            if self.jwt_secret:
                args += [f"--jwt-secret={self.jwt_secret}", "--jwt-method", "HS256"]
        if self.cors_origins:  # none: Rasa sends no CORS headers, so only same-origin pages can read
            args += ["--cors", *self.cors_origins]
        if self.log_text:
            args.append("--debug")
        return args


def main(argv: Optional[List[str]] = None) -> int:
    """Print the `rasa run` access arguments, one a line, for the shell scripts that start
    Rasa servers themselves (bot/deploy/servers.sh): the same checks as the launcher."""
    import argparse
    import sys

    from knowledge.settings import get_settings

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--enable-api", action="store_true")
    parser.add_argument("--host", default=None)
    args = parser.parse_args(argv)
    access = Access.from_settings(get_settings(), enable_api=args.enable_api, host=args.host)
    try:
        access.check()
    except UnsafeAccess as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    if access.api_enabled and not (access.api_token or access.jwt_secret):
        print("ERROR: the HTTP API needs IMT_API_TOKEN or IMT_API_JWT_SECRET here", file=sys.stderr)
        return 2
    print("\n".join(access.rasa_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
