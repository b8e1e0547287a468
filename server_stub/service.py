"""The central service's use cases over the store (:mod:`.db`) and the rules (:mod:`.merge`).

Push applies one replica's ops in order, in chunks of at most ``settings.push_chunk_ops``
ops, each together with the replica's ``last_op_seq``: either a chunk and the counter are
stored, or neither.  The chunks of concurrent pushes share durable write transactions
(group commit, :class:`server_stub.db.GroupCommit`) of about that many ops.  (Chunks keep
one office's large push from holding the write lock — and every other office's sync — for
a second; a push cut short by a crash is answered, on resending, with ``duplicate`` for
what was stored, as any resend.)
Pull reads a WAL snapshot and builds the response from the stored wire JSON of each record,
without re-validating anything.  The HTTP layer (:mod:`.app`) only parses, calls and
serialises.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from domain.i18n import t
from domain.ids import uuid7
from domain.records import from_flat
from domain.schema import element_of, is_open_conflict
from domain.scopes import within
from server_stub import merge, validation
from server_stub.access import can_read, can_write, may_hold
from server_stub.auth import Principal, authenticate, bearer
from server_stub.db import CREATED, ChangeRow, Database, ScanRow, Step, Writer, now_iso
from server_stub.errors import FeedChanged, Forbidden, NotFoundError
from server_stub.settings import ServerSettings
from server_stub.state import PUBLISHED_MARK, SCOPE_KEY, Stored
from server_stub.wire import Batch, OpIn
from sync.protocol import MAX_FIELDS_PER_OP, SCHEMA_VERSION

#: How often a replica's "last seen" or a token's "last used" time is rewritten at most.
TOUCH_EVERY_S = 60.0


@dataclass
class PushResult:
    last_op_seq: int
    results: list[dict[str, Any]]


@dataclass
class PullPage:
    docs: list[bytes] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    cursor: int = 0
    has_more: bool = False
    head: int = 0
    cursor_tag: str = "0"


def _iso(dt: datetime) -> str:
    return dt.isoformat()


class Service:
    """Push, pull, sync, history, office status and export for one database."""

    def __init__(
        self, db: Database, settings: ServerSettings, new_id: Callable[[], str] = uuid7
    ) -> None:
        self.db = db
        self.settings = settings
        self.new_id = new_id
        self._touched: dict[tuple[str, ...], float] = {}
        self._touch_lock = threading.Lock()

    @property
    def server_id(self) -> str:
        return self.db.server_id

    # --- identity --------------------------------------------------------------------
    def principal(self, authorization: str | None) -> Principal:
        """Authenticate an ``Authorization`` header value; keep ``last_used_at`` roughly fresh."""
        who = authenticate(self.db, bearer(authorization))
        if self._due(("token", who.token_id)):
            at = now_iso()
            self._write_along(lambda w: w.touch_tokens([(who.token_id, at)]))
        return who

    def _write_along(self, write: Callable[[Writer], None]) -> None:
        """A small write (a "last seen" time) in the next shared write transaction: under
        load it rides along with the pushes instead of taking a commit flush of its own."""

        def step(w: Writer) -> bool:
            write(w)
            return True

        self.db.group.run([(1, step)], self.settings.push_chunk_ops)

    def _due(self, key: tuple[str, ...]) -> bool:
        now = time.monotonic()
        with self._touch_lock:
            last = self._touched.get(key)
            if last is not None and now - last < TOUCH_EVERY_S:
                return False
            self._touched[key] = now
            return True

    # --- push ------------------------------------------------------------------------
    def push(self, who: Principal, replica_id: str, ops: list[OpIn]) -> PushResult:
        """Apply ``ops`` in ``op_seq`` order; duplicates are answered, a gap stops the batch.

        The chunks go to the shared write transactions (:class:`server_stub.db.GroupCommit`)
        in turn with other requests' writes; the answer comes once they are committed."""
        if not ops:
            return PushResult(self._last_op_seq(who, replica_id), [])
        ordered = sorted(ops, key=lambda o: o.op_seq)
        now = now_iso()
        done: dict[int, tuple[int, list[dict[str, Any]]]] = {}  # by chunk: a rerun replaces
        size = self.settings.push_chunk_ops

        def step(n: int, chunk: list[OpIn]) -> Step:
            def run(w: Writer) -> bool:
                last, complete, results = self._push_chunk(w, who, replica_id, chunk, now)
                done[n] = (last, results)
                return complete

            return run

        chunks = [ordered[start : start + size] for start in range(0, len(ordered), size)]
        self.db.group.run([(len(c), step(n, c)) for n, c in enumerate(chunks)], size)
        self._due(("replica", who.office, replica_id))
        ran = sorted(done)
        return PushResult(done[ran[-1]][0], [r for n in ran for r in done[n][1]])

    def _push_chunk(
        self, w: Writer, who: Principal, replica_id: str, ops: list[OpIn], now: str
    ) -> tuple[int, bool, list[dict[str, Any]]]:
        """Apply ``ops`` (in order) and the replica's ``last_op_seq`` in ``w``:
        (last_op_seq, False if a gap stopped it, the results)."""
        wanted = {o.record_id for o in ops}
        wanted.update(o.resolves for o in ops if o.resolves is not None)
        last, found = w.push_reads(who.office, replica_id, wanted)
        batch = _Batch(self, w, who, replica_id, now, found)
        complete = True
        for op in ops:
            if op.op_seq <= last:
                batch.duplicate(op)
                continue
            if op.op_seq != last + 1:
                complete = False
                break  # a gap: the replica resends from last_op_seq + 1
            last = op.op_seq
            if not batch.create(op):
                batch.apply(op)
        w.save_records(list(batch.dirty.values()))
        w.add_changes(batch.history)
        w.set_replica(who.office, replica_id, last, now)
        return last, complete, batch.results

    def _last_op_seq(self, who: Principal, replica_id: str) -> int:
        with self.db.read() as r:
            return r.replica_last_op(who.office, replica_id)

    # --- pull ------------------------------------------------------------------------
    def check_feed(self, since: int, since_tag: str | None) -> None:
        """Refuse (409) a cursor whose tag this feed does not hold: the database was restored
        from an older backup and written again, and a page from ``since`` would skip
        changes the replica never pulled."""
        if since and since_tag is not None:
            with self.db.read(snapshot=False) as r:
                if r.feed_tag(since) != since_tag:
                    raise FeedChanged(since=since)

    def pull(
        self,
        who: Principal,
        since: int,
        limit: int | None,
        replica_id: str | None = None,
        include_own: bool = False,
    ) -> PullPage:
        """One page of the change feed after ``since`` that ``who`` may read.

        The cursor is the last sequence number *scanned*, so records the token may not read
        never make a replica scan them again.  ``has_more`` is true when the page stopped on
        the count, byte or scan limit.  Records whose every value this replica wrote are
        left out (its push results already gave them) unless ``include_own``.
        """
        limit = min(limit or self.settings.pull_default_limit, self.settings.pull_max_limit)
        own = f"{who.office}|{replica_id}" if replica_id and not include_own else None
        # a page takes at most `limit` records and `limit` removes: reading further is waste
        scan_limit = min(self.settings.pull_scan_limit, 2 * limit + 1)
        with self.db.read() as r:
            page = PullPage(cursor=since, head=r.meta()[1])
            office = None if who.is_hq else who.office
            with closing(r.scan(since, scan_limit, office, own)) as rows:
                self._fill(page, who, rows, limit, scan_limit)
            page.cursor_tag = r.feed_tag(page.cursor)
        if replica_id and self._due(("replica", who.office, replica_id)):
            seen = (who.office, replica_id, now_iso())
            self._write_along(lambda w: w.touch_replicas([seen]))
        return page

    def _fill(
        self,
        page: PullPage,
        who: Principal,
        rows: Iterator[ScanRow],
        limit: int,
        scan_limit: int | None = None,
    ) -> None:
        """Take rows into ``page`` until the count, byte or scan limit; set the cursor.

        The scan left out rows this office cannot read or hold and its own records, so when
        it runs dry the cursor moves to the head: nothing before it concerns this replica.
        """
        office, hq = who.office, who.is_hq
        inside = office + "/"
        # an office could hold a record only if its scope (or a publication) is in the
        # record's audience: test the bytes before decoding the JSON of every row
        mark, published_mark = office.encode(), PUBLISHED_MARK.encode()
        budget = self.settings.pull_max_bytes - 512
        size = scanned = 0
        docs, remove = page.docs, page.remove
        for seq, rid, scope, published, audience, doc, _sole in rows:
            scanned += 1
            if (
                hq
                or scope == office
                or scope.startswith(inside)
                or (
                    within(office, scope)
                    and published != b"[]"
                    and can_read(office, False, scope, orjson.loads(published))
                )
            ):
                if docs and (len(docs) >= limit or size + len(doc) > budget):
                    page.has_more = True
                    return
                docs.append(doc)
                size += len(doc) + 1
            elif (mark in audience or published_mark in audience) and may_hold(
                office, orjson.loads(audience)
            ):
                if len(remove) >= limit or size + len(rid) + 3 > budget:
                    page.has_more = True
                    return
                remove.append(rid)
                size += len(rid) + 3
            page.cursor = seq
        page.has_more = scanned >= (scan_limit or self.settings.pull_scan_limit)
        if not page.has_more:
            page.cursor = max(page.cursor, page.head)

    # --- responses (bytes, built without re-validating stored records) -------------------
    def _envelope(self) -> bytes:
        head = {
            "schema_version": SCHEMA_VERSION,
            "server_id": self.server_id,
            "server_time": _iso(datetime.now(UTC)),
        }
        return orjson.dumps(head)[:-1]

    def push_json(self, who: Principal, req: Batch) -> bytes:
        result = self.push(who, req.replica_id, req.ops)
        tail = orjson.dumps({"last_op_seq": result.last_op_seq, "results": result.results})
        return self._envelope() + b"," + tail[1:]

    def pull_json(
        self,
        who: Principal,
        since: int,
        limit: int | None,
        replica_id: str | None,
        include_own: bool = False,
        since_tag: str | None = None,
    ) -> bytes:
        self.check_feed(since, since_tag)
        page = self.pull(who, since, limit, replica_id, include_own)
        return self._envelope() + b"," + _page_json(page) + b"}"

    def sync_json(self, who: Principal, req: Batch) -> bytes:
        self.check_feed(req.since, req.since_tag)  # before the push: nothing is taken
        result = self.push(who, req.replica_id, req.ops)
        page = self.pull(who, req.since, req.limit, req.replica_id, req.include_own)
        tail = orjson.dumps({"last_op_seq": result.last_op_seq, "results": result.results})
        return self._envelope() + b"," + tail[1:-1] + b"," + _page_json(page) + b"}"

    def health_json(self, version: str) -> bytes:
        return orjson.dumps(
            {
                "status": "ok",
                "server_id": self.server_id,
                "server_time": _iso(datetime.now(UTC)),
                "schema_version": SCHEMA_VERSION,
                "version": version,
            }
        )

    # --- history, offices, export -------------------------------------------------------
    def history(self, who: Principal, record_id: str) -> list[dict[str, Any]]:
        with self.db.read() as r:
            record = r.record(record_id)
            if record is None or not can_read(
                who.office, who.is_hq, record.scope, record.published
            ):
                raise NotFoundError("server.record_not_found", id=record_id)
            rows = r.history(record_id)
        return [
            {
                "seq": c.seq,
                "at": c.at,
                "edited_at": c.edited_at,
                "author": c.author,
                "user": c.user,
                "office": c.office,
                "replica_id": c.replica_id,
                "op_seq": c.op_seq,
                "status": c.status,
                "changes": c.changes,
            }
            for c in rows
        ]

    def offices(self, who: Principal) -> list[dict[str, Any]]:
        if not who.is_hq:
            raise Forbidden("server.forbidden_role")
        with self.db.read() as r:
            offices = r.offices()
            replicas = r.replica_stats()
            conflicts = r.open_conflict_scopes()
        out = []
        for scope, name, _created in offices:
            mine = [at for office, _rid, at in replicas if office == scope]
            seen = [at for at in mine if at]
            out.append(
                {
                    "scope": scope,
                    "name": name,
                    "last_sync_at": max(seen) if seen else None,
                    "open_conflicts": sum(1 for c in conflicts if within(c, scope)),
                    "replicas": len(mine),
                }
            )
        return out

    def export_lines(self) -> Iterator[bytes]:
        """Every record as one JSON line, sorted by id, fields in their logical form."""
        with self.db.read() as r:
            for rid, kind, scope, flat, deleted in r.all_records():
                yield orjson.dumps(
                    {
                        "id": rid,
                        "kind": kind,
                        "scope": scope,
                        "fields": from_flat(kind, orjson.loads(flat)),
                        "deleted": deleted,
                    }
                )


