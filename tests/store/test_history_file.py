"""F7: ``store.history`` has the journal's discipline.

Blocks are checksummed and numbered, the core records the last one, so a truncated or
damaged history is reported by ``sotay doctor`` (not "ok, 4 entries" where there were 21);
a torn tail is set aside, never silently dropped; a v1 history (unnumbered blocks, nothing
recorded in the core) still opens and reads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import StoreWriteFailed
from sync import doctor, fsio, snapshot
from sync.durable import HISTORY_TABLE
from sync.history import scan_file
from sync.journal import MAGIC, _entry_at, encode_entry
from sync.store import Store
from tui.cli import run


def _history_in_blocks(path: Path, blocks: int = 3, per_block: int = 7) -> list[str]:
    """``blocks`` checkpoints of ``per_block`` history lines each; returns the record ids."""
    store = Store.create(path, office="vn/x", name="x")
    ids = []
    for b in range(blocks):
        for i in range(per_block):
            ids.append(store.add("unit", {"name": f"Đơn vị {b}-{i}"}).id)
        store.close()
        store = Store.open(path)
    store.close()
    return ids


def _read_as_v1(data: bytes) -> list[dict[str, object]]:
    """How Sổ tay v1 read store.history (its HistoryLog._read_file, verbatim in substance)."""
    out: list[dict[str, object]] = []
    pos = 0
    while pos < len(data):
        hit = _entry_at(data, pos)
        if hit is None:
            nxt = data.find(MAGIC, pos + 1)
            if nxt < 0:
                break
            pos = nxt
            continue
        entry, pos = hit
        out.extend(entry.get("h") or [])
    return out


def test_blocks_are_numbered_and_the_core_records_the_last(tmp_path: Path) -> None:
    path = tmp_path / "p"
    _history_in_blocks(path)
    scan = scan_file(path / "store.history")
    assert (scan.blocks, scan.last_n, len(scan.lines), scan.missing) == (3, 3, 21, [])
    tables, _n = snapshot.read(path / "store.core")
    assert tables[HISTORY_TABLE]["state"] == {
        "n": 3,
        "size": (path / "store.history").stat().st_size,
    }


@pytest.mark.parametrize("cut", ["mid-block", "block-boundary"])
def test_a_truncated_history_is_reported_by_doctor_and_recovered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cut: str
) -> None:
    path = tmp_path / "p"
    ids = _history_in_blocks(path)
    history = path / "store.history"
    data = history.read_bytes()
    first_end = _entry_at(data, 0)
    assert first_end is not None
    keep = first_end[1] + 10 if cut == "mid-block" else first_end[1]
    history.write_bytes(data[:keep])

    assert run(["--lang", "en", "--data", str(path), "doctor"]) == 7
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("store.history"))
    assert line.startswith("store.history: damaged, 7 entries"), out
    assert "blocks 2–3 of the 3 written are missing" in line
    assert "--recover" in out

    # the store still opens, and shows what is left
    with Store.open(path) as store:
        assert store.history(ids[0]) and not store.history(ids[-1])

    assert run(["--lang", "en", "--data", str(path), "doctor", "--recover"]) == 0
    out = capsys.readouterr().out
    # block 1 from the file, block 3's lines from store.journal.prev (the last checkpoint's
    # entries): what is still readable anywhere is kept; block 2 is gone
    assert "store.history afresh from the 14 history lines" in out
    kept = list(path.glob("store.history.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == data[:keep], "the damaged file is kept"
    assert not list(path.glob("*.before-recovery-*")), "only the history was rewritten"
    assert run(["--data", str(path), "doctor"]) == 0
    with Store.open(path) as store:
        assert len(store.list("unit")) == 21, "records never depended on the history"
        assert store.history(ids[0]) and store.history(ids[-1]) and not store.history(ids[10])


def test_a_damaged_block_in_the_middle_is_reported_and_the_rest_still_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p"
    ids = _history_in_blocks(path)
    history = path / "store.history"
    data = bytearray(history.read_bytes())
    data[len(data) // 2] ^= 0x20  # inside block 2
    history.write_bytes(bytes(data))
    assert run(["--lang", "en", "--data", str(path), "doctor"]) == 7
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("store.history"))
    assert "damaged, 14 entries" in line and "blocks 2 of the 3 written are missing" in line
    assert "damaged bytes at byte" in line
    with Store.open(path) as store:
        assert store.history(ids[0]) and store.history(ids[-1]) and not store.history(ids[10])


def test_a_torn_tail_is_set_aside_at_the_next_save_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crash in the middle of appending a block: the block is torn, but its lines are
    still in the journal (emptied only after the core records the block)."""
    path = tmp_path / "p"
    ids = _history_in_blocks(path, blocks=2)
    store = Store.open(path)
    late = [store.add("unit", {"name": f"Sau {i}"}).id for i in range(3)]
    real_write = fsio.write_all
    history = path / "store.history"

    def half_then_fail(fd: int, data: bytes) -> None:
        if Path(f"/proc/self/fd/{fd}").resolve() == history.resolve():
            real_write(fd, data[: len(data) // 2])
            raise OSError(5, "Input/output error")
        real_write(fd, data)

    monkeypatch.setattr(fsio, "write_all", half_then_fail)
    with pytest.raises(StoreWriteFailed):
        store.checkpoint()
    monkeypatch.undo()
    store._journal.close()  # and then the process dies
    assert store._lock is not None
    store._lock.release()

    assert run(["--lang", "en", "--data", str(path), "doctor"]) == 0, "a torn tail is no loss"
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("store.history"))
    assert line.startswith("store.history: torn-tail, 14 entries") and "set aside" in line

    with Store.open(path) as store:
        assert all(store.history(rid) for rid in late), "the torn block's lines came back"
    aside = list(path.glob("store.history.torn-*"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0, "set aside, not dropped"
    scan = scan_file(history)
    assert (scan.torn_bytes, scan.damaged, scan.missing) == (0, [], [])
    assert set(ids + late) <= {line["rid"] for line in scan.lines.values()}
    assert run(["--data", str(path), "doctor"]) == 0


def test_a_v1_history_opens_reads_and_is_continued(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What Sổ tay v1 wrote: blocks numbered 0, a core that records nothing about them."""
    path = tmp_path / "p"
    ids = _history_in_blocks(path, blocks=2)
    history = path / "store.history"
    lines = list(scan_file(history).lines.values())
    history.write_bytes(
        encode_entry({"n": 0, "h": lines[:7]}) + encode_entry({"n": 0, "h": lines[7:]})
    )
    tables, last_n = snapshot.read(path / "store.core")
    del tables[HISTORY_TABLE]
    snapshot.write(path / "store.core", tables, last_n)

    assert run(["--data", str(path), "doctor"]) == 0
    with Store.open(path) as store:
        assert all(store.history(rid) for rid in ids)
        more = store.add("unit", {"name": "Sổ tay mới"}).id
    scan = scan_file(history)
    assert (scan.blocks, scan.last_n, len(scan.lines)) == (3, 1, 15)
    with Store.open(path) as store:
        assert all(store.history(rid) for rid in [*ids, more])
    # an older Sổ tay still reads every line of the file this one continued
    assert len({line["id"] for line in _read_as_v1(history.read_bytes())}) == 15
    assert run(["--data", str(path), "doctor"]) == 0


def test_history_lost_whole_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p"
    _history_in_blocks(path, blocks=2)
    (path / "store.history").unlink()
    assert run(["--lang", "en", "--data", str(path), "doctor"]) == 7
    said = "store.history: damaged — the file is gone, though 2 blocks had been written to it"
    assert said in capsys.readouterr().out.splitlines()
    diag = doctor.diagnose(path)
    assert diag.history_damaged and not diag.store_damaged
