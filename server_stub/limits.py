"""Pure ASGI middlewares that protect the service before any endpoint code runs.

* :class:`BodyLimitMiddleware` reads a request body while counting: a ``Content-Length`` over
  the cap is refused before reading, a chunked body is refused the moment it passes the cap
  (the rest is never read, so memory stays bounded), and a gzip body is decompressed
  incrementally with a cap on the output (a zip bomb stops at the cap, not at the end).
  The endpoint then sees a plain, complete body.
* :class:`RateLimitMiddleware` is a token bucket per bearer token (keyed by a hash of the
  header, never the token itself) or per client address without one → 429 + ``Retry-After``.

Response compression is starlette's ``GZipMiddleware`` (see :mod:`.app`).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any

from server_stub.errors import BadRequest, HttpError, RateLimited, TooLarge
from server_stub.logs import send_error

_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})
_STEP = 1024 * 1024


def _header(scope: dict[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


class _Reject(Exception):
    def __init__(self, error: HttpError) -> None:
        self.error = error


class _Inflater:
    """Incremental gzip decoding that never produces more than ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> None:
        try:
            while data:
                if self._z.eof:
                    raise _Reject(BadRequest("server.bad_gzip"))
                # Bounded steps: at most 1 MiB of output per call, so zlib never holds a
                # second copy of the whole body while we are still under the cap.
                out = self._z.decompress(data, min(self.limit - self.size + 1, _STEP))
                self._take(out)
                data = self._z.unconsumed_tail
        except zlib.error:
            raise _Reject(BadRequest("server.bad_gzip")) from None

    def _take(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.limit:
            raise _Reject(TooLarge(limit=self.limit))
        self.parts.append(out)

    def finish(self) -> bytes:
        try:
            self._take(self._z.flush(self.limit - self.size + 1))
        except zlib.error:
            raise _Reject(BadRequest("server.bad_gzip")) from None
        if not self._z.eof or self._z.unused_data:
            raise _Reject(BadRequest("server.bad_gzip"))
        return b"".join(self.parts)


class BodyLimitMiddleware:
    """Read and bound the request body (and un-gzip it) before the app sees it."""

    def __init__(self, app: Any, max_body_bytes: int, max_decompressed_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_inflated = max_decompressed_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") in _NO_BODY:
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read(scope, receive)
        except _Reject as reject:
            await send_error(send, reject.error, [(b"connection", b"close")])
            return
        headers = [(k, v) for k, v in scope.get("headers", [])
                   if k not in (b"content-encoding", b"content-length", b"transfer-encoding")]
        headers.append((b"content-length", str(len(body)).encode()))
        delivered = False

        async def replay() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return dict(await receive())

        await self.app({**scope, "headers": headers}, replay, send)

    async def _read(self, scope: dict[str, Any], receive: Any) -> bytes:
        encoding = (_header(scope, b"content-encoding") or b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip"):
            raise _Reject(BadRequest("server.bad_encoding",
                                     encoding=encoding.decode("latin-1")[:40]))
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_body:
            raise _Reject(TooLarge(limit=self.max_body))
        inflater = _Inflater(self.max_inflated) if encoding == b"gzip" else None
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Reject(BadRequest("server.disconnected"))
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _Reject(TooLarge(limit=self.max_body))
            if inflater is not None:
                inflater.feed(chunk)
            elif chunk:
                parts.append(chunk)
            if not message.get("more_body", False):
                break
        return inflater.finish() if inflater is not None else b"".join(parts)


class TokenBuckets:
    """Token buckets in memory: ``rate`` per second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token of ``key``; 0.0 when allowed, else the seconds until one is free."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > 10_000:
                self._prune(now)
        return wait

    def _prune(self, now: float) -> None:
        full_after = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}


class RateLimitMiddleware:
    """429 with ``Retry-After`` once a token (or an anonymous client) outruns its bucket."""

    def __init__(self, app: Any, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate, burst, clock)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        auth = _header(scope, b"authorization")
        if auth:
            key = "t:" + hashlib.sha256(auth).hexdigest()
        else:
            client = scope.get("client") or ("?", 0)
            key = f"ip:{client[0]}"
        wait = self.buckets.take(key)
        if wait > 0:
            # The header is whole seconds (HTTP); the body carries the exact wait.
            seconds = max(1, math.ceil(wait))
            await send_error(send, RateLimited(seconds=seconds, retry_after=round(wait, 3),
                                               headers={"Retry-After": str(seconds)}))
            return
        await self.app(scope, receive, send)
