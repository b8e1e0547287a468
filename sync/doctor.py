"""``sotay doctor``: explain the state of a profile's files and recover a damaged one.

Diagnosis only reads.  It tells three things apart that all stop a store from opening, and
only one of them is damage:

* a file that cannot be *read* (permission denied, an I/O error) is ``unreadable``: the
  person fixes the permission; nothing is "recovered";
* a snapshot written by a *newer* Sổ tay is ``newer``: the person upgrades; rolling back to
  the older ``.prev`` would throw away what the newer version wrote;
* a file whose checksum, framing or numbering is wrong is damaged (``corrupt``; for the
  history, ``damaged`` when lines were lost).

Recovery declines the first two and a healthy store.  Otherwise it never deletes or
overwrites a damaged file: it renames it ``<name>.corrupt-<time>``, rebuilds every table
from the best file it can read (the current one, else its ``.prev``) plus every journal
entry that is still whole, writes fresh files, and resets the sync cursor so the next sync
brings back from the server anything the damage took.  It says exactly which journal
entries, if any, could not be read.  A damaged ``store.history`` is rebuilt from every line
still readable in it and in the journals; the damaged file is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.errors import (
    NotFound,
    SotayError,
    StoreCorrupt,
    StoreNewerFormat,
    StoreUnreadable,
)
from sync import fsio, snapshot
from sync.durable import (
    CORE,
    CORE_TABLES,
    HISTORY,
    HISTORY_TABLE,
    JOURNAL,
    JOURNAL_PREV,
    KIND_PREFIX,
    prev,
)
from sync.history import HistoryLog, HistoryScan, HistoryState, scan_file
from sync.index import search_text
from sync.journal import MAGIC, _entry_at, encode_entry, scan_bytes
from sync.store import Store

#: Lines per block when a damaged history is written afresh.
REBUILT_BLOCK_LINES = 5000


Note = tuple[str, dict[str, Any]]


@dataclass
class FileReport:
    name: str
    # "ok", "missing", "corrupt", "torn-tail", "damaged", "unreadable", "newer"
    state: str
    detail: str = ""
    last_n: int | None = None
    entries: int = 0
    records: int | None = None
    #: What to say about the file, as message keys (shown in the person's language).
    notes: list[Note] = field(default_factory=list)


@dataclass
class Diagnosis:
    path: Path
    files: list[FileReport] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    history: HistoryScan | None = None

    @property
    def healthy(self) -> bool:
        """Every main file reads (a torn tail is a crash, set aside at the next open), and no
        file at all is unreadable or from a newer version."""
        main = [f for f in self.files if not f.name.endswith(".prev")]
        return (
            all(f.state in ("ok", "missing", "torn-tail") for f in main)
            and any(f.name == CORE and f.state == "ok" for f in self.files)
            and not (self.unreadable or self.newer)
        )

    @property
    def unreadable(self) -> list[FileReport]:
        return [f for f in self.files if f.state == "unreadable"]

    @property
    def newer(self) -> list[FileReport]:
        return [f for f in self.files if f.state == "newer"]

    @property
    def store_damaged(self) -> bool:
        """A snapshot or journal is damaged (the history aside)."""
        main = [f for f in self.files if not f.name.endswith(".prev") and f.name != HISTORY]
        return not all(f.state in ("ok", "missing", "torn-tail") for f in main) or not any(
            f.name == CORE and f.state == "ok" for f in self.files
        )

    @property
    def history_damaged(self) -> bool:
        return any(f.name == HISTORY and f.state == "damaged" for f in self.files)


def _problem_report(name: str, exc: SotayError) -> FileReport | None:
    if isinstance(exc, StoreNewerFormat):
        return FileReport(
            name, "newer", notes=[("doctor.newer", {"found": exc.params.get("found")})]
        )
    if isinstance(exc, StoreUnreadable):
        return FileReport(
            name, "unreadable", notes=[("doctor.unreadable", {"detail": exc.params.get("detail")})]
        )
    return None


def _snapshot_report(path: Path) -> FileReport:
    if not path.exists():
        return FileReport(path.name, "missing")
    try:
        tables, last_n = snapshot.read(path)
    except SotayError as exc:
        found = _problem_report(path.name, exc)
        if found is not None:
            return found
        return FileReport(path.name, "corrupt", str(exc.params.get("detail") or exc.message()))
    return FileReport(
        path.name, "ok", last_n=last_n, records=len(tables.get("records", {})) or None
    )


def _journal_report(path: Path, live: bool) -> FileReport:
    if not path.exists():
        return FileReport(path.name, "missing")
    try:
        data = fsio.read_bytes(path)
    except StoreUnreadable as exc:
        return _problem_report(path.name, exc) or FileReport(path.name, "unreadable")
    scan = scan_bytes(data)
    last = scan.entries[-1].get("n") if scan.entries else None
    if scan.corrupt_at is not None:
        return FileReport(path.name, "corrupt", f"byte {scan.corrupt_at}", last, len(scan.entries))
    if scan.torn_bytes:
        state = "torn-tail" if live else "corrupt"
        return FileReport(path.name, state, f"{scan.torn_bytes} byte", last, len(scan.entries))
    return FileReport(path.name, "ok", last_n=last, entries=len(scan.entries))


def _ranges(numbers: list[int]) -> str:
    """[2, 3, 4, 7] → "2–4, 7"."""
    parts: list[str] = []
    start = prev_n = None
    for n in [*numbers, None]:
        if n is not None and prev_n is not None and n == prev_n + 1:
            prev_n = n
            continue
        if start is not None:
            parts.append(str(start) if start == prev_n else f"{start}–{prev_n}")
        start = prev_n = n
    return ", ".join(parts)


def _history_report(
    path: Path, expected: int | None
) -> tuple[FileReport | None, HistoryScan | None]:
    """The history's report (None when there is none yet and none is expected)."""
    try:
        scan = scan_file(path, expected)
    except StoreUnreadable as exc:
        return _problem_report(path.name, exc), None
    if not scan.exists and not scan.missing:
        return None, scan
    notes: list[Note] = []
    if not scan.exists:
        notes.append(("doctor.history_gone", {"expected": expected}))
    elif scan.missing:
        notes.append(
            (
                "doctor.history_missing",
                {"blocks": _ranges(scan.missing), "expected": max(scan.last_n, expected or 0)},
            )
        )
    for offset, length in scan.damaged:
        notes.append(("doctor.history_damaged", {"bytes": length, "offset": offset}))
    if scan.torn_bytes:
        notes.append(("doctor.torn", {"bytes": scan.torn_bytes}))
    state = "damaged" if scan.lost_lines else "torn-tail" if scan.torn_bytes else "ok"
    return FileReport(
        path.name, state, last_n=scan.last_n or None, entries=len(scan.lines), notes=notes
    ), scan


