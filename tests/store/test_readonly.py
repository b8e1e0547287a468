"""F6: a profile in a folder that cannot be written is still read, and reading changes nothing.

``Store.open(path, read_only=True)`` creates no lock file, never checkpoints, refuses every
write with "the data folder is read-only", and reads beside a process that is writing the
same profile (a torn journal tail is ignored, a checkpoint between two reads is survived).
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from domain.errors import StoreReadOnly
from sync import snapshot
from sync.store import Store
from tests.helpers.readonly_fs import digest, read_only_folder


def _profile(path: Path) -> dict[str, str]:
    """A profile with a checkpointed generation, a journal-only generation and a torn tail
    (the app was killed): every way data lives on disk.  Returns record id → title."""
    store = Store.create(path, office="vn/bac-giang", name="Bắc Giang")
    unit = store.add("unit", {"name": "Sở Thông tin và Truyền thông", "abbr": "STTTT"})
    titles = {unit.id: unit.title}
    for i in range(3):
        task = store.add("task", {"title": f"Ứng dụng CNTT đợt 1 số {i}", "lead_unit_id": unit.id})
        titles[task.id] = task.title
    store.close()
    store = Store.open(path)
    task = store.add("task", {"title": "Chỉ trong nhật ký", "lead_unit_id": unit.id})
    titles[task.id] = task.title
    store.update(task.id, {"progress": 40})
    store._journal.close()  # killed: no checkpoint, the journal holds the last changes
    assert store._lock is not None
    store._lock.release()
    journal = path / "store.journal"
    journal.write_bytes(journal.read_bytes() + b"SJ\x00\x00\x01\x00torn")
    return titles


def test_a_read_only_folder_opens_read_only_reads_everything_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p"
    titles = _profile(path)
    before = digest(path)
    with read_only_folder(path) as refused:
        store = Store.open(path, read_only=True)
        try:
            assert store.read_only
            assert {r.id: r.title for r in store.list()} == titles
            assert [r.title for r in store.search("chi trong nhat ky")] == ["Chỉ trong nhật ký"]
            journal_only = next(r for r in store.list("task") if r.title == "Chỉ trong nhật ký")
            assert journal_only.flat["progress"] == 40
            assert [h["source"] for h in store.history(journal_only.id)] == ["local", "local"]
            assert store.pending_count() == 6
            assert store.stats()["counts"] == {"task": 4, "unit": 1}
            store.checkpoint()
            store.checkpoint(force=True)
        finally:
            store.close()
    assert refused == [], "a read-only open tries no write at all"
    assert digest(path) == before, "nothing created, changed or removed (no lock file either)"


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_opening_a_read_only_folder_to_write_says_it_is_read_only(
    tmp_path: Path, code: int
) -> None:
    path = tmp_path / "p"
    _profile(path)
    with read_only_folder(path, code), pytest.raises(StoreReadOnly) as err:
        Store.open(path)
    assert "read-only" in err.value.message("en") and str(path) in err.value.message("en")
    assert "chỉ đọc" in err.value.message("vi")
    assert "could not be written" not in err.value.message("en")


def test_every_write_on_a_read_only_store_is_refused_before_anything_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p"
    titles = _profile(path)
    before = digest(path)
    store = Store.open(path, read_only=True)
    some = next(iter(titles))
    record = store.get(some)
    assert record is not None
    attempts: list[Any] = [
        lambda: store.add("unit", {"name": "Sở Nội vụ"}),
        lambda: store.update(some, {"name": "Đổi tên"}),
        lambda: store.delete(some),
        lambda: store.set_meta(cursor=99),
        lambda: store.import_records([(1, record.export() | {"id": "x" * 8})], enforce_scope=False),
    ]
    for attempt in attempts:
        with pytest.raises(StoreReadOnly) as err:
            attempt()
        assert "read-only" in err.value.message("en")
        assert "chỉ đọc" in err.value.message("vi")
    assert {r.id: r.title for r in store.list()} == titles
    assert store.meta("cursor") == 0
    store.close()
    assert digest(path) == before


def test_reading_beside_the_app_sees_what_it_saved_and_leaves_its_files_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p"
    writer = Store.create(path, office="vn/x", name="x")
    unit = writer.add("unit", {"name": "Đơn vị"})
    reader = Store.open(path, read_only=True)  # the writer holds the lock
    assert [r.id for r in reader.list("unit")] == [unit.id]
    reader.close()

    writer.add("unit", {"name": "Đơn vị hai"})
    journal = path / "store.journal"
    good = journal.read_bytes()
    journal.write_bytes(good + b"SJ\x00\x00\x00\x30half an entr")  # the writer mid-append
    reader = Store.open(path, read_only=True)
    assert sorted(r.title for r in reader.list("unit")) == ["Đơn vị", "Đơn vị hai"]
    reader.close()
    assert journal.read_bytes() == good + b"SJ\x00\x00\x00\x30half an entr", "not cut"
    assert not list(path.glob("store.journal.torn-*")), "not set aside: it is not ours"
    journal.write_bytes(good)
    writer.close()


def test_a_checkpoint_between_the_readers_reads_is_survived(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader reads the core, the app checkpoints (new core, journal rotated), the
    reader reads the journal: the entries its core lacks are in ``store.journal.prev``.
    Two checkpoints in between leave a gap that no file fills: the reader starts again."""
    path = tmp_path / "p"
    writer = Store.create(path, office="vn/x", name="x")
    writer.add("unit", {"name": "một"})
    writer.checkpoint()
    writer.add("unit", {"name": "hai"})
    real_read = snapshot.read
    checkpoints = {"left": 1}

    def read_then_checkpoint(file: Path) -> Any:
        found = real_read(file)
        if file.name == "store.core" and checkpoints["left"]:
            checkpoints["left"] -= 1
            writer.add("unit", {"name": f"ba {checkpoints['left']}"})
            writer.checkpoint()
        return found

    monkeypatch.setattr(snapshot, "read", read_then_checkpoint)
    reader = Store.open(path, read_only=True)
    assert sorted(r.title for r in reader.list("unit")) == ["ba 0", "hai", "một"]
    assert reader.pending_count() == writer.pending_count() == 3, "the outbox is current too"
    reader.close()

    checkpoints["left"] = 2

    def read_then_two_checkpoints(file: Path) -> Any:
        found = real_read(file)
        while file.name == "store.core" and checkpoints["left"]:
            checkpoints["left"] -= 1
            writer.add("unit", {"name": f"bốn {checkpoints['left']}"})
            writer.checkpoint()
        return found

    monkeypatch.setattr(snapshot, "read", read_then_two_checkpoints)
    reader = Store.open(path, read_only=True)
    assert len(reader.list("unit")) == 5
    assert reader.pending_count() == writer.pending_count() == 5
    reader.close()
    writer.close()
