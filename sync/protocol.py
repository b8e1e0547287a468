"""The wire protocol between a replica and the central service (schema version 1).

Shared by ``sync.client`` and ``server_stub``; no I/O here.  See ../shared/DESIGN.md, "Sync
protocol".  In short:

* **Push**: a replica numbers its ops 1, 2, 3…; the server applies one replica's ops in
  order, remembers ``last_op_seq`` in the same transaction and skips anything at or below
  it (so re-sending a batch is harmless) and refuses a gap.  Every op gets a result:
  ``applied``, ``merged``, ``conflict``, ``rejected`` (consumed, with a reason) or
  ``duplicate`` (already applied earlier).
* **Pull**: ``since=<cursor>`` returns, in sequence order, records changed after the cursor
  that the token may read, ``remove`` entries for records that left its scope, the next
  cursor and ``has_more``.
* **Sync**: one request carrying both, so a typical sync is one round trip.
* **Resolving a conflict** is an ordinary op on the conflicted record that names the conflict
  (:attr:`Op.resolves`) and the choice made (:attr:`Op.resolution`).  Conflict records are the
  server's alone: no replica writes one.  The server applies the op and marks the conflict
  resolved in the same transaction, only while the conflict is still open; a second, later
  resolution of the same conflict is rejected (``sync.reject.already_resolved``) with the
  record's state, so every replica converges on the first choice.
* **Feed identity**: with each cursor the server sends a ``cursor_tag``, a fingerprint of
  the change at that position, and the replica sends it back with ``since``.  A server
  restored from an older backup and written again has other changes at those positions: it
  answers 409, and the replica adopts it (``sotay sync --adopt-server``) rather than skip
  what it never pulled.
* **Acknowledgements**: every answer carries the replica's ``last_op_seq``.  A replica keeps
  the highest one it was told and refuses a server that claims less (a server restored from
  an older backup has forgotten ops it acknowledged).  An :class:`OpResult` carries the
  record's full state whenever the replica cannot compute it from its base and the op (the
  op had no base on an existing record, or was not applied as sent), and ``removed`` when the
  token may not read the record after the op: the replica drops its copy.

Field versions are global sequence numbers.  To keep pulls small, :attr:`RecordState.versions`
lists only fields whose version differs from the record's ``seq``; a field absent from it
was last set at ``seq`` (a key the record does not have — a cleared field, ``deleted`` when
false — is listed unless it was never set).  Both ends apply this rule through
:func:`compact_versions` (server → wire, replica after a compact result) and
:func:`version_of` (wire → a key's version).  A change's ``base_version`` is the version of
the field the edit was made on (0 for a field the replica never saw on the server).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from sync import protocol_rules as _rules

#: Defined once in :mod:`sync.protocol_rules` (what the client needs, without pydantic).
SCHEMA_VERSION = _rules.SCHEMA_VERSION
MAX_OPS_PER_PUSH = _rules.MAX_OPS_PER_PUSH
MAX_PULL_LIMIT = _rules.MAX_PULL_LIMIT
DEFAULT_PULL_LIMIT = _rules.DEFAULT_PULL_LIMIT
MAX_PULL_BYTES = _rules.MAX_PULL_BYTES
MAX_FIELDS_PER_OP = _rules.MAX_FIELDS_PER_OP
MAX_ID_LENGTH = _rules.MAX_ID_LENGTH
MAX_SEQ = _rules.MAX_SEQ
DELETED = _rules.DELETED
compact_versions = _rules.compact_versions
version_of = _rules.version_of


def _whole_number(value: Any) -> Any:
    """JSON has one number type: ``3.0`` is the integer 3 (as JSON Schema says), so it is
    accepted even where the server validates strictly; ``3.5``, ``true`` and ``"3"`` are not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_WHOLE = BeforeValidator(_whole_number)
#: An integer on the wire (see :func:`_whole_number`).
WireInt = Annotated[int, _WHOLE]

OpStatus = Literal["applied", "merged", "conflict", "rejected", "duplicate"]
Resolution = Literal["current", "other", "value", "copy"]
RESOLUTIONS: tuple[str, ...] = ("current", "other", "value", "copy")


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldChange(_Wire):
    """One field of an op: the new value (``None`` clears it) and what it was based on."""

    value: Any = None
    base_version: WireInt = Field(default=0, ge=0, le=MAX_SEQ)
    #: For long text fields: the text at ``base_version``, for the three-way merge.
    base_text: str | None = None


