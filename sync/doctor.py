"""``sotay doctor``: explain the state of a profile's files and recover a damaged one.

Diagnosis only reads.  Recovery never deletes or overwrites a damaged file: it moves it
aside as ``<name>.corrupt-<time>``, rebuilds the state from the best snapshot it can read
(the current one, else the previous one) plus every journal entry that is still whole, and
writes a fresh snapshot.  It says exactly which journal entries, if any, could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.errors import SotayError, StoreCorrupt
from sync import fsio, snapshot
from sync.journal import MAGIC, _entry_at, scan_bytes
from sync.store import JOURNAL, JOURNAL_PREV, SNAPSHOT, SNAPSHOT_PREV, TABLES, Store, _apply_entry


@dataclass
class FileReport:
    name: str
    state: str               # "ok", "missing", "corrupt", "torn-tail"
    detail: str = ""
    last_n: int | None = None
    entries: int = 0
    records: int | None = None


@dataclass
class Diagnosis:
    path: Path
    files: list[FileReport] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(f.state in ("ok", "missing", "torn-tail") for f in self.files) and any(
            f.state == "ok" and f.name in (SNAPSHOT, SNAPSHOT_PREV) for f in self.files)


def _snapshot_report(path: Path) -> FileReport:
    if not path.exists():
        return FileReport(path.name, "missing")
    try:
        tables, last_n = snapshot.read(path)
    except SotayError as exc:
        return FileReport(path.name, "corrupt", exc.message())
    return FileReport(path.name, "ok", last_n=last_n, records=len(tables.get("records", {})))


def _journal_report(path: Path, live: bool) -> FileReport:
    if not path.exists():
        return FileReport(path.name, "missing")
    scan = scan_bytes(path.read_bytes())
    last = scan.entries[-1].get("n") if scan.entries else None
    if scan.corrupt_at is not None:
        return FileReport(path.name, "corrupt", f"byte {scan.corrupt_at}", last, len(scan.entries))
    if scan.torn_bytes:
        state = "torn-tail" if live else "corrupt"
        return FileReport(path.name, state, f"{scan.torn_bytes} byte", last, len(scan.entries))
    return FileReport(path.name, "ok", last_n=last, entries=len(scan.entries))


def diagnose(path: Path) -> Diagnosis:
    path = Path(path)
    diag = Diagnosis(path)
    diag.files = [
        _snapshot_report(path / SNAPSHOT),
        _snapshot_report(path / SNAPSHOT_PREV),
        _journal_report(path / JOURNAL, live=True),
        _journal_report(path / JOURNAL_PREV, live=False),
    ]
    diag.set_aside = sorted(p.name for p in path.glob("store.*")
                            if ".torn-" in p.name or ".corrupt-" in p.name)
    return diag


def _all_entries(path: Path) -> list[dict[str, Any]]:
    """Every whole entry in a journal file, even after a damaged one (resync on the magic)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    found, pos = [], 0
    while pos < len(data):
        hit = _entry_at(data, pos)
        if hit is not None:
            found.append(hit[0])
            pos = hit[1]
            continue
        nxt = data.find(MAGIC, pos + 1)
        if nxt < 0:
            break
        pos = nxt
    return found


@dataclass
class Recovery:
    base: str
    last_n: int
    replayed: int
    lost: list[int]
    moved: list[str]


def recover(path: Path) -> Recovery:
    """Rebuild a readable store; damaged files are kept beside it, renamed."""
    path = Path(path)
    lock = Store._acquire(path)
    try:
        return _recover_locked(path)
    finally:
        lock.release()


def _recover_locked(path: Path) -> Recovery:
    base_name, tables, last_n = _best_snapshot(path)
    entries: dict[int, dict[str, Any]] = {}
    for name in (JOURNAL_PREV, JOURNAL):
        for entry in _all_entries(path / name):
            if isinstance(entry.get("n"), int):
                entries[entry["n"]] = entry
    newer = sorted(n for n in entries if n > last_n)
    lost: list[int] = []
    expected = last_n + 1
    for n in newer:
        lost.extend(range(expected, n))
        _apply_entry(tables, entries[n])
        expected = n + 1
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    moved = []
    for name in (SNAPSHOT, SNAPSHOT_PREV, JOURNAL, JOURNAL_PREV):
        src = path / name
        if src.exists():
            dst = path / f"{name}.corrupt-{stamp}" if _is_damaged(src, name) else path / f"{name}.before-recovery-{stamp}"
            fsio._replace(src, dst)
            moved.append(dst.name)
    for name in TABLES:
        tables.setdefault(name, {})
    snapshot.write(path / SNAPSHOT, tables, expected - 1)
    return Recovery(base_name, expected - 1, len(newer), lost, moved)


def _best_snapshot(path: Path) -> tuple[str, dict[str, dict[str, Any]], int]:
    errors = []
    for name in (SNAPSHOT, SNAPSHOT_PREV):
        candidate = path / name
        if not candidate.exists():
            continue
        try:
            tables, last_n = snapshot.read(candidate)
            return name, tables, last_n
        except SotayError as exc:
            errors.append(exc.message())
    raise StoreCorrupt(file=str(path / SNAPSHOT), detail="; ".join(errors) or "không còn ảnh chụp nào")


def _is_damaged(src: Path, name: str) -> bool:
    if name in (SNAPSHOT, SNAPSHOT_PREV):
        return _snapshot_report(src).state == "corrupt"
    return _journal_report(src, live=name == JOURNAL).state == "corrupt"
