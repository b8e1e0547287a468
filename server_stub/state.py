"""The server's in-memory view of one record, shared by the store, the merge and the service.

A record is kept *flat* (see :mod:`domain.records`): one key per scalar field and one per
set element.  Besides the values the server keeps, per flat key, the version (the global
sequence number of the change that last set or cleared it) and, per live version, who wrote
it, so that a later concurrent edit can name both sides in a conflict record.

Two reserved keys live in :attr:`Stored.versions` next to the field keys: ``deleted`` (the
tombstone flag, versioned like a field and sent to replicas) and ``@scope`` (the last move;
internal, never sent: a replica cannot address it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from domain.schema import elements, flat_key
from sync.protocol import compact_versions

DELETED = "deleted"
SCOPE_KEY = "@scope"
#: A writer entry: [writer id, author, office, edited_at ISO text, op_seq].
Writer = list[Any]
#: How a publication (``pub:<scope>``) starts in the JSON text of an audience: the byte and
#: SQL prefilters of a pull look for it before decoding a row.
PUBLISHED_MARK = '"' + flat_key("published_to", "")


@dataclass
class Stored:
    """One record as the server holds it (``fields`` never contains ``None`` values)."""

    id: str
    kind: str
    scope: str
    fields: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    #: ``str(seq)`` → :data:`Writer`, for every seq still referenced by :attr:`versions`.
    writers: dict[str, Writer] = field(default_factory=dict)
    deleted: bool = False
    seq: int = 0
    updated_at: str | None = None
    updated_by: str | None = None
    office: str | None = None
    #: Every scope the record was ever readable through: ``"<scope>"`` for the scopes it lived
    #: in and ``"pub:<scope>"`` for the scopes it was published to.  Decides ``remove``s.
    audience: list[str] = field(default_factory=list)
    #: The scopes it is published to now (its ``pub:<scope>`` keys), kept beside the fields
    #: because every read decision needs them.
    published: list[str] = field(default_factory=list)

    def version(self, key: str) -> int:
        return self.versions.get(key, 0)

    def writer(self, key: str) -> Writer | None:
        version = self.versions.get(key, 0)
        return self.writers.get(str(version)) if version else None

    def value(self, key: str) -> Any:
        if key == DELETED:
            return self.deleted
        return self.fields.get(key)

    def refresh_published(self) -> None:
        self.published = elements("published_to", self.fields)

    def packed_versions(self) -> dict[str, int]:
        """The versions worth storing: a key in ``fields`` absent from it was set at ``seq``."""
        seq, fields = self.seq, self.fields
        return {k: v for k, v in self.versions.items() if v != seq or k not in fields}

    @staticmethod
    def unpack_versions(fields: dict[str, Any], seq: int, packed: dict[str, int]) -> dict[str, int]:
        versions = dict.fromkeys(fields, seq)
        versions.update(packed)
        return versions

    def sole_writer(self) -> str | None:
        """The writer of every current value when one replica wrote them all, else None.

        Such a record is not echoed back to that replica by a pull: the results of its own
        pushes already gave it the record exactly (see :class:`sync.protocol.SyncRequest`).
        """
        found: str | None = None
        for version in set(self.versions.values()):  # most values share a few versions
            if not version:
                continue
            entry = self.writers.get(str(version))
            if entry is None or (found is not None and entry[0] != found):
                return None
            found = entry[0]
        return found

    def wire_versions(self) -> dict[str, int]:
        """The versions a replica cannot infer (:func:`sync.protocol.compact_versions`) —
        cleared fields and an undelete included, whose versions must reach the replica for
        its next edit to be seen as based on them; ``@scope`` is never sent."""
        seq, fields = self.seq, self.fields
        # a field set by the record's last change is inferred: most keys stop here, cheaply
        sent = [
            (k, v)
            for k, v in self.versions.items()
            if k[0] != "@" and (v != seq or k not in fields or k == DELETED)
        ]
        return compact_versions(sent, fields, self.deleted, seq)

    def wire(self) -> dict[str, Any]:
        """The :class:`sync.protocol.RecordState` as a plain dict (fields by reference)."""
        seq = self.seq
        return {
            "id": self.id,
            "kind": self.kind,
            "scope": self.scope,
            "fields": self.fields,
            "versions": self.wire_versions(),
            "deleted": self.deleted,
            "seq": seq,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
            "office": self.office,
        }

    def wire_json(self, fields_json: bytes | None = None) -> bytes:
        """:meth:`wire` as JSON; ``fields_json`` (the fields already serialised) is spliced in
        rather than serialised a second time."""
        if fields_json is None:
            return orjson.dumps(self.wire())
        head = orjson.dumps({"id": self.id, "kind": self.kind, "scope": self.scope})
        tail = orjson.dumps(
            {
                "versions": self.wire_versions(),
                "deleted": self.deleted,
                "seq": self.seq,
                "updated_at": self.updated_at,
                "updated_by": self.updated_by,
                "office": self.office,
            }
        )
        return head[:-1] + b',"fields":' + fields_json + b"," + tail[1:]