def _snapshot_files(path: Path) -> list[Path]:
    kinds = sorted(
        {
            p.name.removesuffix(".prev")
            for p in path.glob(KIND_PREFIX + "*")
            if p.name.count(".") in (2, 3)
            and not p.name.endswith(".tmp")
            and "corrupt" not in p.name
            and "before" not in p.name
            and ".torn-" not in p.name
        }
    )
    files = [path / CORE, prev(path / CORE)]
    for name in kinds:
        files += [path / name, prev(path / name)]
    return files


def _recorded_history(path: Path) -> HistoryState | None:
    """What the best readable core snapshot records about ``store.history``."""
    found = _best(path / CORE)
    return HistoryState.from_doc(found[0].get(HISTORY_TABLE, {}).get("state")) if found else None


def diagnose(path: Path) -> Diagnosis:
    """Read every file of the profile and say what state each is in.

    Optional files that are simply not there yet (``.prev`` copies, journals, the history of
    a store without any) are not listed: a new, healthy store shows no "missing" line.
    """
    path = Path(path)
    diag = Diagnosis(path)
    for file in _snapshot_files(path):
        report = _snapshot_report(file)
        if report.state == "missing" and file.name.endswith(".prev"):
            continue
        diag.files.append(report)
    for name, live in ((JOURNAL, True), (JOURNAL_PREV, False)):
        report = _journal_report(path / name, live=live)
        if report.state != "missing":
            diag.files.append(report)
    recorded = _recorded_history(path)
    history, diag.history = _history_report(path / HISTORY, recorded.n if recorded else None)
    if history is not None:
        diag.files.append(history)
    diag.set_aside = sorted(
        p.name for p in path.glob("store.*") if ".torn-" in p.name or ".corrupt-" in p.name
    )
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
    #: Lines in a store.history written afresh (None: the history was left as it was).
    history_lines: int | None = None


