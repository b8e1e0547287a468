"""``sotay doctor``: explain the state of a profile's files and recover a damaged one.

Diagnosis only reads.  Recovery never deletes or overwrites a damaged file: it renames it
``<name>.corrupt-<time>``, rebuilds every table from the best file it can read (the current
one, else its ``.prev``) plus every journal entry that is still whole, writes fresh files,
and resets the sync cursor so the next sync brings back from the server anything the damage
took.  It says exactly which journal entries, if any, could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.errors import SotayError, StoreCorrupt
from sync import fsio, snapshot
from sync.history import HistoryLog
from sync.index import search_text
from sync.journal import MAGIC, _entry_at, scan_bytes
from sync.store import (
    CORE,
    CORE_TABLES,
    HISTORY,
    JOURNAL,
    JOURNAL_PREV,
    KIND_PREFIX,
    Store,
    prev,
)


@dataclass
class FileReport:
    name: str
    state: str               # "ok", "missing", "corrupt", "torn-tail", "damaged"
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
        main = [f for f in self.files if not f.name.endswith(".prev")]
        return all(f.state in ("ok", "missing", "torn-tail") for f in main) and any(
            f.name == CORE and f.state == "ok" for f in self.files)


def _snapshot_report(path: Path) -> FileReport:
    if not path.exists():
        return FileReport(path.name, "missing")
    try:
        tables, last_n = snapshot.read(path)
    except SotayError as exc:
        return FileReport(path.name, "corrupt", exc.message())
    return FileReport(path.name, "ok", last_n=last_n, records=len(tables.get("records", {})) or None)


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


def _history_report(path: Path) -> FileReport:
    if not path.exists():
        return FileReport(path.name, "missing")
    log = HistoryLog(path)
    count = sum(1 for _ in log.all())
    return FileReport(path.name, "damaged" if log.damaged else "ok", entries=count)


def _snapshot_files(path: Path) -> list[Path]:
    kinds = sorted({p.name.removesuffix(".prev") for p in path.glob(KIND_PREFIX + "*")
                    if p.name.count(".") in (2, 3) and not p.name.endswith(".tmp")
                    and "corrupt" not in p.name and "before" not in p.name})
    files = [path / CORE, prev(path / CORE)]
    for name in kinds:
        files += [path / name, prev(path / name)]
    return files


def diagnose(path: Path) -> Diagnosis:
    path = Path(path)
    diag = Diagnosis(path)
    diag.files = [_snapshot_report(p) for p in _snapshot_files(path)]
    diag.files += [_journal_report(path / JOURNAL, live=True),
                   _journal_report(path / JOURNAL_PREV, live=False),
                   _history_report(path / HISTORY)]
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
    sources: dict[str, str]
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


def _best(main: Path) -> tuple[dict[str, dict[str, Any]], int, str] | None:
    for candidate in (main, prev(main)):
        if candidate.exists():
            try:
                tables, last_n = snapshot.read(candidate)
                return tables, last_n, candidate.name
            except SotayError:
                continue
    return None


def _recover_locked(path: Path) -> Recovery:
    core = _best(path / CORE)
    if core is None:
        raise StoreCorrupt(file=str(path / CORE), detail="cả hai bản ảnh chụp đều hỏng")
    tables: dict[str, dict[str, Any]] = {name: core[0].get(name, {}) for name in CORE_TABLES}
    marks: dict[str, int] = {"core": core[1]}
    sources = {CORE: core[2]}
    records: dict[str, dict[str, Any]] = {}
    for file in _snapshot_files(path)[2::2]:
        kind = file.name[len(KIND_PREFIX):]
        found = _best(file)
        marks[kind] = found[1] if found else 0
        sources[file.name] = found[2] if found else "(mất)"
        if found:
            records.update(found[0].get("records", {}))
    entries = {e["n"]: e for name in (JOURNAL_PREV, JOURNAL) for e in _all_entries(path / name)
               if isinstance(e.get("n"), int)}
    replayed, lost, last_n = _replay_all(entries, marks, tables, records)
    moved = _move_aside(path)
    tables["meta"]["cursor"] = {"value": 0}  # pull everything again: the server heals gaps,
    tables["meta"]["full_pull"] = {"value": True}  # including what this replica wrote
    _write_fresh(path, tables, records, last_n)
    return Recovery(sources, last_n, replayed, lost, moved)


def _replay_all(entries: dict[int, dict[str, Any]], marks: dict[str, int],
                tables: dict[str, dict[str, Any]],
                records: dict[str, dict[str, Any]]) -> tuple[int, list[int], int]:
    start = min(marks.values())
    last_n = max([start, *entries])
    lost = [n for n in range(start + 1, last_n + 1) if n not in entries]
    replayed = 0
    for n in sorted(k for k in entries if k > start):
        replayed += 1
        for op in entries[n]["ops"]:
            table, key, doc = op[0], op[1], op[2]
            if table == "history":
                continue
            if table == "records":
                kind = doc["kind"] if doc else (op[3] if len(op) > 3 else None)
                if n <= marks.get(kind or "", 0):
                    continue
                target = records
            elif n > marks["core"]:
                target = tables[table]
            else:
                continue
            if doc is None:
                target.pop(key, None)
            else:
                target[key] = doc
    return replayed, lost, last_n


def _move_aside(path: Path) -> list[str]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    moved = []
    for file in [*_snapshot_files(path), path / JOURNAL, path / JOURNAL_PREV]:
        if not file.exists():
            continue
        is_journal = file.name.startswith("store.journal")
        report = _journal_report(file, file.name == JOURNAL) if is_journal else _snapshot_report(file)
        tag = "corrupt" if report.state == "corrupt" else "before-recovery"
        target = file.with_name(f"{file.name}.{tag}-{stamp}")
        fsio._replace(file, target)
        moved.append(target.name)
    return moved


def _write_fresh(path: Path, tables: dict[str, dict[str, Any]],
                 records: dict[str, dict[str, Any]], last_n: int) -> None:
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for rid, doc in records.items():
        by_kind.setdefault(doc["kind"], {})[rid] = doc
    for kind, docs in by_kind.items():
        fold = {rid: search_text(kind, doc["fields"]) for rid, doc in docs.items()}
        snapshot.write(path / f"{KIND_PREFIX}{kind}", {"records": docs, "fold": fold}, last_n)
    snapshot.write(path / CORE, tables, last_n)
