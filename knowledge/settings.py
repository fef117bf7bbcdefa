"""The one place that reads the environment.

Every process (Rasa server, action server, Slack app, tools) takes its settings from
`get_settings()`; nothing else calls `os.environ`. It lives in the core because the
action server, which may import only the core and rasa_sdk, needs it too.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import List, Optional
from urllib.parse import urlsplit

from pydantic import BaseSettings, Field, SecretStr, validator

ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = ROOT / "var"


class Settings(BaseSettings):
    # Knowledge base: serve approved entries only (IMT_APPROVED_ONLY=1).
    approved_only: bool = Field(False, env="IMT_APPROVED_ONLY")
    # Clinicians' sign-offs (written by `python -m knowledge.review`); a hospital may keep its own.
    approvals_file: Path = Field(ROOT / "knowledge" / "approvals.yml", env="IMT_APPROVALS_FILE")
    # An approval older than this shows as "review due" in answers and in the review sheet.
    review_period_months: int = Field(12, env="IMT_REVIEW_PERIOD_MONTHS", ge=1, le=120)
    # One message-size limit for every channel; the widget reads it from the server.
    max_message_chars: int = Field(1000, env="IMT_MAX_MESSAGE_CHARS", ge=50, le=20000)
    # Requests a minute on the public endpoints (REST, widget, feedback), per conversation
    # and per client address; a burst of that many, then a steady pace. The Slack app reaches
    # the REST channel from one address, so the address limit also bounds all Slack traffic.
    rate_per_sender: int = Field(20, env="IMT_RATE_PER_SENDER", ge=1)
    rate_per_address: int = Field(300, env="IMT_RATE_PER_ADDRESS", ge=1)

    # Where the launcher puts the servers.
    rasa_port: int = Field(5005, env="RASA_PORT")
    actions_port: int = Field(5055, env="ACTIONS_PORT")
    rasa_url: str = Field("http://127.0.0.1:5005", env="RASA_URL")

    # Rasa's HTTP API (/model/parse, /conversations/…): off unless asked for; when on, it
    # needs a token (passed as ?token=) or JWT, and a bind beyond loopback needs one of them.
    api_enabled: bool = Field(False, env="IMT_ENABLE_API")
    api_token: Optional[SecretStr] = Field(None, env="IMT_API_TOKEN")
    api_jwt_secret: Optional[SecretStr] = Field(None, env="IMT_API_JWT_SECRET")
    bind_host: str = Field("127.0.0.1", env="IMT_BIND_HOST")
    # Origins (scheme://host[:port], comma-separated) allowed to call the server from a
    # browser and to frame the widget; empty means same origin only. Never "*".
    cors_origins: str = Field("", env="IMT_CORS_ORIGINS")
    # Development only: log message text and conversation ids (Rasa --debug).
    log_text: bool = Field(False, env="IMT_LOG_TEXT")
    # Signs the conversation ids the web widget is issued; a random key is kept in
    # web_secret_file when this is unset.
    web_secret: Optional[SecretStr] = Field(None, env="IMT_WEB_SECRET")
    web_secret_file: Path = Field(VAR_DIR / "web_secret.key", env="IMT_WEB_SECRET_FILE")

    # Local stores (SQLite by default).
    tracker_db: Path = Field(VAR_DIR / "trackers.db", env="IMT_TRACKER_DB")
    feedback_db: Path = Field(VAR_DIR / "feedback.db", env="IMT_FEEDBACK_DB")
    slack_db: Path = Field(VAR_DIR / "slack.db", env="IMT_SLACK_DB")
    # Shared stores, for several servers behind a load balancer (the production profile):
    # the Slack event log and the feedback in this SQL database (a SQLAlchemy URL, e.g.
    # postgresql://user:password@host:5432/db) instead of the SQLite files above, and the
    # rate limits' token buckets in this Redis (redis://host:6379/0) instead of in-process.
    shared_db_url: Optional[SecretStr] = Field(None, env="IMT_SHARED_DB_URL")
    rate_limit_redis_url: Optional[SecretStr] = Field(None, env="IMT_RATE_LIMIT_REDIS_URL")

    # Slack app.
    slack_mode: str = Field("socket", env="SLACK_MODE")
    slack_bot_token: Optional[str] = Field(None, env="SLACK_BOT_TOKEN")
    slack_app_token: Optional[str] = Field(None, env="SLACK_APP_TOKEN")
    slack_signing_secret: Optional[str] = Field(None, env="SLACK_SIGNING_SECRET")
    # HTTP mode's listening address: loopback by default, for a reverse proxy on the same
    # machine to forward to; 0.0.0.0 (or one interface's address) to be reached from elsewhere.
    slack_host: str = Field("127.0.0.1", env="SLACK_HOST")
    slack_port: int = Field(3000, env="SLACK_PORT", ge=0, le=65535)

    class Config:
        case_sensitive = False

    @validator("slack_mode")
    def _known_mode(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("socket", "http"):
            raise ValueError(f"SLACK_MODE must be 'socket' or 'http', not {value!r}")
        return value

    @validator("slack_host")
    def _host_given(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("SLACK_HOST must be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0")
        return value

    @validator("cors_origins")
    def _explicit_origins(cls, value: str) -> str:
        for origin in split_origins(value):
            parts = urlsplit(origin)
            if origin == "*" or parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
                raise ValueError(f"IMT_CORS_ORIGINS takes origins like https://example.org, not {origin!r}")
        return value

    @property
    def allowed_origins(self) -> List[str]:
        return split_origins(self.cors_origins)


def split_origins(value: str) -> List[str]:
    return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
