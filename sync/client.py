"""The sync client: push the outbox, pull the change feed, over slow and lossy links.

One ``POST /v1/sync`` carries a batch of ops and the pull cursor and answers both, so an idle
sync is one small round trip.  Everything a response brings — the answers to the ops, the
page of records, the new cursor — is committed in ONE store transaction, so a cut at any
moment leaves the replica consistent and the next sync resumes where this one stopped
(re-sending a batch is harmless: the server skips op numbers it has seen).  A pull of several
pages asks for the next page before it writes the one it has (:meth:`SyncClient._ask_next_page`),
so the server and the replica work at once.

The transport is injected: tests pass ``httpx.ASGITransport(app=create_app(...))`` or an
``httpx.MockTransport``; the app uses the default network transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import ssl
import struct
import time
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from domain.i18n import resolve_lang
from sync import apply
from sync.apply import Position, Taken
from sync.errors import (
    AuthFailed,
    Forbidden,
    NotLoggedIn,
    Offline,
    ProtocolError,
    ServerForgot,
    ServerMismatch,
    ServerUnavailable,
    SyncError,
    UpgradeRequired,
)
from sync.protocol_rules import DEFAULT_PULL_LIMIT, MAX_OPS_PER_PUSH, SCHEMA_VERSION
from sync.store import Store

#: A server that is there accepts within 2 s and starts answering within 12 s.  Timeouts are
#: per read or write, not per request: a 2 MB batch over a 50 kbit/s link takes minutes, but
#: each 64 KiB chunk of it goes in about 10 s.
DEFAULT_TIMEOUT = httpx.Timeout(connect=2.0, read=12.0, write=15.0, pool=2.0)
#: How long one request may go on failing before it gives up: a refused or unreachable
#: server fails within CONNECT_BUDGET, a hung one (accepts, never answers) within BUDGET.
CONNECT_BUDGET = 1.5
BUDGET = 17.0
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
CLOCK_WARNING_SECONDS = 300.0
GZIP_MIN_BYTES = 1024
#: The request bodies' deflate level: 5 is the least that keeps an initial push of 10,000
#: records within its 2 MB (bench/sync.py).
GZIP_LEVEL = 5
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, OS unknown
USER_AGENT = "sotay/0.1"


@dataclass
class SyncProgress:
    """For the interface's progress bar: ops sent of those pending, records received."""

    phase: str
    sent: int
    to_send: int
    received: int


@dataclass
class SyncResult(Taken):
    """What a whole sync did: :class:`sync.apply.Taken` summed over its exchanges."""

    requests: int = 0
    clock_skew: float | None = None
    server_time: datetime | None = None

    @property
    def clock_warning(self) -> bool:
        return self.clock_skew is not None and abs(self.clock_skew) > CLOCK_WARNING_SECONDS


def _no_connection(exc: httpx.TransportError) -> bool:
    """Nobody took the connection: refused, unreachable, or no answer to the handshake."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)


def _retry_after(response: httpx.Response) -> float | None:
    """How long the server asked us to wait: ``Retry-After`` is in whole seconds (HTTP), so
    the exact wait its body gives (``retry_after``, our server's 429) is taken when it is
    shorter — a limit met for 0.1 s had every office wait 1 s.  None: the server said nothing."""
    header = None
    with contextlib.suppress(ValueError):
        header = float(response.headers.get("Retry-After", ""))
    exact = None
    with contextlib.suppress(orjson.JSONDecodeError, AttributeError):
        exact = orjson.loads(response.content).get("retry_after")
    if isinstance(exact, int | float) and not isinstance(exact, bool) and exact >= 0:
        return float(exact) if header is None else min(float(exact), header)
    return header


def _reason(exc: httpx.TransportError) -> str:
    """Why the server could not be reached, as a key a person reads in their language."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "§sync.reason.unreachable"
    if isinstance(exc, httpx.ConnectError):
        return "§sync.reason.refused"
    if isinstance(exc, httpx.TimeoutException):
        return "§sync.reason.no_answer"
    return "§sync.reason.cut"


def _past(budget: float | None, spent: float) -> bool:
    return budget is not None and spent > budget


def _transport_for(url: str) -> httpx.AsyncBaseTransport | None:
    """httpx's default transport loads the certificate store at every start (in a profile,
    longer than the whole exchange of an idle ``sotay sync``).  A plain ``http://`` server
    has no certificate to check: its transport gets a context that trusts nobody (a TLS
    connection would fail, never pass unverified).  ``https://`` keeps httpx's verifying
    default (None)."""
    if httpx.URL(url).scheme != "http":
        return None
    return httpx.AsyncHTTPTransport(verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))