def _page_json(page: PullPage) -> bytes:
    return (
        b'"records":['
        + b",".join(page.docs)
        + b'],"remove":'
        + orjson.dumps(page.remove)
        + b',"cursor":'
        + str(page.cursor).encode()
        + b',"has_more":'
        + (b"true" if page.has_more else b"false")
        + b',"head":'
        + str(page.head).encode()
        + b',"cursor_tag":'
        + orjson.dumps(page.cursor_tag)
    )


#: Kinds only the server writes: a client op of such a kind, or on such a record, is refused.
SERVER_OWNED = frozenset({"conflict"})


def _reject(reason: str, record: Stored | None = None, **params: Any) -> merge.Outcome:
    return merge.Outcome("rejected", record, reason=reason, params=params)


class _Batch:
    """The state of one push: records loaded once, results, rows to write at the end.

    Each op goes through, in this order (see ../shared/DESIGN.md and :mod:`sync.protocol`):

    1. *what the token may know*: a record it cannot read is treated as absent (F4) — the
       answer to an op on another office's record id is the answer to an op on an id that
       does not exist, except that such an op can never create it;
    2. server-owned kinds: no client writes a conflict record, or writes over one;
    3. a resolution (``resolves``): the conflict must be open, readable, writable and about
       this record;
    4. the op's header (kind, scope, size);
    5. authorisation (write the record's scope and the op's; an orphan edit is kept);
    6. every key and value by the domain's rules (:mod:`server_stub.validation`);
    7. the merge, and for a resolution the conflict closed in the same transaction.
    """

    def __init__(
        self,
        service: Service,
        w: Writer,
        who: Principal,
        replica_id: str,
        now: str,
        records: dict[str, Stored],
    ) -> None:
        self.service = service
        self.w = w
        self.who = who
        self.replica_id = replica_id
        self.now = now
        self.records = records
        #: this replica's writer id in the records' writer entries
        self.writer = f"{who.office}|{replica_id}"
        self.dirty: dict[str, Stored] = {}
        self.history: list[ChangeRow] = []
        self.results: list[dict[str, Any]] = []
        #: (kind, scope) → may this token create a record of that kind there (see create)
        self._creatable: dict[tuple[str, str], bool] = {}

    def _readable(self, record: Stored | None) -> Stored | None:
        if record is None or can_read(
            self.who.office, self.who.is_hq, record.scope, record.published
        ):
            return record
        return None

    def duplicate(self, op: OpIn) -> None:
        result: dict[str, Any] = {"op_seq": op.op_seq, "status": "duplicate"}
        if not op.noop:
            record = self._readable(self.records.get(op.record_id))
            if record is not None:
                result["record"] = record.wire()
                result["seq"] = record.seq
            else:
                result["removed"] = True
        self.results.append(result)

    def create(self, op: OpIn) -> bool:
        """The bulk path: an op creating a record the server has never seen, with a plainly
        valid header and values, is applied without the checks that cannot refuse it (what
        the token may know, server-owned kinds, resolutions, orphans, the merge).  The result,
        the stored record and its history are exactly :meth:`apply`'s; False (nothing done)
        for any other op, which :meth:`apply` then decides and, if need be, refuses."""
        if op.noop or op.resolves is not None or op.record_id in self.records:
            return False
        key = (op.kind, op.scope)
        creatable = self._creatable.get(key)
        if creatable is None:
            creatable = self._creatable[key] = (
                op.kind not in SERVER_OWNED
                and merge.may_create(op)
                and can_write(self.who.office, self.who.is_hq, op.scope)
            )
        if (
            not creatable
            or "\x00" in op.record_id
            or len(op.changes) > MAX_FIELDS_PER_OP
            or validation.check_changes(op, True) is not None
        ):
            return False
        who = merge.Who(self.writer, op.author, self.who.office, op.edited_at, self.now, op.op_seq)
        outcome = merge.create(op, who, self.w.next_seq)
        record = outcome.record
        assert record is not None and outcome.created is not None
        self.records[record.id] = record
        self.dirty[record.id] = record
        self._history(record.id, record.seq, "applied", {CREATED: outcome.created}, op)
        self.results.append({"op_seq": op.op_seq, "status": "applied", "seq": record.seq})
        return True

    def apply(self, op: OpIn) -> None:
        if op.noop:
            self.results.append({"op_seq": op.op_seq, "status": "applied"})
            return
        who = merge.Who(
            self.writer,
            op.author,
            self.who.office,
            op.edited_at,
            self.now,
            op.op_seq,
        )
        current = self.records.get(op.record_id)
        orphan = current is not None and self._orphan_edit(op, current)
        known = current if orphan or self._readable(current) is not None else None
        conflict: Stored | None = None
        outcome = self._server_owned(op, known)
        if outcome is None and op.resolves is not None:
            conflict, outcome = self._resolution(op, current)
            if conflict is not None:
                known = current  # the conflict names the record: its existence is no secret
        keep_orphan = False
        if outcome is None:
            outcome = merge.check_header(op, known)
        if outcome is None:
            outcome, keep_orphan = self._authorize(op, current, known, orphan and conflict is None)
        if outcome is None:
            outcome = self._check_changes(op, known)
        if outcome is None:
            if keep_orphan:
                assert current is not None
                outcome = merge.keep_orphan_edit(
                    current, op, who, self.w.next_seq, self.service.new_id
                )
            elif conflict is not None and self._dismisses(op, current):
                outcome = merge.Outcome("applied", current)
            else:
                outcome = merge.apply_op(
                    current, op, who, self.w.next_seq, self.service.new_id, checked=True
                )
        self._record(op, current, outcome)
        if conflict is not None and outcome.status != "rejected":
            self._close(conflict, op)

    # --- the checks, in order --------------------------------------------------------
    def _orphan_edit(self, op: OpIn, current: Stored) -> bool:
        """An edit of a record moved out of the office's subtree after the replica saw it
        (the office could read it before: it lived in the office's subtree)."""
        office, hq = self.who.office, self.who.is_hq
        if can_write(office, hq, current.scope) or not can_write(office, hq, op.scope):
            return False
        moved_after_base = current.version(SCOPE_KEY) > op.base_seq
        return moved_after_base and any(
            within(a, office) for a in current.audience if element_of("published_to", a) is None
        )

    def _server_owned(self, op: OpIn, known: Stored | None) -> merge.Outcome | None:
        if op.kind in SERVER_OWNED or (known is not None and known.kind in SERVER_OWNED):
            return _reject("sync.reject.server_owned", kind=known.kind if known else op.kind)
        return None

    def _resolution(
        self, op: OpIn, current: Stored | None
    ) -> tuple[Stored | None, merge.Outcome | None]:
        """(the open conflict ``op`` resolves, None) or (None, its rejection).

        The conflict must exist, be readable by the token and be about this very record;
        a rejection carries the record's state only if the token may read the record.
        """
        target = self._readable(current)
        conflict = self._readable(self.records.get(op.resolves or ""))
        if (
            conflict is None
            or conflict.kind != "conflict"
            or current is None
            or conflict.fields.get("record_id") != op.record_id
        ):
            return None, _reject("sync.reject.not_a_conflict", target, id=op.resolves)
        if not is_open_conflict(conflict.kind, conflict.fields, conflict.deleted):
            return None, _reject(
                "sync.reject.already_resolved",
                target,
                id=conflict.id,
                resolved_by=conflict.fields.get("resolved_by") or "?",
            )
        office, hq = self.who.office, self.who.is_hq
        if not can_write(office, hq, conflict.scope):
            return None, _reject(
                "sync.reject.out_of_scope", target, office=office, scope=conflict.scope
            )
        if op.resolution is None:
            return None, _reject("sync.reject.bad_value", target, field="resolution")
        return conflict, None

    @staticmethod
    def _dismisses(op: OpIn, current: Stored | None) -> bool:
        """A resolution that changes nothing and keeps the record where it is: the record is
        not written at all (so an office may dismiss a conflict about a record it can no
        longer write)."""
        return current is not None and not op.changes and op.scope == current.scope

    def _check_changes(self, op: OpIn, known: Stored | None) -> merge.Outcome | None:
        bad = validation.check_changes(op, known is None)
        if bad is None:
            return None
        reason, key = bad
        if reason == validation.BAD_FIELD:
            return _reject(reason, known, kind=op.kind, field=key)
        return _reject(reason, known, field=key)

    def _authorize(
        self, op: OpIn, current: Stored | None, known: Stored | None, orphan: bool
    ) -> tuple[merge.Outcome | None, bool]:
        """(None, False) when the token may make this op, (None, True) when it is an orphan
        edit to keep in a conflict, else (the rejection, False).

        A resolution op may resolve (dismiss) a conflict about a record the office can no
        longer write, but never writes it: it is never kept as an orphan edit.
        """
        office, hq = self.who.office, self.who.is_hq
        if known is None:
            if current is None and can_write(office, hq, op.scope):
                return None, False  # a new record
            return _reject("sync.reject.out_of_scope", office=office, scope=op.scope), False
        if op.resolves is not None and self._dismisses(op, current):
            return None, False
        if can_write(office, hq, known.scope) and can_write(office, hq, op.scope):
            return None, False
        if orphan:
            return None, True
        readable = self._readable(known)
        return _reject(
            "sync.reject.out_of_scope",
            readable,
            office=office,
            scope=known.scope if readable else op.scope,
        ), False

    # --- results and rows ------------------------------------------------------------
    def _record(self, op: OpIn, before: Stored | None, outcome: merge.Outcome) -> None:
        result: dict[str, Any] = {"op_seq": op.op_seq, "status": outcome.status}
        record = outcome.record
        if record is not None and (outcome.changed or outcome.created is not None):
            self.records[record.id] = record
            self.dirty[record.id] = record
            changes = outcome.changed if outcome.created is None else {CREATED: outcome.created}
            self._history(record.id, record.seq, outcome.status, changes, op)
        for conflict in outcome.conflicts:
            self.records[conflict.id] = conflict
            self.dirty[conflict.id] = conflict
            self._history(conflict.id, conflict.seq, "created", {CREATED: conflict.fields}, op)
        if outcome.conflicts:
            result["conflicts"] = [c.id for c in outcome.conflicts]
        if outcome.status == "rejected":
            result["reason"] = outcome.reason
            result["message"] = t(outcome.reason or "error.generic", "vi", **outcome.params)
        # What the token may see of the record now (the outcome's record for a rejection:
        # the state the reason allows it to learn; server-owned refusals show nothing).
        after = record if outcome.status == "rejected" else self.records.get(op.record_id)
        readable = self._readable(after)
        if readable is None:
            if (
                outcome.status != "rejected"
                or outcome.reason != "sync.reject.server_owned"
                or self._readable(self.records.get(op.record_id)) is None
            ):
                result["removed"] = True
        else:
            result["seq"] = readable.seq
            if outcome.status != "applied" or (
                before is not None and self._base_differs(op, before)
            ):
                result["record"] = readable.wire()
        self.results.append(result)

    def _base_differs(self, op: OpIn, before: Stored) -> bool:
        """Can the replica NOT compute the record from its base and this op?  True when it
        never had the server's state (``base_seq`` 0), or when a value it did not write
        changed after its base."""
        if op.base_seq == 0:
            return True
        writer = f"{self.who.office}|{self.replica_id}"
        writers = before.writers
        for version in before.versions.values():
            if version > op.base_seq:
                entry = writers.get(str(version))
                if entry is None or entry[0] != writer:
                    return True
        return False

    def _close(self, conflict: Stored, op: OpIn) -> None:
        resolved_by = op.author or self.who.user or self.who.office
        closed, changed = merge.close_conflict(
            conflict, op.resolution or "value", resolved_by, self.now, self.w.next_seq
        )
        self.records[closed.id] = closed
        self.dirty[closed.id] = closed
        self._history(closed.id, closed.seq, "applied", changed, op)

    def _history(
        self, record_id: str, seq: int, status: str, changed: dict[str, Any], op: OpIn
    ) -> None:
        self.history.append(
            ChangeRow(
                seq=seq,
                record_id=record_id,
                at=self.now,
                edited_at=op.edited_at,
                author=op.author or None,
                user=self.who.user or None,
                office=self.who.office,
                replica_id=self.replica_id,
                op_seq=op.op_seq,
                status=status,
                changes=changed,
            )
        )
