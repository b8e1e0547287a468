"""Helpers over stored record documents, shared by the store and its transactions.

A stored record::

    {"id", "kind", "scope", "fields": {flat local state}, "deleted": bool,
     "base": None | {"fields", "deleted", "scope"},   # None: same as local (or never synced)
     "versions": {key: version},                       # server versions, compact (see protocol)
     "seq": int,                                       # server seq of the base; 0 = never synced
     "pending": int, "updated_at": iso}

Local state = base + pending outbox ops re-applied in order.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sync.protocol_rules import version_of


def utc_now() -> datetime:
    return datetime.now(UTC)


def op_key(op_seq: int) -> str:
    """Outbox keys sort in op order as text."""
    return f"{op_seq:012d}"


def utc_iso(when: datetime | str) -> str:
    """One timestamp format for history (UTC ISO 8601), so strings compare in time order."""
    if isinstance(when, str):
        return _utc_iso_text(when)
    return _utc_iso(when)


@functools.lru_cache(maxsize=1024)
def _utc_iso_text(text: str) -> str:
    """:func:`utc_iso` of a text, remembered: the records of a pulled page share a few."""
    return _utc_iso(datetime.fromisoformat(text.replace("Z", "+00:00")))


def _utc_iso(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def base_state(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    """The last state the server confirmed, or None for a record the server never saw."""
    if not doc.get("seq"):
        return None
    base = doc.get("base")
    if base is None:
        return {"fields": doc["fields"], "deleted": doc["deleted"], "scope": doc["scope"]}
    return dict(base)


def field_version(doc: Mapping[str, Any], key: str) -> int:
    """The server version of ``key`` in the record's base (its ``versions`` are compact)."""
    versions = doc.get("versions") or {}
    base = base_state(doc)
    if base is None:
        return int(versions.get(key, 0))
    return version_of(key, base["fields"], base["deleted"], int(doc["seq"]), versions)
