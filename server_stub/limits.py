"""Pure ASGI middlewares that protect the service before any endpoint code runs, and the
per-principal budgets they (and the endpoints) spend.

* :class:`RateLimitMiddleware` decides who is asking (the *principal*): the id of the
  authenticated token — the ``Authorization`` value is normalised as authentication does, so
  ``bearer``, ``Bearer`` or extra spaces are one principal — or, without a valid token, the
  client's address (the socket peer; ``X-Forwarded-For`` only from a configured trusted
  proxy).  Pushes are authenticated here, before their body is read.  Each principal has a
  request bucket, a cap on requests in flight, and is refused before any work while its op
  or byte budget is spent (429 + ``Retry-After``).
* :class:`BodyLimitMiddleware` reads a request body while counting: a ``Content-Length`` over
  the cap is refused before reading, a chunked body is refused the moment it passes the cap
  (the rest is never read, so memory stays bounded), and a gzip body is decompressed
  incrementally with a cap on the output (a zip bomb stops at the cap, not at the end) and on
  the time spent decompressing.  Decompressed bytes are charged to the principal's byte
  budget as they come.  The endpoint then sees a plain, complete body.
* :class:`Limiter` holds the budgets: requests, ops (charged by the endpoint once the body is
  parsed, before an op is applied) and bytes (decompressed request bodies, and the records a
  pull sends back) per second, each with a burst.  A
  request is admitted while its principal has something left; the one that overdraws a
  budget is served, and the principal's next requests are refused — before any work — until
  the debt is paid back.  So the sustained rate is the budget's, whatever the request sizes,
  and no refused request costs more than authenticating it.

Fairness (see :class:`~server_stub.settings.ServerSettings`): one principal's sustained work
is bounded by its budgets (defaults: 1,000 ops/s, 2 MiB/s, 50 requests/s, 4 in flight, one
push at a time), whatever it sends and however many connections it opens: **one office
flooding the service cannot reduce another office's sync throughput by more than 40 %**
(``bench/fairness.py``, a real uvicorn process on loopback; medians of 16–33 % measured on a
2-core machine, against 29–97 % without these budgets).  The rest is the price of receiving
and refusing requests at all, which only the reverse proxy in front (per-address connection
and rate limits) or the office's link can bound.

Responses are compressed by :mod:`.compression` (zstd, or gzip for clients without it).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from server_stub.auth import Principal, bearer, hash_token
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
    """Incremental gzip decoding that never produces more than ``limit`` bytes, nor spends
    more than ``seconds`` decompressing; ``charge`` is told of every decompressed chunk."""

    def __init__(
        self, limit: int, seconds: float = math.inf, charge: Callable[[int], None] | None = None
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self.spent = 0.0
        self.size = 0
        self.parts: list[bytes] = []
        self.charge = charge
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> None:
        try:
            while data:
                if self._z.eof:
                    raise _Reject(BadRequest("server.bad_gzip"))
                # Bounded steps: at most 1 MiB of output per call, so zlib never holds a
                # second copy of the whole body while we are still under the cap.
                started = time.perf_counter()
                out = self._z.decompress(data, min(self.limit - self.size + 1, _STEP))
                self._take(out, started)
                data = self._z.unconsumed_tail
        except zlib.error:
            raise _Reject(BadRequest("server.bad_gzip")) from None

    def _take(self, out: bytes, started: float) -> None:
        self.spent += time.perf_counter() - started
        self.size += len(out)
        if self.size > self.limit:
            raise _Reject(TooLarge(limit=self.limit))
        if self.spent > self.seconds:
            raise _Reject(TooLarge("server.inflate_slow", seconds=self.seconds))
        if self.charge is not None:
            self.charge(len(out))
        self.parts.append(out)

    def finish(self) -> bytes:
        try:
            started = time.perf_counter()
            self._take(self._z.flush(self.limit - self.size + 1), started)
        except zlib.error:
            raise _Reject(BadRequest("server.bad_gzip")) from None
        if not self._z.eof or self._z.unused_data:
            raise _Reject(BadRequest("server.bad_gzip"))
        return b"".join(self.parts)


class BodyLimitMiddleware:
    """Read and bound the request body (and un-gzip it) before the app sees it.

    The decompressed bytes are charged to the principal the rate-limit layer found (its key
    in ``scope["state"]["limit_key"]``); a principal that has spent its byte budget is
    refused before anything is read (by that layer).
    """

    def __init__(
        self,
        app: Any,
        max_body_bytes: int,
        max_decompressed_bytes: int,
        limiter: Limiter | None = None,
        inflate_seconds: float = math.inf,
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_inflated = max_decompressed_bytes
        self.limiter = limiter
        self.inflate_seconds = inflate_seconds

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") in _NO_BODY:
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read(scope, receive)
        except _Reject as reject:
            await send_error(send, reject.error, [(b"connection", b"close")])
            return
        headers = [
            (k, v)
            for k, v in scope.get("headers", [])
            if k not in (b"content-encoding", b"content-length", b"transfer-encoding")
        ]
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
            raise _Reject(
                BadRequest("server.bad_encoding", encoding=encoding.decode("latin-1")[:40])
            )
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_body:
            raise _Reject(TooLarge(limit=self.max_body))
        charge = None
        key = scope.get("state", {}).get("limit_key")
        if self.limiter is not None and key is not None:
            limiter = self.limiter

            def charge(size: int) -> None:
                limiter.bytes.charge(key, size)

        inflater = (
            _Inflater(self.max_inflated, self.inflate_seconds, charge)
            if encoding == b"gzip"
            else None
        )
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
                if charge is not None:
                    charge(len(chunk))
            if not message.get("more_body", False):
                break
        return inflater.finish() if inflater is not None else b"".join(parts)


class TokenBuckets:
    """Token buckets in memory: ``rate`` per second, at most ``burst`` saved up.

    :meth:`take` spends only what is there (requests, ops: the cost is known before the
    work); :meth:`charge` may run into debt (decompressed bytes: known only as they come),
    and :meth:`wait` then refuses the principal until the debt is paid back.
    """

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate)

    def take(self, key: str, cost: float = 1.0) -> float:
        """Spend ``cost`` of ``key``; 0.0 when allowed, else the seconds until it could be."""
        now = self.clock()
        with self._lock:
            tokens = self._level(key, now)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (cost - tokens) / self.rate
            if len(self._buckets) > 10_000:
                self._prune(now)
        return wait

    def charge(self, key: str, cost: float) -> None:
        """Spend ``cost`` of ``key`` even into debt."""
        now = self.clock()
        with self._lock:
            self._buckets[key] = (self._level(key, now) - cost, now)

    def wait(self, key: str) -> float:
        """0.0 when ``key`` has something left, else the seconds until it has."""
        now = self.clock()
        with self._lock:
            tokens = self._level(key, now)
        return 0.0 if tokens > 0 else (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        full_after = self.burst / self.rate
        self._buckets = {
            k: v for k, v in self._buckets.items() if now - v[1] < full_after or v[0] < self.burst
        }


def rate_limited(wait: float) -> RateLimited:
    """429 with ``Retry-After`` (whole seconds, HTTP) and the exact wait in the body."""
    seconds = max(1, math.ceil(wait))
    return RateLimited(
        seconds=seconds, retry_after=round(wait, 3), headers={"Retry-After": str(seconds)}
    )


class Limiter:
    """Every budget of every principal, and which token hash belongs to which token id.

    ``requests``: requests per second (``rate``/``burst``), for every principal;
    ``ops``: pushed ops per second, per token (charged when a push is parsed; a token in
    debt is refused before its next body is read);
    ``bytes``: bytes per second moved for a principal — request bodies (decompressed) and
    the answers to its pulls — (likewise);
    ``max_inflight``: requests of one principal being served at once, of which one push.
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        ops_rate: float = math.inf,
        ops_burst: int = 1,
        bytes_rate: float = math.inf,
        bytes_burst: int = 1,
        max_inflight: int = 1_000_000,
        trusted_proxies: Iterable[str] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.requests = TokenBuckets(rate, burst, clock)
        self.ops = TokenBuckets(ops_rate, ops_burst, clock)
        self.bytes = TokenBuckets(bytes_rate, bytes_burst, clock)
        self.max_inflight = max_inflight
        self.trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
        self._known: dict[str, str] = {}  # token hash → token id, of tokens that worked
        self._inflight: dict[str, int] = {}
        self._pushing: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    # --- who is asking -----------------------------------------------------------------
    @staticmethod
    def token_key(token_id: str) -> str:
        return "t:" + token_id

    def remember(self, token: str, token_id: str) -> bool:
        """``token`` authenticated as ``token_id``: its requests count as that principal's.

        The first time, the request (charged to the address, the token being unknown) is
        charged to the token too.  True when the token was new."""
        digest = hash_token(token)
        with self._lock:
            if self._known.get(digest) == token_id:
                return False
            if len(self._known) >= 100_000:
                self._known.clear()
            self._known[digest] = token_id
        self.requests.take(self.token_key(token_id))
        return True

    def forget(self, token: str) -> None:
        with self._lock:
            self._known.pop(hash_token(token), None)

    def known(self, token: str | None) -> str | None:
        if not token:
            return None
        return self._known.get(hash_token(token))

    def client_address(self, scope: dict[str, Any]) -> str:
        """The socket peer; behind a trusted proxy, the last address it did not add."""
        peer = (scope.get("client") or ("?", 0))[0]
        if not self.trusted or not self._trusted(peer):
            return str(peer)
        forwarded = _header(scope, b"x-forwarded-for")
        if not forwarded:
            return str(peer)
        hops = [h.strip() for h in forwarded.decode("latin-1").split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop[:64]
        return str(peer)

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted)

    # --- requests in flight ----------------------------------------------------------------
    def enter(self, key: str, push: bool = False) -> bool:
        """Count a request of ``key`` in; False when it has ``max_inflight`` already, or
        (``push``) a push already: one principal's pushes are applied one after the other
        anyway (one write lock), and one at a time none can overdraw its op budget by more
        than one push."""
        with self._lock:
            count = self._inflight.get(key, 0)
            if count >= self.max_inflight or (push and ("push", key) in self._pushing):
                return False
            self._inflight[key] = count + 1
            if push:
                self._pushing.add(("push", key))
            return True

    def leave(self, key: str, push: bool = False) -> None:
        with self._lock:
            count = self._inflight.get(key, 1) - 1
            if count <= 0:
                self._inflight.pop(key, None)
            else:
                self._inflight[key] = count
            if push:
                self._pushing.discard(("push", key))

    # --- work ----------------------------------------------------------------------------------
    def spend_ops(self, who: Principal, count: int) -> None:
        """Charge ``count`` ops to ``who``, before they are applied.

        The request was admitted because the token had ops left; it may overdraw them (the
        count is known only once the body is parsed, and refusing a parsed request would
        waste the parsing): then the token's next requests are refused, before their body is
        read, until the debt is paid back at ``ops_rate``.
        """
        if count > 0:
            self.ops.charge(self.token_key(who.token_id), count)

    def spend_bytes(self, who: Principal, response: bytes) -> bytes:
        """Charge a pull's answer to ``who``'s byte budget (reading and sending records is
        work too); returns ``response``.  Like the op budget, it may be overdrawn once."""
        self.bytes.charge(self.token_key(who.token_id), len(response))
        return response


