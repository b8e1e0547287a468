"""Record IDs: UUIDv7 (RFC 9562), time-ordered, made on the replica that creates the record."""

from __future__ import annotations

import os
import time

_last_ms = 0
_counter = 0


def uuid7(now_ms: int | None = None) -> str:
    """A new UUIDv7 as text.  IDs made in the same millisecond still sort in creation order."""
    global _last_ms, _counter
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    if ms <= _last_ms:
        ms = _last_ms
        _counter += 1
        if _counter > 0xFFF:
            ms += 1
            _counter = 0
    else:
        _counter = 0
    _last_ms = ms
    rand = int.from_bytes(os.urandom(8), "big")
    value = (ms & 0xFFFFFFFFFFFF) << 80
    value |= 0x7 << 76
    value |= (_counter & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    h = f"{value:032x}"  # the text of uuid.UUID(int=value), without building one
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def short(record_id: str) -> str:
    """The last 8 hex digits, enough for a person to type in a small store."""
    return record_id.replace("-", "")[-8:]