class Op(_Wire):
    op_seq: WireInt = Field(ge=1, le=MAX_SEQ)
    record_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    kind: str = Field(min_length=1, max_length=32)
    #: The record's scope after this op (a move changes it).
    scope: str = Field(min_length=1, max_length=200)
    changes: dict[str, FieldChange] = Field(default_factory=dict)
    #: The record's ``seq`` as the replica last saw it on the server (0: never seen).
    base_seq: WireInt = Field(default=0, ge=0, le=MAX_SEQ)
    edited_at: datetime
    author: str = Field(default="", max_length=200)
    #: A placeholder that only consumes its ``op_seq`` (an op lost in local recovery).
    noop: bool = False
    #: The id of the (open) conflict record this op resolves; see the module docstring.
    resolves: str | None = Field(default=None, min_length=1, max_length=MAX_ID_LENGTH)
    #: What the person chose when resolving: keep the current value, the other value, a
    #: value of their own, or a copy of the record (scope conflicts).
    resolution: Resolution | None = None


class RecordState(_Wire):
    """A record as the server holds it; a replica takes it as its new base."""

    id: str
    kind: str
    scope: str
    fields: dict[str, Any]
    versions: dict[str, int] = Field(default_factory=dict)
    deleted: bool = False
    seq: int = Field(ge=0)
    updated_at: datetime | None = None
    updated_by: str | None = None
    office: str | None = None


class OpResult(_Wire):
    op_seq: int
    status: OpStatus
    #: A message key (``sync.reject.*``) for rejected ops, else ``None``.
    reason: str | None = None
    message: str | None = None
    record: RecordState | None = None
    #: IDs of conflict records this op produced.
    conflicts: list[str] = Field(default_factory=list)
    seq: int | None = None
    #: The token may not read this record (any more, or ever): the replica drops its copy
    #: once none of its own ops for it are pending.
    removed: bool = False


class PushRequest(_Wire):
    schema_version: WireInt
    replica_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    ops: list[Op] = Field(default_factory=list, max_length=MAX_OPS_PER_PUSH)


class PushResponse(_Wire):
    schema_version: int = SCHEMA_VERSION
    server_id: str
    server_time: datetime
    last_op_seq: int
    results: list[OpResult]


class PullResponse(_Wire):
    schema_version: int = SCHEMA_VERSION
    server_id: str
    server_time: datetime
    records: list[RecordState]
    remove: list[str] = Field(default_factory=list)
    cursor: int
    has_more: bool
    #: The server's latest sequence number.  A replica whose cursor is beyond it is talking
    #: to a server restored from an older backup and must not trust it with its data.
    head: int | None = None
    #: A fingerprint of the feed at ``cursor`` (the change there), sent back as ``since_tag``.
    cursor_tag: str | None = None


class SyncRequest(_Wire):
    schema_version: WireInt
    replica_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    ops: list[Op] = Field(default_factory=list, max_length=MAX_OPS_PER_PUSH)
    since: WireInt = Field(default=0, ge=0, le=MAX_SEQ)
    limit: Annotated[int, Field(ge=1, le=MAX_PULL_LIMIT), _WHOLE] | None = None
    #: Also send back records whose every value this replica wrote itself (normally left
    #: out: the push results already told it).  Set after a local recovery or `sync --full`.
    include_own: bool = False
    #: The ``cursor_tag`` the server gave with ``since``: a server whose feed at ``since`` is
    #: not the one the replica read (restored from an older backup, then written again)
    #: answers 409 instead of a page that would skip changes.
    since_tag: str | None = Field(default=None, min_length=1, max_length=MAX_ID_LENGTH)


class SyncResponse(_Wire):
    schema_version: int = SCHEMA_VERSION
    server_id: str
    server_time: datetime
    last_op_seq: int
    results: list[OpResult]
    records: list[RecordState]
    remove: list[str] = Field(default_factory=list)
    cursor: int
    has_more: bool
    #: See :attr:`PullResponse.head`.
    head: int | None = None
    #: See :attr:`PullResponse.cursor_tag`.
    cursor_tag: str | None = None


class ErrorBody(_Wire):
    """Every non-2xx answer.  ``message`` is Vietnamese, ``message_en`` English."""

    error: str
    message: str
    message_en: str
    detail: Any = None
    retry_after: float | None = None


class Health(_Wire):
    status: Literal["ok"] = "ok"
    server_id: str
    server_time: datetime
    schema_version: int = SCHEMA_VERSION
    version: str


class Whoami(_Wire):
    """What the server decided from the token: the office it belongs to and its role."""

    office: str
    role: str


class OfficeStatus(_Wire):
    scope: str
    name: str
    last_sync_at: datetime | None = None
    open_conflicts: int = 0
    replicas: int = 0


class HistoryEntry(_Wire):
    seq: int
    at: datetime
    edited_at: datetime | None = None
    author: str | None = None
    user: str | None = None
    office: str | None = None
    replica_id: str | None = None
    op_seq: int | None = None
    status: str
    #: field → {"old": …, "new": …}
    changes: dict[str, dict[str, Any]] = Field(default_factory=dict)
