"""Request bodies → plain, slotted values the merge works on, fast.

The protocol models (:mod:`sync.protocol`) are the contract.  Validating a 2,500-op push with
them builds ~45,000 model instances; on a small server that is most of the request's time.
So a body is first read by :func:`_fast`, a strict checker of exactly the shapes a
well-behaved replica sends (ints that are ints, strings within their lengths, RFC 3339
times).  It may *decline* anything unusual — then the protocol model decides, with its
precise 422 errors — but it must never accept what the model would refuse: a property test
(tests/server/test_server_wire.py) holds the two to that.

``schema_version`` is looked at before anything else, so an old client is told to upgrade
(426) rather than shown validation errors about fields it cannot know; a value that is no
version at all (negative, fractional, text) is a 422 like any malformed field.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import orjson
import pydantic

from server_stub.errors import BadRequest, Invalid, UpgradeRequired
from sync.protocol import (
    MAX_ID_LENGTH,
    MAX_OPS_PER_PUSH,
    MAX_PULL_LIMIT,
    MAX_SEQ,
    RESOLUTIONS,
    SCHEMA_VERSION,
    Op,
    PushRequest,
    SyncRequest,
)

_MAX_DETAIL_ERRORS = 20
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})")
_OP_KEYS = frozenset(
    {
        "op_seq",
        "record_id",
        "kind",
        "scope",
        "changes",
        "base_seq",
        "edited_at",
        "author",
        "noop",
        "resolves",
        "resolution",
    }
)
_CHANGE_KEYS = frozenset({"value", "base_version", "base_text"})
_PUSH_KEYS = frozenset({"schema_version", "replica_id", "ops"})
_SYNC_KEYS = _PUSH_KEYS | {"since", "limit", "include_own", "since_tag"}


class Change(NamedTuple):
    """One flat key of an op: the new value (``None`` clears) and what it was based on.

    A named tuple, not a dataclass: a 2,500-op push makes ~40,000 of them.
    """

    value: Any = None
    base_version: int = 0
    base_text: str | None = None


@dataclass(slots=True)
class OpIn:
    """A validated op (the fields of :class:`sync.protocol.Op`; ``edited_at`` as ISO text)."""

    op_seq: int
    record_id: str
    kind: str
    scope: str
    edited_at: str
    changes: dict[str, Change] = field(default_factory=dict)
    base_seq: int = 0
    author: str = ""
    noop: bool = False
    #: The conflict this op resolves and the choice made (see :mod:`sync.protocol`).
    resolves: str | None = None
    resolution: str | None = None

    @classmethod
    def from_model(cls, op: Op) -> OpIn:
        return cls(
            op.op_seq,
            op.record_id,
            op.kind,
            op.scope,
            op.edited_at.isoformat(),
            {k: Change(c.value, c.base_version, c.base_text) for k, c in op.changes.items()},
            op.base_seq,
            op.author,
            op.noop,
            op.resolves,
            op.resolution,
        )


@dataclass(slots=True)
class Batch:
    """A validated push or sync request."""

    replica_id: str
    ops: list[OpIn]
    since: int = 0
    limit: int | None = None
    include_own: bool = False
    since_tag: str | None = None


# ---------------------------------------------------------------------------
# The fast checker: None means "not sure, ask the model".
# ---------------------------------------------------------------------------
def _int(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _text(value: Any, low: int, high: int) -> bool:
    return type(value) is str and low <= len(value) <= high


def _time(value: Any) -> str | None:
    if type(value) is not str:
        return None
    return _iso_time(value)


@functools.lru_cache(maxsize=1024)
def _iso_time(value: str) -> str | None:
    """An RFC 3339 time in Python's ISO form (remembered: a push's ops share a few times)."""
    if not _RFC3339.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _fast_changes(raw_changes: Any) -> dict[str, Change] | None:
    """The op's changes, or ``None`` when any of them is not plainly valid (hot loop)."""
    if type(raw_changes) is not dict:
        return None
    make = tuple.__new__
    keys = _CHANGE_KEYS
    changes: dict[str, Change] = {}
    for key, raw in raw_changes.items():
        if type(raw) is not dict:
            return None
        if len(raw) == 1 and "value" in raw:  # a create's every change: nothing to check
            changes[key] = make(Change, (raw["value"], 0, None))
            continue
        if not raw.keys() <= keys:
            return None
        base = raw.get("base_version", 0)
        text = raw.get("base_text")
        if (
            type(base) is not int
            or not 0 <= base <= MAX_SEQ
            or (text is not None and type(text) is not str)
        ):
            return None
        changes[key] = make(Change, (raw.get("value"), base, text))
    return changes