class _TooLarge(Exception):
    """413: the batch must be split."""


def _deflate(data: bytes, *, last: bool = False) -> bytes:
    """``data`` as raw deflate blocks that refer to nothing before them and end on a byte
    (a full flush): blocks deflated apart — the ops ahead of time, the envelope at the
    last moment — join into one valid stream; ``last`` ends the stream."""
    z = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return z.compress(data) + z.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def _gzip(parts: Sequence[bytes], deflated: Sequence[bytes | None]) -> bytes:
    """One gzip member of ``parts`` joined, from each part's :func:`_deflate` blocks (those
    not made ahead of time are made here; the last part ends the stream)."""
    crc = size = 0
    blocks = [_GZIP_HEADER]
    for n, part in enumerate(parts):
        crc = zlib.crc32(part, crc)
        size += len(part)
        done = deflated[n]
        blocks.append(done if done is not None else _deflate(part, last=n == len(parts) - 1))
    blocks.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(blocks)


@dataclass
class _Ops:
    """A batch of ops to push: the ops, their JSON array (each op encoded once), whether
    ``batch_bytes`` cut it short, and the array's :func:`_deflate` blocks when they were
    made ahead of time."""

    ops: list[dict[str, Any]]
    encoded: bytes
    cut: bool = False
    deflated: bytes | None = None

    def follows(self, pending: list[dict[str, Any]]) -> bool:
        """Is this the batch :func:`_pack` makes of ``pending`` (the outbox's first ops)?"""
        count = len(self.ops)
        return pending[:count] == self.ops and (self.cut or len(pending) == count)


def _pack(noops: list[dict[str, Any]], pending: list[dict[str, Any]], limit: int) -> _Ops:
    """``noops``, then the ``pending`` ops that fit in ``limit`` bytes (at least one)."""
    ops = list(noops)
    encoded = [orjson.dumps(op) for op in noops]
    size = 0
    for op in pending:
        data = orjson.dumps(op)
        size += len(data)
        if ops and size > limit:
            return _Ops(ops, b"[" + b",".join(encoded) + b"]", cut=True)
        ops.append(op)
        encoded.append(data)
    return _Ops(ops, b"[" + b",".join(encoded) + b"]")


_NO_OPS = _Ops([], b"[]")


@dataclass(frozen=True)
class _Page:
    """A pull request sent before the answer before it was taken: the position it was asked
    from (where taking that answer leaves the replica) and its answer, to come."""

    at: Position
    answer: asyncio.Future[Any]


async def _settled(work: asyncio.Future[Any]) -> None:
    """Wait until ``work`` has ended, its outcome taken and left: nobody wants it now."""
    await asyncio.wait([work])
    if not work.cancelled():
        work.exception()


async def _dropped(answer: asyncio.Future[Any]) -> None:
    """Cancel an answer nobody will take, and wait until it has stopped (its error, if it
    failed first, is nobody's: a page not wanted)."""
    answer.cancel()
    await _settled(answer)


Sleep = Callable[[float], Awaitable[None]]


