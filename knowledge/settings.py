"""The one place that reads the environment.

Every process (Rasa server, action server, Slack app, tools) takes its settings from
`get_settings()`; nothing else calls `os.environ`. It lives in the core because the
action server, which may import only the core and rasa_sdk, needs it too.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

from pydantic import BaseSettings, Field, validator

ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = ROOT / "var"


class Settings(BaseSettings):
    # Knowledge base: serve approved entries only (IMT_APPROVED_ONLY=1).
    approved_only: bool = Field(False, env="IMT_APPROVED_ONLY")
    # One message-size limit for every channel; the widget reads it from the server.
    max_message_chars: int = Field(1000, env="IMT_MAX_MESSAGE_CHARS", ge=50, le=20000)

    # Where the launcher puts the servers.
    rasa_port: int = Field(5005, env="RASA_PORT")
    actions_port: int = Field(5055, env="ACTIONS_PORT")
    rasa_url: str = Field("http://127.0.0.1:5005", env="RASA_URL")

    # Local stores (SQLite by default).
    tracker_db: Path = Field(VAR_DIR / "trackers.db", env="IMT_TRACKER_DB")
    feedback_db: Path = Field(VAR_DIR / "feedback.db", env="IMT_FEEDBACK_DB")
    slack_db: Path = Field(VAR_DIR / "slack.db", env="IMT_SLACK_DB")

    # Slack app.
    slack_mode: str = Field("socket", env="SLACK_MODE")
    slack_bot_token: Optional[str] = Field(None, env="SLACK_BOT_TOKEN")
    slack_app_token: Optional[str] = Field(None, env="SLACK_APP_TOKEN")
    slack_signing_secret: Optional[str] = Field(None, env="SLACK_SIGNING_SECRET")
    slack_port: int = Field(3000, env="SLACK_PORT")

    class Config:
        case_sensitive = False

    @validator("slack_mode")
    def _known_mode(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("socket", "http"):
            raise ValueError(f"SLACK_MODE must be 'socket' or 'http', not {value!r}")
        return value


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
