"""The record history log: who changed which field of which record, when.

History lines are written in the same journal entry as the change they describe (so they
are exactly as durable), then, at each checkpoint, appended to ``store.history`` as one
*block* — an append-only file that is never rewritten.  It is read only when a history is
asked for (the record's history view, a report's as-of state), so opening a large store does
not pay for years of history.  Lines are keyed by ID, so appending the same lines twice after
a crash changes nothing.

The file has the journal's discipline:

* every block is framed and checksummed like a journal entry
  (``b"SJ" | u32 length | u32 crc32 | {"n": k, "h": [lines]}``), and blocks are numbered
  1, 2, 3 …;
* the core snapshot records the file as of the last block it knows of
  (:class:`HistoryState`: that block's number and the file's size then), so a file that ends
  before that block (truncated) or skips a number has lost lines, and says so;
* a *torn tail* (a block cut short by a crash during a checkpoint) is set aside in
  ``store.history.torn-<time>`` before the next block is appended — never silently dropped,
  and never followed by good blocks.  Its lines are not lost: the journal, which still holds
  them, is emptied only after the core records the block that follows;
* a damaged stretch between good blocks is skipped when reading (history is never the only
  copy of a record) and reported by ``sotay doctor``, with how many blocks it took.

Files written before blocks were numbered (Sổ tay v1) hold blocks with ``n = 0``; they are
read as they are, the first numbered block of such a store is 1, and an older Sổ tay still
reads a file written by this one (it ignores the numbers).  Nothing is migrated.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.errors import StoreReadOnly
from sync import fsio
from sync.journal import MAGIC, JournalScan, _entry_at, encode_entry, set_aside_torn_tail


@dataclass
class HistoryState:
    """What the core snapshot records about ``store.history``: the last block it knows of
    and the file's size just after it."""

    n: int = 0
    size: int = 0

    def to_doc(self) -> dict[str, int]:
        return {"n": self.n, "size": self.size}

    @classmethod
    def from_doc(cls, doc: Any) -> HistoryState | None:
        if not isinstance(doc, Mapping):
            return None
        n, size = doc.get("n"), doc.get("size")
        if not isinstance(n, int) or not isinstance(size, int) or n < 0 or size < 0:
            return None
        return cls(n, size)


@dataclass
class HistoryScan:
    """What reading ``store.history`` found."""

    exists: bool = False
    lines: dict[str, dict[str, Any]] = field(default_factory=dict)
    blocks: int = 0  # whole blocks read (numbered and v1)
    last_n: int = 0  # highest block number read (0: none, or only v1 blocks)
    good_size: int = 0  # end of the last whole block
    torn_bytes: int = 0  # bytes after it that are not a whole block
    damaged: list[tuple[int, int]] = field(default_factory=list)  # (offset, bytes) skipped
    missing: list[int] = field(default_factory=list)  # block numbers that are not there
    expected_n: int | None = None  # the last block the core knows of (None: not recorded)

    @property
    def lost_lines(self) -> bool:
        """Lines are gone: a damaged stretch, or blocks missing (the file was cut short or
        lost part of its middle).  A torn tail alone is not a loss (see the module)."""
        return bool(self.damaged or self.missing)


