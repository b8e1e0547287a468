"""Snapshots: TinyDB's table layout serialised with orjson behind a checksummed header.

    SOTAY-SNAPSHOT <format> <crc32 hex> <length>\\n{"last_n": …, "tables": {table: {id: doc}}}

A damaged snapshot is detected by its checksum and reported with its file name; it is
never overwritten (the checkpoint keeps the previous good one as ``.prev``).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import orjson

from domain.errors import StoreCorrupt, StoreError
from sync import fsio

FORMAT = 1
PREFIX = b"SOTAY-SNAPSHOT "


def encode(tables: dict[str, dict[str, Any]], last_n: int) -> bytes:
    body = orjson.dumps({"last_n": last_n, "tables": tables})
    header = b"%s%d %08x %d\n" % (PREFIX, FORMAT, zlib.crc32(body), len(body))
    return header + body


def decode(data: bytes, path: Path) -> tuple[dict[str, dict[str, Any]], int]:
    """Return (tables, last_n) or raise StoreCorrupt / StoreError(newer format)."""
    newline = data.find(b"\n")
    if not data.startswith(PREFIX) or newline < 0:
        raise StoreCorrupt(file=str(path), detail="thiếu phần đầu tệp")
    try:
        fmt_s, crc_s, len_s = data[len(PREFIX):newline].split(b" ")
        fmt, crc, length = int(fmt_s), int(crc_s, 16), int(len_s)
    except ValueError:
        raise StoreCorrupt(file=str(path), detail="phần đầu tệp không đọc được") from None
    if fmt > FORMAT:
        raise StoreError("store.newer_format", file=str(path), found=fmt)
    body = data[newline + 1:]
    if len(body) != length:
        raise StoreCorrupt(file=str(path), detail=f"độ dài {len(body)} thay vì {length} byte")
    if zlib.crc32(body) != crc:
        raise StoreCorrupt(file=str(path), detail="sai mã kiểm tra (checksum)")
    try:
        doc = orjson.loads(body)
        return doc["tables"], int(doc["last_n"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise StoreCorrupt(file=str(path), detail="nội dung không đọc được") from None


def read(path: Path) -> tuple[dict[str, dict[str, Any]], int]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fsio.store_error(exc, f"đọc {path.name}") from exc
    return decode(data, path)


def write(path: Path, tables: dict[str, dict[str, Any]], last_n: int,
          keep_previous: Path | None = None) -> int:
    """Atomically replace the snapshot; returns its size in bytes."""
    data = encode(tables, last_n)
    fsio.atomic_write(path, data, keep_previous=keep_previous)
    return len(data)
