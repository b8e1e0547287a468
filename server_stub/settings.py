"""The central service's settings, from arguments or ``SOTAY_SERVER_*`` environment variables.

There is no module-level settings object: :func:`server_stub.app.create_app` takes one, so
tests and several apps in one process never share state by accident.

**Fair share.**  Every budget is per principal — a token (after normalising the
``Authorization`` header), or the client address for requests without a valid token — and
counts work, not only requests: ops pushed, bytes moved (request bodies decompressed, pull
answers), requests in flight (one push at a time).  The one that overdraws a budget is
served; the principal's next requests are refused (429 + ``Retry-After``, which the sync
client honours) before they do any work.  With the defaults one token gets at most
1,000 ops/s and 2 MiB/s sustained — about a tenth of what this service applies on a 2-core
machine — and large pushes are applied in chunks of 250 ops, so they do not hold the write
lock for long.

**One office flooding the service cannot reduce another office's sync throughput by more
than 40 %** (the other office keeps ≥ 60 %), measured by ``bench/fairness.py`` over a real
uvicorn process on loopback: a flood on 8 connections that never waits — pushes of 2,500
records, full pulls, or 2.5 MB bodies under junk tokens.  Median reductions on the 2-core
test machine: 16–33 % (before these limits: 29–97 %).  What remains is the cost of receiving
and refusing requests at all (≈ 0.25 ms each, plus the bytes), which only a limit in front of
the service (the reverse proxy's per-address connection and rate limits) or the office's own
link bounds.  Budgets are per token: an office given several tokens has several shares.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from sync.protocol import DEFAULT_PULL_LIMIT, MAX_OPS_PER_PUSH, MAX_PULL_BYTES, MAX_PULL_LIMIT

MIB = 1024 * 1024


class ServerSettings(BaseSettings):
    """Every knob of the service.  Defaults suit one provincial deployment on one machine."""

    model_config = SettingsConfigDict(env_prefix="SOTAY_SERVER_", extra="ignore")

    #: The database: a SQLite file (created on first use) or a ``postgresql://`` URL.
    db: str | Path = "sotay-server.db"
    #: ``FULL`` fsyncs the WAL on every commit, so an acknowledged push survives even a power
    #: cut (a replica drops acknowledged ops from its outbox, so losing one would lose data for
    #: good).  ``NORMAL`` survives a killed server process but may lose the last commits on
    #: power loss; it saves about 0.3 ms per push.
    synchronous: Literal["FULL", "NORMAL"] = "FULL"
    #: PostgreSQL: connections per server process (requests beyond it wait for one).  SQLite
    #: opens one per thread instead, and ``synchronous`` is SQLite's alone.
    db_pool_size: int = Field(default=8, ge=1)
    #: Largest request body on the wire (compressed or not).
    max_body_bytes: int = Field(default=8 * MIB, ge=1024)
    #: Largest request body after gzip decompression (zip bombs stop here).  A replica's
    #: push is ~2 MB (its batches are cut at 2 MB); parsing a body takes a few times its
    #: size in memory, so this also bounds one request's memory.
    max_decompressed_bytes: int = Field(default=16 * MIB, ge=1024)
    #: Sustained requests per second per principal (a token, or an address without a valid
    #: token), and the burst it may spend at once.
    rate: float = Field(default=50.0, gt=0)
    burst: int = Field(default=200, ge=1)
    #: Pushed ops per second per token, and the burst (at least one full push: 5,000 ops).
    #: A token that overdrew it is refused (429) before its next body is read.
    ops_rate: float = Field(default=1_000.0, gt=0)
    ops_burst: int = Field(default=10_000, ge=MAX_OPS_PER_PUSH)
    #: Bytes per second per principal — request bodies (decompressed) and the answers to its
    #: pulls — and the burst (an initial pull of ~60,000 records fits in it); a principal
    #: that overdrew it is refused before its next request does any work.
    bytes_rate: float = Field(default=2.0 * MIB, gt=0)
    bytes_burst: int = Field(default=64 * MIB, ge=1024)
    #: Requests of one principal served at once (more get 429 at once): with the body caps
    #: this bounds the memory one office can make the service hold.
    max_inflight: int = Field(default=4, ge=1)
    #: CPU seconds one request may spend decompressing its body (413 beyond).
    inflate_seconds: float = Field(default=2.0, gt=0)
    #: Proxies (addresses or networks) whose ``X-Forwarded-For`` names the client.  Empty
    #: (the default): the socket peer is the client, whatever a request claims.
    trusted_proxies: list[str] = Field(default_factory=list)
    #: Ops applied per write transaction: a larger push is applied (and made durable) in
    #: chunks, so other offices' syncs are not held up behind it.
    push_chunk_ops: int = Field(default=250, ge=1)
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
        if self.bytes_burst < self.max_decompressed_bytes:
            self.bytes_burst = self.max_decompressed_bytes  # a largest body always fits once
        return self
