"""A damaged file is detected, kept as it is, explained by ``sotay doctor`` and recovered."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import StoreCorrupt
from sync.store import Store
from tui.cli import run


def _two_generations(path: Path) -> list[str]:
    store = Store.create(path, office="vn/x", name="x")
    u = store.add("unit", {"name": "Đơn vị"})
    first = [
        store.add("task", {"title": f"đợt 1 số {i}", "lead_unit_id": u.id}).id for i in range(5)
    ]
    store.close()
    store = Store.open(path)
    second = [
        store.add("task", {"title": f"đợt 2 số {i}", "lead_unit_id": u.id}).id for i in range(5)
    ]
    store.close()
    return first + second


def _flip(path: Path, at: int) -> bytes:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x20
    path.write_bytes(bytes(data))
    return bytes(data)


def test_a_flipped_snapshot_byte_is_detected_kept_and_recovered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p"
    ids = _two_generations(path)
    damaged = _flip(path / "store.kind.task", len((path / "store.kind.task").read_bytes()) // 2)
    with pytest.raises(StoreCorrupt) as err:
        Store.open(path)
    assert "store.kind.task" in err.value.message("vi")
    assert "doctor" in err.value.message("en")
    assert (path / "store.kind.task").read_bytes() == damaged, "the damaged file is kept as is"

    assert run(["--data", str(path), "doctor"]) == 7
    out = capsys.readouterr().out
    assert "store.kind.task: hỏng" in out and "--recover" in out

    assert run(["--data", str(path), "doctor", "--recover"]) == 0
    kept = [p for p in path.iterdir() if p.name.startswith("store.kind.task.corrupt-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    store = Store.open(path)
    assert sorted(r.id for r in store.list("task")) == sorted(ids), "nothing lost: .prev + journal"
    assert store.meta("cursor") == 0
    store.close()


def test_a_damaged_journal_entry_in_the_middle_is_corruption_not_a_torn_tail(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p"
    store = Store.create(path, office="vn/x", name="x")
    u = store.add("unit", {"name": "Đơn vị"})
    for i in range(3):
        store.add("task", {"title": f"việc {i}", "lead_unit_id": u.id})
    store._journal.close()  # simulate a crash: no checkpoint
    assert store._lock is not None
    store._lock.release()
    journal = path / "store.journal"
    _flip(journal, 40)
    with pytest.raises(StoreCorrupt) as err:
        Store.open(path)
    assert "store.journal" in err.value.message("vi")


def test_a_torn_tail_is_set_aside_and_the_rest_opens(tmp_path: Path) -> None:
    path = tmp_path / "p"
    store = Store.create(path, office="vn/x", name="x")
    u = store.add("unit", {"name": "Đơn vị"})
    store.add("task", {"title": "đã lưu", "lead_unit_id": u.id})
    store._journal.close()
    assert store._lock is not None
    store._lock.release()
    journal = path / "store.journal"
    journal.write_bytes(journal.read_bytes() + b"SJ\x00\x00\x01\x00garbage")
    again = Store.open(path)
    assert [r.title for r in again.list("task")] == ["đã lưu"]
    assert any(p.name.startswith("store.journal.torn-") for p in path.iterdir())
    again.close()


def test_a_kind_file_is_mapped_at_open_and_a_checkpoint_never_changes_what_was_mapped(
    tmp_path: Path,
) -> None:
    """Opening checks a kind file's checksum through a read-only map (no copy of the file);
    a reader's map stays the file it opened when the writer's checkpoint renames a new file
    over it, so the reader sees the records as of its open, whole."""
    import mmap

    path = tmp_path / "p"
    ids = _two_generations(path)
    reader = Store.open(path, read_only=True)
    assert isinstance(reader._lazy["task"][1].data, mmap.mmap)
    with Store.open(path) as writer:
        for rid in ids:
            writer.update(rid, {"title": "đổi rồi"})
        writer.checkpoint()
    titles = {r.title for r in reader.list("task")}
    assert len(reader.list("task")) == 10 and "đổi rồi" not in titles
    reader.close()
    with Store.open(path, read_only=True) as again:
        assert {r.title for r in again.list("task")} == {"đổi rồi"}


def test_an_empty_kind_file_is_damage_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "p"
    _two_generations(path)
    (path / "store.kind.task").write_bytes(b"")
    with pytest.raises(StoreCorrupt) as err:
        Store.open(path)
    assert "store.kind.task" in err.value.message("en")


#: Run in a child process: reading a map past the end of a file cut short kills the process
#: with SIGBUS, which no test in this process could catch.
CHANGED_WHILE_OPEN = """
import os, sys
from domain.errors import StoreCorrupt
from domain.i18n import load_catalogues
from sync.store import Store

load_catalogues("sync")
path, how = sys.argv[1], sys.argv[2]
store = Store.create(path, office="vn/x", name="x")
unit = store.add("unit", {"name": "Đơn vị"}).id
for i in range(200):
    store.add("task", {"title": f"nhiệm vụ số {i}", "notes": "ghi chú " * 40, "lead_unit_id": unit})
store.close()
store = Store.open(path)  # the kind file is checked and mapped, not yet parsed
kind = os.path.join(path, "store.kind.task")
size = os.path.getsize(kind)
if how == "cut":
    os.truncate(kind, 64)
elif how == "overwrite":
    with open(kind, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(b"x" * 64)
elif how == "rename":
    with open(kind, "rb") as fh:
        data = fh.read()
    with open(kind + ".new", "wb") as fh:
        fh.write(data[:64])
    os.replace(kind + ".new", kind)
for attempt in (1, 2):
    try:
        print(len(store.list("task")))
    except StoreCorrupt as exc:
        print(exc.message("en"))
"""


@pytest.mark.parametrize("how", ["cut", "overwrite"])
def test_a_kind_file_changed_in_place_while_open_is_reported_not_a_crash(
    tmp_path: Path, how: str
) -> None:
    """Another program (a backup restored with ``cp``, a sync folder) writing a kind file in
    place while the store has it mapped: the kind's first reading says the file changed,
    each time it is asked, and the process lives (a file cut short had killed it)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", CHANGED_WHILE_OPEN, str(tmp_path / "p"), how],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    said = (
        f"The data file {tmp_path / 'p' / 'store.kind.task'} is damaged (another program "
        "changed it while Sổ tay had it open). It has been kept as it is, not overwritten. "
        "Run 'sotay doctor' for details and recovery."
    )
    assert (done.returncode, done.stdout.splitlines()) == (0, [said, said]), done.stderr


def test_a_kind_file_renamed_over_while_open_still_reads_the_file_opened(
    tmp_path: Path,
) -> None:
    """A new file renamed over the name (as a checkpoint does) is another file: the map
    still reads the one opened, and its records are all there."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", CHANGED_WHILE_OPEN, str(tmp_path / "p"), "rename"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout.splitlines()) == (0, ["200", "200"]), done.stderr