def _lines_of(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = entry.get("h")
    if not isinstance(found, list):
        return []
    return [
        line
        for line in found
        if isinstance(line, dict)
        and isinstance(line.get("id"), str)
        and isinstance(line.get("rid"), str)
    ]


def scan_bytes(data: bytes, expected_n: int | None = None) -> HistoryScan:
    """Every whole block, resyncing on the frame's magic after a damaged stretch."""
    scan = HistoryScan(exists=True, expected_n=expected_n)
    numbers: list[int] = []
    pos = 0
    while pos < len(data):
        hit = _entry_at(data, pos)
        if hit is None:
            nxt = data.find(MAGIC, pos + 1)
            while nxt >= 0 and _entry_at(data, nxt) is None:
                nxt = data.find(MAGIC, nxt + 1)
            if nxt < 0:
                scan.torn_bytes = len(data) - pos
                break
            scan.damaged.append((pos, nxt - pos))
            pos = nxt
            continue
        entry, pos = hit
        scan.blocks += 1
        scan.good_size = pos
        n = entry.get("n")
        if isinstance(n, int) and n > 0:
            numbers.append(n)
        for line in _lines_of(entry):
            scan.lines[line["id"]] = line
    scan.last_n = max(numbers, default=0)
    seen = set(numbers)
    top = max(scan.last_n, expected_n or 0)
    scan.missing = [n for n in range(1, top + 1) if n not in seen] if numbers or expected_n else []
    return scan


def scan_file(path: Path, expected_n: int | None = None) -> HistoryScan:
    """Read ``store.history``; :class:`~domain.errors.StoreUnreadable` if the OS refuses."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        scan = HistoryScan(expected_n=expected_n)
        scan.missing = list(range(1, (expected_n or 0) + 1))
        return scan
    except OSError as exc:
        raise fsio.read_error(exc, path) from exc
    return scan_bytes(data, expected_n)


class HistoryLog:
    def __init__(
        self, path: Path, state: HistoryState | None = None, *, read_only: bool = False
    ) -> None:
        self.path = path
        #: The file as the core snapshot knows it (None: a store from before it was recorded).
        self.state = state
        self.read_only = read_only
        self._lines: dict[str, dict[str, Any]] | None = None
        self._by_record: dict[str, list[str]] = {}
        self._sorted: dict[str, list[dict[str, Any]]] = {}
        #: Lines not yet in the file (since the last checkpoint).
        self.recent: dict[str, dict[str, Any]] = {}
        #: What the last read of the file found (None until the history is first read).
        self.scan: HistoryScan | None = None

    @property
    def damaged(self) -> bool:
        return self.scan is not None and self.scan.lost_lines

    # -- reading -------------------------------------------------------------
    def _load(self) -> dict[str, dict[str, Any]]:
        if self._lines is None:
            self.scan = scan_file(self.path, self.state.n if self.state else None)
            lines = dict(self.scan.lines)
            lines.update(self.recent)
            self._lines = lines
            self._by_record = {}
            for hid, line in lines.items():
                self._by_record.setdefault(line["rid"], []).append(hid)
        return self._lines

    def for_record(self, record_id: str) -> list[dict[str, Any]]:
        """A record's lines, oldest first (sorted once, kept until the record changes)."""
        rows = self._sorted.get(record_id)
        if rows is None:
            lines = self._load()
            rows = sorted(
                (lines[h] for h in self._by_record.get(record_id, [])),
                key=lambda h: (h["at"], h["id"]),
            )
            self._sorted[record_id] = rows
        return list(rows)

    def with_lines(self, record_ids: Iterable[str]) -> set[str]:
        """Those of ``record_ids`` that have at least one line (one read of the file)."""
        self._load()
        return {rid for rid in record_ids if self._by_record.get(rid)}

    def all(self) -> Iterable[dict[str, Any]]:
        return self._load().values()

    @property
    def loaded(self) -> bool:
        return self._lines is not None

    # -- writing -------------------------------------------------------------
    def add(self, line: dict[str, Any]) -> None:
        self.recent[line["id"]] = line
        self._sorted.pop(line["rid"], None)
        if self._lines is not None:
            if line["id"] not in self._lines:
                self._by_record.setdefault(line["rid"], []).append(line["id"])
            self._lines[line["id"]] = line

    def flush(self) -> None:
        """Append the recent lines as the next block (fsync); called by the checkpoint.

        The file's end is checked first (cheaply: only what lies after the recorded size is
        read), so a torn tail is set aside instead of being buried under a good block.
        """
        if not self.recent:
            return
        if self.read_only:
            raise StoreReadOnly(path=str(self.path.parent), detail="§why.opened_read_only")
        state = self._settle_tail()
        data = encode_entry({"n": state.n + 1, "h": list(self.recent.values())})
        try:
            fd = fsio._open(str(self.path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fsio.write_all(fd, data)
                fsio._fsync(fd)
            finally:
                fsio._close(fd)
        except OSError as exc:
            # the file may now end in a torn block: forget its size, so the next flush
            # looks at the whole tail again before appending
            self.state = HistoryState(state.n, -1)
            raise fsio.store_error(exc, "ghi lịch sử", self.path.parent) from exc
        self.state = HistoryState(state.n + 1, state.size + len(data))
        self.recent = {}

    def _settle_tail(self) -> HistoryState:
        """The file's state now, after setting any torn tail aside."""
        try:
            actual = os.stat(self.path).st_size
        except FileNotFoundError:
            actual = 0
        except OSError as exc:
            raise fsio.read_error(exc, self.path) from exc
        known = self.state
        if known is not None and known.size == actual:
            return known
        start = known.size if known is not None and 0 <= known.size < actual else 0
        try:
            with self.path.open("rb") as fh:
                fh.seek(start)
                data = fh.read()
        except FileNotFoundError:
            data = b""
        except OSError as exc:
            raise fsio.read_error(exc, self.path) from exc
        if start and data and _entry_at(data, 0) is None:  # not a block boundary: look at all
            start = 0
            data = fsio.read_bytes(self.path)
        scan = scan_bytes(data)
        good_end = start + scan.good_size
        if scan.torn_bytes:
            set_aside_torn_tail(
                self.path, JournalScan(good_size=good_end, torn_bytes=actual - good_end)
            )
        # a cut-short file keeps the recorded number, so the gap stays visible to the doctor
        n = max(known.n if known is not None else 0, scan.last_n)
        return HistoryState(n, good_end)