class SyncClient:
    def __init__(
        self,
        store: Store,
        *,
        server_url: str,
        token: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        retries: int = 6,
        budget: float | None = BUDGET,
        backoff: float = 0.5,
        max_backoff: float = 60.0,
        batch_ops: int = 2000,
        batch_bytes: int = 2_000_000,
        pull_limit: int | None = None,
        progress: Callable[[SyncProgress], None] | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not server_url or not token:
            raise NotLoggedIn()
        self.store = store
        self.server_url = server_url.rstrip("/")
        self.retries = retries
        self.budget = budget
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.batch_ops = min(batch_ops, MAX_OPS_PER_PUSH)
        self.batch_bytes = batch_bytes
        self.pull_limit = pull_limit or DEFAULT_PULL_LIMIT
        self.progress = progress
        self._sleep = sleep
        self._clock = clock or (lambda: datetime.now(UTC))
        #: within one sync: removals are being held back / everything is being fetched again
        self._holding = False
        self._refetch = self._refetched = False
        #: the batch being made ahead of time (see :meth:`_look_ahead`)
        self._ahead: asyncio.Future[_Ops] | None = None
        self._timeout = timeout or DEFAULT_TIMEOUT
        self._http = httpx.AsyncClient(
            base_url=self.server_url,
            transport=transport or _transport_for(self.server_url),
            timeout=self._timeout,
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": USER_AGENT,
                # zstd first: a 10k pull is ~20 % fewer bytes than at gzip, in less server time
                "Accept-Encoding": "zstd, gzip",
            },
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> SyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ http
    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        gzipped: bool = False,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """One request with retries on cuts, 5xx and 429 (honouring Retry-After); ``body``
        is JSON, gzip-compressed if ``gzipped``."""
        headers = {}
        if body is not None:
            headers["Content-Type"] = "application/json"
            if gzipped:
                headers["Content-Encoding"] = "gzip"
        attempt = 0
        start = time.monotonic()
        while True:
            try:
                response = await self._http.request(
                    method,
                    path,
                    content=body,
                    params=params,
                    headers=headers,
                    timeout=self._attempt_timeout(attempt, time.monotonic() - start),
                )
            except httpx.TransportError as exc:
                error: SyncError = Offline(server=self.server_url, detail=_reason(exc))
                wait = None
                budget = CONNECT_BUDGET if _no_connection(exc) else self.budget
            else:
                if response.status_code < 300:
                    return self._decode(response)
                error, wait = self._failure(response)
                budget = self.budget
            attempt += 1
            delay = self._delay(attempt, wait)
            if attempt > self.retries or _past(budget, time.monotonic() - start + delay):
                raise error
            await self._sleep(delay)

    def _attempt_timeout(self, attempt: int, spent: float) -> httpx.Timeout:
        """The client's timeouts; on a retry, cut to what is left of the budget."""
        base = self._timeout
        if attempt == 0 or self.budget is None:
            return base
        left = max(0.1, self.budget - spent)

        def cut(value: float | None) -> float:
            return left if value is None else min(value, left)

        return httpx.Timeout(
            connect=cut(base.connect),
            read=cut(base.read),
            write=cut(base.write),
            pool=cut(base.pool),
        )

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(self.max_backoff, retry_after)
        base = min(self.max_backoff, self.backoff * (2.0 ** (attempt - 1)))
        return base * (0.5 + random.random() / 2)

    def _decode(self, response: httpx.Response) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise ProtocolError(detail="JSON") from None

    def _failure(self, response: httpx.Response) -> tuple[SyncError, float | None]:
        """A retryable error with its wait, or raise at once for answers retrying cannot fix."""
        status = response.status_code
        detail = self._server_message(response)
        if status in RETRY_STATUS:
            return ServerUnavailable(server=self.server_url, status=status), _retry_after(response)
        if status == 413:
            raise _TooLarge()
        if status == 401:
            raise AuthFailed(detail=detail)
        if status == 403:
            raise Forbidden(detail=detail)
        if status == 426:
            raise UpgradeRequired(detail=detail)
        if status == 409:
            raise ServerMismatch(server=self.server_url, detail=detail)
        raise ProtocolError(detail=f"HTTP {status}: {detail}")

    @staticmethod
    def _server_message(response: httpx.Response) -> str:
        try:
            body = orjson.loads(response.content)
            key = "message" if resolve_lang() == "vi" else "message_en"
            return str(body.get(key) or body.get("message") or body.get("error"))
        except (orjson.JSONDecodeError, AttributeError):
            return response.reason_phrase or str(response.status_code)

    # ------------------------------------------------------------------ sync
    async def sync(self) -> SyncResult:
        """Push every pending op and pull until the server has nothing more; the store
        checkpoints once, after the last page (a push or pull of 10k: not twice)."""
        with self.store.one_checkpoint():
            return await self._sync()

    async def _sync(self) -> SyncResult:
        result = SyncResult()
        self._holding = False
        self._refetch = self._refetched = False
        noops: list[dict[str, Any]] = []
        total = self.store.pending_count()
        full = apply.position(self.store).full
        finished = False  # the last answer closed the sync (apply.take_answer)
        page: _Page | None = None  # the next pull page, asked for before this one is taken
        try:
            while True:
                answer = await self._page_asked(page, noops, result)
                batch = _NO_OPS
                if answer is None:
                    batch = await self._batch(noops)
                    try:
                        answer = await self._exchange(batch, result)
                    except _TooLarge:
                        if len(batch.ops) <= 1:
                            raise ProtocolError(detail="413") from None
                        self.batch_ops = max(1, len(batch.ops) // 2)
                        continue
                sweeping = full or self._refetched  # after a full pull: apply.finish's sweep
                page = self._ask_next_page(answer, batch, result)
                noops, finished = await self._take_beside(
                    page, answer, batch.ops, result, finish=not sweeping
                )
                self._report("push" if self.store.pending_count() else "pull", result, total)
                if finished or not self._more(answer, batch.ops, noops):
                    break
        finally:
            await self._drop_ahead()
            if page is not None:
                await _dropped(page.answer)
        if not finished:
            apply.finish(self.store, sweep=full or self._refetched, at=self._clock().isoformat())
        self._report("done", result, total)
        return result

    def _more(
        self, answer: dict[str, Any], batch: list[dict[str, Any]], noops: list[dict[str, Any]]
    ) -> bool:
        if noops or answer.get("has_more") or self._refetch:
            self._refetch = False
            return True
        if not self.store.pending_count():
            return False
        if batch and not answer.get("results"):
            raise ProtocolError(detail="no op was answered")
        return True

    async def _batch(self, noops: list[dict[str, Any]]) -> _Ops:
        """The next ops to send (:func:`_pack`): the batch made ahead of time while the last
        request was at the server, if it is still exactly the outbox's next one."""
        ahead = await self._drop_ahead()
        pending = self.store.pending_ops(self.batch_ops - len(noops))
        if ahead is not None and not noops and ahead.follows(pending):
            return ahead
        return _pack(noops, pending, self.batch_bytes)

    async def _drop_ahead(self) -> _Ops | None:
        """The batch being made ahead of time, once made (None if there is none)."""
        making, self._ahead = self._ahead, None
        return await making if making is not None else None

    def _look_ahead(self, batch: _Ops) -> None:
        """While ``batch`` is at the server, make the batch that should follow it in a worker
        thread (the other core): its ops encoded and deflated, in case they are still the
        outbox's next ones when the answer has been taken (:meth:`_batch` checks)."""
        sent = [op for op in batch.ops if not op.get("noop")]
        if not sent or self.store.pending_count() <= len(sent):
            return
        after, wanted = sent[-1]["op_seq"], len(sent) + self.batch_ops

        def make() -> _Ops:
            rest = [op for op in self.store.pending_ops(wanted) if op["op_seq"] > after]
            ahead = _pack([], rest[: self.batch_ops], self.batch_bytes)
            if len(ahead.encoded) >= GZIP_MIN_BYTES:
                ahead.deflated = _deflate(ahead.encoded)
            return ahead

        self._ahead = asyncio.get_running_loop().run_in_executor(None, make)

    async def _exchange(self, batch: _Ops, result: SyncResult) -> dict[str, Any]:
        """One request: ``batch`` (its JSON array as it is) and the pull cursor."""
        at = apply.position(self.store)
        return self._checked(await self._post(batch, at, result), at, result)

    # ------------------------------------------------------------- read-ahead
    def _ask_next_page(
        self, answer: dict[str, Any], batch: _Ops, result: SyncResult
    ) -> _Page | None:
        """A pull page with more after it, answering no ops, while nothing waits to be sent:
        ask for the next page now, from where taking this one will leave the cursor, so that
        the server makes it (and the link carries it) while this one is being taken."""
        if batch.ops or not answer.get("has_more") or type(answer.get("cursor")) is not int:
            return None
        if self.store.pending_count():
            return None
        after = apply.after(apply.position(self.store), answer)
        return _Page(after, asyncio.ensure_future(self._post(_NO_OPS, after, result)))

    async def _page_asked(
        self, page: _Page | None, noops: list[dict[str, Any]], result: SyncResult
    ) -> dict[str, Any] | None:
        """The page asked for ahead of time, if the replica now stands where it was asked
        from, with nothing to send; None otherwise (the page is dropped: a read, harmless)."""
        if page is None:
            return None
        if noops or self.store.pending_count() or apply.position(self.store) != page.at:
            await _dropped(page.answer)
            return None
        return self._checked(await page.answer, page.at, result)

    async def _take_beside(
        self,
        page: _Page | None,
        answer: dict[str, Any],
        batch: list[dict[str, Any]],
        result: SyncResult,
        *,
        finish: bool,
    ) -> tuple[list[dict[str, Any]], bool]:
        """:meth:`_take`; with a page asked for ahead, in a worker thread, so that this loop
        sends that request and reads its answer meanwhile.  Cancelled, it still lets the
        store's transaction end before the sync does."""
        if page is None:
            return self._take(answer, batch, result, finish=finish)
        work = asyncio.get_running_loop().run_in_executor(
            None, lambda: self._take(answer, batch, result, finish=finish)
        )
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            await _settled(work)  # the sync is cancelled, whatever the page's writing did
            raise

    # ------------------------------------------------------------------ post
    async def _post(self, batch: _Ops, at: Position, result: SyncResult) -> Any:
        """``POST /v1/sync`` of ``batch`` from position ``at``: the decoded answer, unchecked."""
        envelope: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "replica_id": at.replica_id,
            "since": at.since,
            "limit": self.pull_limit,
        }
        if at.full:
            envelope["include_own"] = True
        if at.since and at.since_tag:
            envelope["since_tag"] = at.since_tag
        parts = (orjson.dumps(envelope)[:-1] + b',"ops":', batch.encoded, b"}")
        gzipped = sum(map(len, parts)) >= GZIP_MIN_BYTES
        body = _gzip(parts, (None, batch.deflated, None)) if gzipped else b"".join(parts)
        self._look_ahead(batch)
        answer = await self._request("POST", "/v1/sync", body=body, gzipped=gzipped)
        result.requests += 1
        return answer

    def _checked(self, answer: Any, at: Position, result: SyncResult) -> dict[str, Any]:
        """A sync answer to a request made from ``at``, checked before any of it is taken."""
        if not isinstance(answer, dict) or "cursor" not in answer or "results" not in answer:
            raise ProtocolError(detail="sync response")
        self._check_server(answer, at)
        self._clock_check(answer, result)
        return answer

    def _check_server(self, answer: dict[str, Any], at: Position) -> None:
        """Never trust a different, reset or restored server with this replica's data."""
        server_id = answer.get("server_id")
        if at.server_id and server_id != at.server_id:
            raise ServerMismatch(server=self.server_url, detail=f"server_id {server_id}")
        head = answer.get("head")
        if isinstance(head, int) and head < at.since:
            raise ServerMismatch(server=self.server_url, detail=f"head {head} < cursor {at.since}")
        last = int(answer.get("last_op_seq", 0))
        if last < at.acked:  # checked before anything of this answer is taken
            raise ServerForgot(server=self.server_url, acked=at.acked, last=last)

    def _clock_check(self, answer: dict[str, Any], result: SyncResult) -> None:
        raw = answer.get("server_time")
        if not raw:
            return
        try:
            server_time = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            return
        if server_time.tzinfo is None:
            server_time = server_time.replace(tzinfo=UTC)
        result.server_time = server_time
        result.clock_skew = (self._clock() - server_time).total_seconds()

    def _report(self, phase: str, result: SyncResult, total: int) -> None:
        if self.progress is not None:
            self.progress(SyncProgress(phase, result.pushed, total, result.pulled))

    def _take(
        self,
        answer: dict[str, Any],
        batch: list[dict[str, Any]],
        result: SyncResult,
        *,
        finish: bool,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Hand the answer to the replica (:func:`sync.apply.take_answer`, which with
        ``finish`` also closes a sync this answer ends); (the gap noops to send next, whether
        the sync was closed)."""
        removes = answer.get("remove") or []
        self._holding = self._holding or apply.mass_removal(self.store, removes, result.removed)
        at = self._clock().isoformat()
        finished = apply.take_answer(
            self.store,
            answer,
            batch,
            result,
            hold=self._holding,
            clock_skew=result.clock_skew,
            finish_at=at if finish else None,
        )
        if result.refetch:
            self._refetch = self._refetched = True
        last = int(answer.get("last_op_seq", 0))
        return apply.gap_noops(self.store, last, at), finished

    # ----------------------------------------------------------------- reads
    async def health(self) -> dict[str, Any]:
        answer: dict[str, Any] = await self._request("GET", "/v1/health")
        return answer

    async def whoami(self) -> dict[str, Any]:
        """The office and role the server decided from the token."""
        answer: dict[str, Any] = await self._request("GET", "/v1/whoami")
        return answer

    async def history(self, record_id: str) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = await self._request(
            "GET", f"/v1/records/{record_id}/history"
        )
        return answer

    async def offices(self) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = await self._request("GET", "/v1/offices")
        return answer