def _fast_op(raw: Any) -> OpIn | None:
    if type(raw) is not dict or not raw.keys() <= _OP_KEYS:
        return None
    op_seq: Any = raw.get("op_seq")
    record_id: Any = raw.get("record_id")
    kind: Any = raw.get("kind")
    scope: Any = raw.get("scope")
    base_seq, author, noop = raw.get("base_seq", 0), raw.get("author", ""), raw.get("noop", False)
    resolves, resolution = raw.get("resolves"), raw.get("resolution")
    if not (
        _int(op_seq, 1, MAX_SEQ)
        and _text(record_id, 1, MAX_ID_LENGTH)
        and _text(kind, 1, 32)
        and _text(scope, 1, 200)
        and _int(base_seq, 0, MAX_SEQ)
        and _text(author, 0, 200)
        and type(noop) is bool
        and (resolves is None or _text(resolves, 1, MAX_ID_LENGTH))
        and (resolution is None or resolution in RESOLUTIONS)
    ):
        return None
    edited_at = _time(raw.get("edited_at"))
    changes = _fast_changes(raw.get("changes", {}))
    if edited_at is None or changes is None:
        return None
    return OpIn(
        op_seq,
        record_id,
        kind,
        scope,
        edited_at,
        changes,
        base_seq,
        author,
        noop,
        resolves,
        resolution,
    )


def _fast(data: Any, sync: bool) -> Batch | None:
    if type(data) is not dict or not data.keys() <= (_SYNC_KEYS if sync else _PUSH_KEYS):
        return None
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        return None
    replica_id: Any = data.get("replica_id")
    raw_ops = data.get("ops", [])
    since, limit = data.get("since", 0), data.get("limit")
    include_own = data.get("include_own", False)
    since_tag = data.get("since_tag")
    if not (
        _text(replica_id, 1, MAX_ID_LENGTH)
        and type(raw_ops) is list
        and len(raw_ops) <= MAX_OPS_PER_PUSH
        and _int(since, 0, MAX_SEQ)
        and (limit is None or _int(limit, 1, MAX_PULL_LIMIT))
        and type(include_own) is bool
        and (since_tag is None or _text(since_tag, 1, MAX_ID_LENGTH))
    ):
        return None
    ops: list[OpIn] = []
    for raw in raw_ops:
        op = _fast_op(raw)
        if op is None:
            return None
        ops.append(op)
    return Batch(replica_id, ops, since, limit, include_own, since_tag)


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------
def _detail(exc: pydantic.ValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()[:_MAX_DETAIL_ERRORS]
    ]


def upgrade_required(version: object) -> UpgradeRequired:
    return UpgradeRequired(
        client=version, server=SCHEMA_VERSION, detail={"server_schema_version": SCHEMA_VERSION}
    )


def _schema_version(data: Any) -> None:
    """426 for another protocol version; 422 for something that is no version at all.

    A version is a whole number ≥ 0 (``0`` predates the first one: an upgrade is due); a
    negative or fractional number, text or a flag is a malformed request, not an old client.
    """
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, float) and version.is_integer():
        version = int(version)
    if not isinstance(version, int) or isinstance(version, bool) or version == SCHEMA_VERSION:
        return  # missing or not a number: the protocol model says what is wrong (422)
    if version < 0:
        raise Invalid(
            detail=[
                {
                    "loc": ["schema_version"],
                    "type": "greater_than_equal",
                    "msg": "schema_version is a protocol version, a whole number ≥ 0",
                }
            ]
        )
    raise upgrade_required(version)


def parse(body: bytes, *, sync: bool) -> Batch:
    """A push (``sync=False``) or sync request body → :class:`Batch`.

    400 when the body is not JSON, 426 when it speaks another schema_version, 422 when it
    does not match the protocol model (strictly: ``false`` is not ``0``).
    """
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest("server.bad_json", detail=str(exc)[:200]) from None
    _schema_version(data)
    batch = _fast(data, sync)
    if batch is not None:
        return batch
    model = SyncRequest if sync else PushRequest
    try:
        request = model.model_validate_json(body, strict=True)
    except pydantic.ValidationError as exc:
        raise Invalid(detail=_detail(exc)) from None
    ops = [OpIn.from_model(op) for op in request.ops]
    if isinstance(request, SyncRequest):
        return Batch(
            request.replica_id,
            ops,
            request.since,
            request.limit,
            request.include_own,
            request.since_tag,
        )
    return Batch(request.replica_id, ops)
