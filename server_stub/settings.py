"""The central service's settings, from arguments or ``SOTAY_SERVER_*`` environment variables.

There is no module-level settings object: :func:`server_stub.app.create_app` takes one, so
tests and several apps in one process never share state by accident.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sync.protocol import DEFAULT_PULL_LIMIT, MAX_PULL_BYTES, MAX_PULL_LIMIT

MIB = 1024 * 1024


class ServerSettings(BaseSettings):
    """Every knob of the service.  Defaults suit one provincial deployment on one machine."""

    model_config = SettingsConfigDict(env_prefix="SOTAY_SERVER_", extra="ignore")

    #: The SQLite database file (created on first use).
    db: Path = Path("sotay-server.db")
    #: ``FULL`` fsyncs the WAL on every commit, so an acknowledged push survives even a power
    #: cut (a replica drops acknowledged ops from its outbox, so losing one would lose data for
    #: good).  ``NORMAL`` survives a killed server process but may lose the last commits on
    #: power loss; it saves about 0.3 ms per push.
    synchronous: Literal["FULL", "NORMAL"] = "FULL"
    #: Largest request body on the wire (compressed or not).
    max_body_bytes: int = Field(default=8 * MIB, ge=1024)
    #: Largest request body after gzip decompression (zip bombs stop here).
    max_decompressed_bytes: int = Field(default=32 * MIB, ge=1024)
    #: Sustained requests per second per token, and the burst a token may spend at once.
    rate: float = Field(default=50.0, gt=0)
    burst: int = Field(default=200, ge=1)
    #: Pull pages: default and largest record count, byte budget, rows scanned per page.
    pull_default_limit: int = Field(default=DEFAULT_PULL_LIMIT, ge=1, le=MAX_PULL_LIMIT)
    pull_max_limit: int = Field(default=MAX_PULL_LIMIT, ge=1, le=MAX_PULL_LIMIT)
    pull_max_bytes: int = Field(default=MAX_PULL_BYTES, ge=1024, le=MAX_PULL_BYTES)
    pull_scan_limit: int = Field(default=20_000, ge=1)
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    @model_validator(mode="after")
    def _limits_agree(self) -> ServerSettings:
        if self.pull_default_limit > self.pull_max_limit:
            self.pull_default_limit = self.pull_max_limit
        if self.max_decompressed_bytes < self.max_body_bytes:
            self.max_decompressed_bytes = self.max_body_bytes
        return self
