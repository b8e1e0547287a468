"""The wire protocol's numbers and its field-version rule, without its models.

What the sync client and the replica need of :mod:`sync.protocol` at every sync — the schema
version, the bounds, :func:`version_of` and :func:`compact_versions` — without importing
pydantic, which only the server (validating what it is sent) and the tests need: an idle
``sotay sync`` is a process start, and pydantic and the models were 40% of it.
:mod:`sync.protocol` re-exports all of these; see it for the rules themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SCHEMA_VERSION = 1

#: Upper bounds the server enforces and the client respects.
MAX_OPS_PER_PUSH = 5_000
MAX_PULL_LIMIT = 5_000
DEFAULT_PULL_LIMIT = 2_000
MAX_PULL_BYTES = 4_000_000
MAX_FIELDS_PER_OP = 2_000
MAX_ID_LENGTH = 64
#: Largest sequence number on the wire (exact in every JSON parser and 64-bit database).
MAX_SEQ = 2**53 - 1
#: The tombstone's key in a change and in :attr:`RecordState.versions`.
DELETED = "deleted"


def _present(key: str, fields: Mapping[str, Any], deleted: bool) -> bool:
    """Does the record have ``key``: a field it holds, or ``deleted`` when it is deleted?"""
    return deleted if key == DELETED else key in fields


def version_of(
    key: str, fields: Mapping[str, Any], deleted: bool, seq: int, versions: Mapping[str, int]
) -> int:
    """The version of ``key`` in a record state whose ``versions`` are compact."""
    if key in versions:
        return int(versions[key])
    return seq if _present(key, fields, deleted) else 0


def compact_versions(
    versions: Iterable[tuple[str, int]], fields: Mapping[str, Any], deleted: bool, seq: int
) -> dict[str, int]:
    """The (key, version) pairs :func:`version_of` cannot infer, as the wire carries them."""
    return {
        key: version
        for key, version in versions
        if version != (seq if _present(key, fields, deleted) else 0)
    }
