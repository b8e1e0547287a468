"""Snapshot files: tables in TinyDB's layout, serialised with orjson behind a checksummed header.

    SOTAY-SNAPSHOT <format> <crc32 hex> <length> <last_n>\\n{"tables": {table: {id: doc}}}

``last_n`` is the number of the last journal entry the file contains.  The header can be
checked (:func:`verify`) without parsing the body, so opening a large store checks every
file at once and parses each kind only when it is first needed.  A damaged file is reported
with its name and never overwritten (each rewrite keeps the previous one as ``.prev``).

``<format>`` is the first word after the prefix in every version: a file whose format is
higher than :data:`FORMAT` was written by a newer Sổ tay and is reported as such
(:class:`~domain.errors.StoreNewerFormat`), never as damage.
"""

from __future__ import annotations

import mmap
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from domain.errors import StoreCorrupt, StoreNewerFormat
from sync import fsio

FORMAT = 2
PREFIX = b"SOTAY-SNAPSHOT "
#: A file's contents: read (bytes) or mapped (:func:`read_mapped`).
Data = bytes | mmap.mmap


def encode(tables: dict[str, dict[str, Any]], last_n: int) -> bytes:
    body = orjson.dumps({"tables": tables})
    header = b"%s%d %08x %d %d\n" % (PREFIX, FORMAT, zlib.crc32(body), len(body), last_n)
    return header + body


def format_of(data: Data) -> int | None:
    """The format number in a snapshot's header, read before anything else in it (a newer
    version may lay out the rest of its header differently); None if there is none."""
    if data[: len(PREFIX)] != PREFIX:
        return None
    word = data[len(PREFIX) : len(PREFIX) + 12].split(b" ", 1)[0].split(b"\n", 1)[0]
    return int(word) if word.isdigit() else None


def verify(data: Data, path: Path) -> tuple[int, int]:
    """Check header, length and checksum; return (last_n, body offset).

    A file of a newer format raises :class:`StoreNewerFormat` whatever else its header and
    body hold: this version cannot tell whether it is damaged, and must not say it is.
    """
    fmt = format_of(data)
    if fmt is not None and fmt > FORMAT:
        raise StoreNewerFormat(file=str(path), found=fmt)
    newline = data.find(b"\n", 0, 200)
    if fmt is None or newline < 0:
        raise StoreCorrupt(file=str(path), detail="thiếu phần đầu tệp")
    try:
        _fmt_s, crc_s, len_s, n_s = data[len(PREFIX) : newline].split(b" ")
        crc, length, last_n = int(crc_s, 16), int(len_s), int(n_s)
    except ValueError:
        raise StoreCorrupt(file=str(path), detail="phần đầu tệp không đọc được") from None
    body_len = len(data) - newline - 1
    if body_len != length:
        raise StoreCorrupt(file=str(path), detail=f"độ dài {body_len} thay vì {length} byte")
    if zlib.crc32(memoryview(data)[newline + 1 :]) != crc:
        raise StoreCorrupt(file=str(path), detail="sai mã kiểm tra (checksum)")
    return last_n, newline + 1


def decode_body(data: Data, offset: int, path: Path) -> dict[str, dict[str, Any]]:
    """Parse a verified file's tables."""
    try:
        doc = orjson.loads(memoryview(data)[offset:])
        tables = doc["tables"]
        if not isinstance(tables, dict):
            raise TypeError("tables")
        return tables
    except (orjson.JSONDecodeError, KeyError, TypeError):
        raise StoreCorrupt(file=str(path), detail="nội dung không đọc được") from None


def read_bytes(path: Path) -> bytes:
    """The file's bytes; :class:`StoreUnreadable` (not "damaged") if the OS refuses."""
    return fsio.read_bytes(path)


@dataclass(frozen=True, slots=True)
class Mapped:
    """A file's contents as :func:`read_mapped` mapped them, and which file that was."""

    data: Data
    inode: tuple[int, int]  # (device, inode) of the file mapped
    mtime_ns: int


def read_mapped(path: Path) -> Mapped:
    """The file's contents mapped read-only, not copied: a kind file is checked whole at
    open and parsed only if its kind is asked for, so an idle sync of a 30k-record store
    read (copied) 45 MB to check a checksum.  The map is of the file opened: a checkpoint
    renames a new file over the name, never writes this one (see :func:`still_as_mapped`
    for another program that does).  Unreadable as in :func:`read_bytes`; an empty file is
    ``b""`` (a map cannot be empty)."""
    try:
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            data: Data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if st.st_size else b""
            return Mapped(data, (st.st_dev, st.st_ino), st.st_mtime_ns)
    except OSError as exc:
        raise fsio.read_error(exc, path) from exc


def still_as_mapped(mapped: Mapped, path: Path, last_n: int) -> None:
    """Before a mapped file is parsed: raise :class:`StoreCorrupt` if another program changed
    it in place since it was mapped.  Cut shorter, reading its map past the new end would
    kill the process (SIGBUS) instead of saying so; written over, it may no longer be what
    was checked at open.  A file of the same size written again is checked again (its
    checksum, and the same last entry).  A file renamed over the name (every checkpoint
    does that) is another file: the map still reads the one opened, whole."""
    try:
        st = os.stat(path)
    except OSError:
        return  # gone from its name (renamed, removed): the map holds the file opened
    if (st.st_dev, st.st_ino) != mapped.inode:
        return  # another file now has the name: the map holds the file opened
    size = len(mapped.data)
    if st.st_size == size and st.st_mtime_ns == mapped.mtime_ns:
        return  # untouched
    try:
        same = st.st_size == size and verify(mapped.data, path)[0] == last_n
    except StoreCorrupt:
        same = False
    if not same:
        raise StoreCorrupt(file=str(path), detail="§why.changed_while_open")


def read(path: Path) -> tuple[dict[str, dict[str, Any]], int]:
    """Verify and parse a whole file: (tables, last_n)."""
    data = read_bytes(path)
    last_n, offset = verify(data, path)
    return decode_body(data, offset, path), last_n


def write(
    path: Path, tables: dict[str, dict[str, Any]], last_n: int, keep_previous: Path | None = None
) -> int:
    """Atomically replace the file (keeping the old one as ``keep_previous``); returns its size."""
    data = encode(tables, last_n)
    fsio.atomic_write(path, data, keep_previous=keep_previous)
    return len(data)
