"""The record history log: who changed which field of which record, when.

History lines are written in the same journal entry as the change they describe (so they
are exactly as durable), then, at each checkpoint, appended to ``store.history`` — an
append-only file in the journal's framing that is never rewritten.  It is read only when a
history is asked for (the record's history view, a report's as-of state), so opening a
large store does not pay for years of history.  Lines are keyed by ID, so appending the same
lines twice after a crash changes nothing.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sync import fsio
from sync.journal import MAGIC, _entry_at, encode_entry


class HistoryLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lines: dict[str, dict[str, Any]] | None = None
        self._by_record: dict[str, list[str]] = {}
        self._sorted: dict[str, list[dict[str, Any]]] = {}
        #: Lines not yet in the file (since the last checkpoint).
        self.recent: dict[str, dict[str, Any]] = {}
        self.damaged = False

    # -- reading -------------------------------------------------------------
    def _load(self) -> dict[str, dict[str, Any]]:
        if self._lines is None:
            lines: dict[str, dict[str, Any]] = {}
            for line in self._read_file():
                lines[line["id"]] = line
            lines.update(self.recent)
            self._lines = lines
            self._by_record = {}
            for hid, line in lines.items():
                self._by_record.setdefault(line["rid"], []).append(hid)
            gc.freeze()  # years of history: keep them out of every later collection
        return self._lines

    def _read_file(self) -> Iterable[dict[str, Any]]:
        """Every whole entry; a damaged stretch is skipped (history is never the only copy
        of a record) and remembered so ``sotay doctor`` can say so."""
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        out: list[dict[str, Any]] = []
        pos = 0
        while pos < len(data):
            hit = _entry_at(data, pos)
            if hit is None:
                nxt = data.find(MAGIC, pos + 1)
                if nxt < 0:
                    break
                self.damaged = True
                pos = nxt
                continue
            entry, pos = hit
            out.extend(entry.get("h") or [])
        return out

    def for_record(self, record_id: str) -> list[dict[str, Any]]:
        """A record's lines, oldest first (sorted once, kept until the record changes)."""
        rows = self._sorted.get(record_id)
        if rows is None:
            lines = self._load()
            rows = sorted((lines[h] for h in self._by_record.get(record_id, [])),
                          key=lambda h: (h["at"], h["id"]))
            self._sorted[record_id] = rows
        return list(rows)

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
        """Append the recent lines to the file (fsync); called by the checkpoint."""
        if not self.recent:
            return
        data = encode_entry({"n": 0, "h": list(self.recent.values())})
        try:
            fd = fsio._open(str(self.path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fsio.write_all(fd, data)
                fsio._fsync(fd)
            finally:
                fsio._close(fd)
        except OSError as exc:
            raise fsio.store_error(exc, "ghi lịch sử") from exc
        self.recent = {}