_CLOSE = [(b"connection", b"close")]


def _large_body(scope: dict[str, Any]) -> bool:
    if scope.get("method") in _NO_BODY:
        return False
    length = _header(scope, b"content-length")
    return length is None or not length.strip().isdigit() or int(length) > 65_536


#: Requests whose body is only read once the token is known to be good.
_PUSHES = frozenset({("POST", "/v1/sync"), ("POST", "/v1/push")})
Authenticate = Callable[[str | None], Awaitable[Principal]]


class RateLimitMiddleware:
    """429 with ``Retry-After`` once a principal outruns its request, op or byte budget, or
    has too many requests in flight; pushes of an invalid token are answered 401 here,
    before their body is read (see the module docstring)."""

    def __init__(
        self, app: Any, limiter: Limiter, authenticate: Authenticate | None = None
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.authenticate = authenticate

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limiter = self.limiter
        raw = _header(scope, b"authorization")
        token = bearer(raw.decode("latin-1")) if raw else None
        token_id = limiter.known(token)
        key = limiter.token_key(token_id) if token_id else "ip:" + limiter.client_address(scope)
        wait = limiter.requests.take(key)
        state = scope.setdefault("state", {})
        if (
            wait == 0
            and (scope.get("method"), scope.get("path")) in _PUSHES
            and self.authenticate is not None
        ):
            try:
                who = await self.authenticate(raw.decode("latin-1") if raw else None)
            except HttpError as error:
                if token:
                    limiter.forget(token)
                await send_error(send, error, _CLOSE)
                return
            if token:
                limiter.remember(token, who.token_id)
            state.update(principal=who, office=who.office, token_id=who.token_id)
            key = limiter.token_key(who.token_id)
            wait = max(limiter.ops.wait(key), limiter.bytes.wait(key))
        elif wait == 0:
            wait = limiter.bytes.wait(key)
        # A refused request's body is never read: for a large (or unsized) one, closing the
        # connection spares receiving it.
        close = _CLOSE if _large_body(scope) else None
        if wait > 0:
            await send_error(send, rate_limited(wait), close)
            return
        push = (scope.get("method"), scope.get("path")) in _PUSHES
        if not limiter.enter(key, push):
            await send_error(send, rate_limited(1.0), close)
            return
        state["limit_key"] = key
        try:
            await self.app(scope, receive, send)
        finally:
            limiter.leave(key, push)