def recover(path: Path) -> Recovery | None:
    """Rebuild a readable store; damaged files are kept beside it, renamed.

    Returns None, touching nothing, when there is nothing to recover (the store reads
    normally).  Declines, touching nothing, when a file cannot be read
    (:class:`StoreUnreadable`) or was written by a newer Sổ tay (:class:`StoreNewerFormat`).
    """
    path = Path(path)
    if not Store.exists(path):
        raise NotFound("store.no_profile", path=str(path))
    lock = Store._acquire(path)
    try:
        diag = diagnose(path)
        _decline(diag)
        if diag.healthy:
            return None
        return _recover_locked(path, diag)
    finally:
        lock.release()


def _decline(diag: Diagnosis) -> None:
    for report in diag.newer:
        found = report.notes[0][1].get("found") if report.notes else None
        raise StoreNewerFormat(
            "doctor.recover_newer", file=str(diag.path / report.name), found=found
        )
    for report in diag.unreadable:
        detail = report.notes[0][1].get("detail") if report.notes else ""
        raise StoreUnreadable(
            "doctor.recover_unreadable", file=str(diag.path / report.name), detail=detail
        )


def _best(main: Path) -> tuple[dict[str, dict[str, Any]], int, str] | None:
    for candidate in (main, prev(main)):
        if candidate.exists():
            try:
                tables, last_n = snapshot.read(candidate)
                return tables, last_n, candidate.name
            except SotayError:
                continue
    return None


def _journal_lines(path: Path) -> dict[str, dict[str, Any]]:
    """History lines still in the journals (the ones a checkpoint has not yet moved to
    ``store.history``, and the ones since the checkpoint before)."""
    lines: dict[str, dict[str, Any]] = {}
    for name in (JOURNAL_PREV, JOURNAL):
        for entry in _all_entries(path / name):
            for op in entry.get("ops") or []:
                if op and op[0] == "history" and isinstance(op[2], dict) and "id" in op[2]:
                    lines[op[2]["id"]] = op[2]
    return lines


def _recover_locked(path: Path, diag: Diagnosis) -> Recovery:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    journal_lines = _journal_lines(path)
    if not diag.store_damaged:
        return _recover_history_only(path, diag, journal_lines, stamp)
    core = _best(path / CORE)
    if core is None:
        raise StoreCorrupt(file=str(path / CORE), detail="cả hai bản ảnh chụp đều hỏng")
    tables: dict[str, dict[str, Any]] = {name: core[0].get(name, {}) for name in CORE_TABLES}
    marks: dict[str, int] = {"core": core[1]}
    sources = {CORE: core[2]}
    records: dict[str, dict[str, Any]] = {}
    for file in _snapshot_files(path)[2::2]:
        kind = file.name[len(KIND_PREFIX) :]
        found = _best(file)
        marks[kind] = found[1] if found else 0
        sources[file.name] = found[2] if found else "(mất)"
        if found:
            records.update(found[0].get("records", {}))
    entries = {
        e["n"]: e
        for name in (JOURNAL_PREV, JOURNAL)
        for e in _all_entries(path / name)
        if isinstance(e.get("n"), int)
    }
    replayed, lost, last_n = _replay_all(entries, marks, tables, records)
    moved = _move_aside(path, stamp)
    # the journals were moved aside with the lines not yet in store.history: keep them
    count: int | None = None
    history_state: HistoryState | None
    if diag.history_damaged:
        history_state, count, kept = _rebuild_history(path, diag.history, journal_lines, stamp)
        moved += kept
    else:
        history_state = _append_history(path, diag.history, journal_lines)
    tables["meta"]["cursor"] = {"value": 0}  # pull everything again: the server heals gaps,
    tables["meta"]["full_pull"] = {"value": True}  # including what this replica wrote
    if history_state is not None:
        tables[HISTORY_TABLE] = {"state": history_state.to_doc()}
    _write_fresh(path, tables, records, last_n)
    return Recovery(sources, last_n, replayed, lost, moved, count)


