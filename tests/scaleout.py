"""The production profile (bot/deploy/) as the `scaleout` tests start it: its own data
folder (var/scaleout-test) and ports, so it runs beside a developer's `make prod-up`.

The services are installed from Debian's packages when missing; when that is not possible
the fixtures fail (they never skip): this tier exists to prove the profile runs.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "bot" / "deploy"
RASA_PORTS = (5611, 5612)
ACTIONS_PORTS = (5661, 5662)


def _test_environment(data_dir: Path, extra: Dict[str, str]) -> Dict[str, str]:
    return {
        "IMT_PROD_DIR": str(data_dir),
        "PROD_HTTP_PORT": "8081",
        "PROD_ACTIONS_LB_PORT": "5660",
        "PROD_RASA_PORTS": " ".join(map(str, RASA_PORTS)),
        "PROD_ACTIONS_PORTS": " ".join(map(str, ACTIONS_PORTS)),
        "IMT_PG_HOST": "127.0.0.1",
        "IMT_PG_PORT": "5633",
        "IMT_PG_DB": "imt",
        "IMT_PG_USER": "imt",
        "IMT_PG_PASSWORD": secrets.token_hex(12),
        "IMT_REDIS_HOST": "127.0.0.1",
        "IMT_REDIS_PORT": "5679",
        "IMT_REDIS_DB": "1",
        "IMT_ACTIONS_URL": "http://127.0.0.1:5660/webhook",
        "IMT_API_TOKEN": secrets.token_hex(16),
        "IMT_WEB_SECRET": secrets.token_hex(32),
        "IMT_ENABLE_API": "1",
        "IMT_LOG_TEXT": "0",
        "IMT_CORS_ORIGINS": "",
        **extra,
    }


@dataclass
class Profile:
    data_dir: Path
    env: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_tests(cls, **extra: str) -> Profile:
        data_dir = ROOT / "var" / "scaleout-test"
        return cls(data_dir, _test_environment(data_dir, extra))

    def run(self, script: str, *args: str) -> None:
        result = subprocess.run(
            ["bash", str(DEPLOY / script), *args],
            env={**os.environ, **self.env},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            command = " ".join([script, *args])
            raise RuntimeError(f"{command} failed ({result.returncode}):\n{result.stdout}{result.stderr}")

    def start_services(self) -> None:
        """Install what is missing; PostgreSQL and Redis from a clean data folder."""
        self.run("install.sh")
        self.run("down.sh")  # anything a crashed earlier run left, by its pid files
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.run("postgres.sh", "start")
        self.run("redis.sh", "start")

    def up(self) -> None:
        self.run("up.sh")

    def down(self) -> None:
        self.run("down.sh")

    # --- what the tests reach ------------------------------------------------------------
    @property
    def entry_url(self) -> str:
        return f"http://127.0.0.1:{self.env['PROD_HTTP_PORT']}"

    @property
    def rasa_urls(self) -> List[str]:
        return [f"http://127.0.0.1:{port}" for port in RASA_PORTS]

    @property
    def api_token(self) -> str:
        return self.env["IMT_API_TOKEN"]

    def log(self, name: str) -> str:
        return (self.data_dir / "log" / f"{name}.log").read_text(errors="replace")

    def tracker_store_options(self) -> Dict[str, Any]:
        env = self.env
        return {
            "dialect": "postgresql",
            "host": env["IMT_PG_HOST"],
            "port": int(env["IMT_PG_PORT"]),
            "username": env["IMT_PG_USER"],
            "password": env["IMT_PG_PASSWORD"],
        }

    def drop_database(self, name: str) -> None:
        import sqlalchemy as sa

        options = self.tracker_store_options()
        url = sa.engine.url.URL.create(
            "postgresql",
            options["username"],
            options["password"],
            options["host"],
            options["port"],
            database="postgres",
        )
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        engine.dispose()

    def redis(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=int(self.env["IMT_REDIS_PORT"]), db=int(self.env["IMT_REDIS_DB"]))
