"""The append-only, checksummed journal that makes every save durable.

Each entry is one logical change (records, outbox ops, history, meta), framed as::

    b"SJ" | u32 length | u32 crc32(payload) | payload (orjson)

and carries a number ``n`` one higher than the entry before it; a snapshot records the last
``n`` it contains, so replay after any crash applies exactly the entries the snapshot lacks.

Reading tells a *torn tail* (the last write was cut short by a crash: nothing valid follows
it) from *corruption* (a bad entry with valid entries after it, or a bad entry in a closed
journal).  A torn tail is set aside in a ``.torn-…`` file and cut off; corruption is never
"repaired" silently: :class:`domain.errors.StoreCorrupt` names the file.
"""

from __future__ import annotations

import itertools
import os
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from domain.errors import StoreCorrupt, StoreError, StoreReadOnly
from sync import fsio

MAGIC = b"SJ"
HEADER = struct.Struct(">2sII")


@dataclass
class JournalScan:
    """What reading a journal file found."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    good_size: int = 0  # bytes up to the end of the last valid entry
    torn_bytes: int = 0  # bytes after it that belong to a torn write
    corrupt_at: int | None = None  # offset of a bad entry followed by valid data


def encode_entry(entry: dict[str, Any]) -> bytes:
    payload = orjson.dumps(entry)
    return HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload


def _entry_at(data: bytes, offset: int) -> tuple[dict[str, Any], int] | None:
    """Decode the entry starting at ``offset``; ``None`` if it is not a whole, valid entry."""
    end = offset + HEADER.size
    if end > len(data):
        return None
    magic, length, crc = HEADER.unpack_from(data, offset)
    if magic != MAGIC or end + length > len(data):
        return None
    payload = data[end : end + length]
    if zlib.crc32(payload) != crc:
        return None
    try:
        entry = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(entry, dict):
        return None
    return entry, end + length


def _valid_entry_after(data: bytes, offset: int) -> int | None:
    """Offset of any valid entry that starts after ``offset`` (corruption, not a torn tail)."""
    pos = data.find(MAGIC, offset + 1)
    while pos != -1:
        if _entry_at(data, pos) is not None:
            return pos
        pos = data.find(MAGIC, pos + 1)
    return None


def scan_bytes(data: bytes) -> JournalScan:
    scan = JournalScan()
    offset = 0
    while offset < len(data):
        found = _entry_at(data, offset)
        if found is None:
            if _valid_entry_after(data, offset) is not None:
                scan.corrupt_at = offset
            else:
                scan.torn_bytes = len(data) - offset
            break
        entry, offset = found
        scan.entries.append(entry)
        scan.good_size = offset
    return scan


def read_journal(path: Path, *, allow_torn_tail: bool) -> JournalScan:
    """Read every valid entry; raise :class:`StoreCorrupt` on corruption.

    A torn tail is accepted only for the live journal (``allow_torn_tail``); in a closed
    journal (``.prev``) every byte was once fsynced whole, so a bad tail there is corruption.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return JournalScan()
    except OSError as exc:
        raise fsio.read_error(exc, path) from exc
    scan = scan_bytes(data)
    if scan.corrupt_at is not None or (scan.torn_bytes and not allow_torn_tail):
        at = scan.corrupt_at if scan.corrupt_at is not None else scan.good_size
        raise StoreCorrupt(file=str(path), detail=f"mục nhật ký hỏng ở byte {at}")
    numbers = [e.get("n") for e in scan.entries]
    if any(not isinstance(n, int) for n in numbers) or any(
        b != a + 1 for a, b in itertools.pairwise(n for n in numbers if isinstance(n, int))
    ):
        raise StoreCorrupt(file=str(path), detail="số thứ tự mục nhật ký không liên tục")
    return scan


def set_aside_torn_tail(path: Path, scan: JournalScan) -> Path | None:
    """Copy a torn tail to ``<journal>.torn-<time>`` and cut it off the journal."""
    if not scan.torn_bytes:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    aside = path.with_name(f"{path.name}.torn-{stamp}")
    with path.open("rb") as src:
        src.seek(scan.good_size)
        tail = src.read()
    fsio.atomic_write(aside, tail)
    try:
        fd = fsio._open(str(path), os.O_WRONLY)
        try:
            fsio._truncate(fd, scan.good_size)
            fsio._fsync(fd)
        finally:
            fsio._close(fd)
    except OSError as exc:
        raise fsio.store_error(exc, "cắt phần hỏng cuối nhật ký") from exc
    return aside


class Journal:
    """The live journal: appends one fsynced entry per logical change."""

    def __init__(self, path: Path, next_n: int, size: int) -> None:
        self.path = path
        self.next_n = next_n
        self.size = size
        self.entries = 0
        self.broken = False
        try:
            self._fd = fsio._open(str(path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            raise fsio.store_error(exc, "mở nhật ký") from exc

    def append(self, entry: dict[str, Any]) -> int:
        """Write and fsync one entry; on failure cut the file back and raise StoreError.

        Returns the entry's number.  If even cutting back fails, the journal refuses further
        writes (``store.broken``) until the store is reopened, so a torn entry can never be
        followed by valid ones.
        """
        if self.broken:
            raise StoreError("store.broken")
        entry["n"] = self.next_n
        data = encode_entry(entry)
        try:
            fsio.write_all(self._fd, data)
            fsio._fsync(self._fd)
        except OSError as exc:
            self._cut_back()
            raise fsio.store_error(exc, "ghi nhật ký") from exc
        self.size += len(data)
        self.next_n += 1
        self.entries += 1
        return int(entry["n"])

    def _cut_back(self) -> None:
        try:
            fsio._truncate(self._fd, self.size)
            fsio._fsync(self._fd)
        except OSError:
            self.broken = True

    def close(self) -> None:
        if self._fd >= 0:
            try:
                fsio._close(self._fd)
            finally:
                self._fd = -1


class ReadOnlyJournal:
    """The journal of a store opened for reading only: it opens no file and refuses every
    append (so every write the store is asked for is refused before anything changes)."""

    def __init__(self, path: Path, next_n: int, size: int) -> None:
        self.path = path
        self.next_n = next_n
        self.size = size
        self.entries = 0
        self.broken = False

    def append(self, entry: dict[str, Any]) -> int:
        raise StoreReadOnly(path=str(self.path.parent), detail="§why.opened_read_only")

    def close(self) -> None:
        pass