def _recover_history_only(
    path: Path, diag: Diagnosis, journal_lines: dict[str, Any], stamp: str
) -> Recovery:
    """Only the history lost lines: write it afresh, record it in the core, keep the rest."""
    state, count, kept = _rebuild_history(path, diag.history, journal_lines, stamp)
    found = _best(path / CORE)
    assert found is not None  # a healthy core was just read
    tables, last_n, _name = found
    tables[HISTORY_TABLE] = {"state": state.to_doc()}
    snapshot.write(path / CORE, tables, last_n, keep_previous=prev(path / CORE))
    return Recovery({}, last_n, 0, [], kept, count)


def _rebuild_history(
    path: Path, scan: HistoryScan | None, journal_lines: dict[str, Any], stamp: str
) -> tuple[HistoryState, int, list[str]]:
    """Keep the damaged file as ``.corrupt-<stamp>``, write every readable line afresh.
    Returns the new file's state, its number of lines and the name the old file got."""
    lines = {**(scan.lines if scan else {}), **journal_lines}
    ordered = sorted(lines.values(), key=lambda h: (str(h.get("at")), h["id"]))
    data = b"".join(
        encode_entry({"n": i + 1, "h": ordered[at : at + REBUILT_BLOCK_LINES]})
        for i, at in enumerate(range(0, len(ordered), REBUILT_BLOCK_LINES))
    )
    file = path / HISTORY
    kept = []
    if file.exists():
        target = file.with_name(f"{file.name}.corrupt-{stamp}")
        fsio._replace(file, target)
        kept.append(target.name)
    fsio.atomic_write(file, data)
    blocks = -(-len(ordered) // REBUILT_BLOCK_LINES)
    return HistoryState(blocks, len(data)), len(ordered), kept


def _append_history(
    path: Path, scan: HistoryScan | None, journal_lines: dict[str, Any]
) -> HistoryState | None:
    """Add the journals' lines that the (sound) history lacks, as one more block."""
    if scan is None:
        return None
    # size -1: the flush looks at the whole file's end (and sets a torn tail aside) first
    log = HistoryLog(path / HISTORY, HistoryState(scan.last_n, -1))
    for hid, line in journal_lines.items():
        if hid not in scan.lines:
            log.add(line)
    if not log.recent:
        return HistoryState(scan.last_n, scan.good_size)
    log.flush()
    return log.state


def _replay_all(
    entries: dict[int, dict[str, Any]],
    marks: dict[str, int],
    tables: dict[str, dict[str, Any]],
    records: dict[str, dict[str, Any]],
) -> tuple[int, list[int], int]:
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


def _move_aside(path: Path, stamp: str) -> list[str]:
    moved = []
    for file in [*_snapshot_files(path), path / JOURNAL, path / JOURNAL_PREV]:
        if not file.exists():
            continue
        is_journal = file.name.startswith("store.journal")
        report = (
            _journal_report(file, file.name == JOURNAL) if is_journal else _snapshot_report(file)
        )
        tag = "corrupt" if report.state == "corrupt" else "before-recovery"
        target = file.with_name(f"{file.name}.{tag}-{stamp}")
        fsio._replace(file, target)
        moved.append(target.name)
    return moved


def _write_fresh(
    path: Path, tables: dict[str, dict[str, Any]], records: dict[str, dict[str, Any]], last_n: int
) -> None:
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for rid, doc in records.items():
        by_kind.setdefault(doc["kind"], {})[rid] = doc
    for kind, docs in by_kind.items():
        fold = {rid: search_text(kind, doc["fields"]) for rid, doc in docs.items()}
        snapshot.write(path / f"{KIND_PREFIX}{kind}", {"records": docs, "fold": fold}, last_n)
    snapshot.write(path / CORE, tables, last_n)
