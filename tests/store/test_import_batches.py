"""``sotay import`` saves one journal entry per batch of records, not per record and not one
entry for the whole file (issue 10); a failure between two batches keeps whole records only,
and the same import run again brings the rest."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from domain.errors import StoreError, ValidationError
from sync import journal
from sync import store as store_module
from sync.store import Store
from tests.store.test_crash import Faults

UNIT = "0190a0b0-0000-7000-8000-000000000000"


def export_lines(count: int) -> list[tuple[int, dict[str, Any]]]:
    """``count`` tasks (and their unit) in the export form, as ``sotay export`` writes them."""
    items: list[dict[str, Any]] = [
        {"id": UNIT, "kind": "unit", "scope": "vn/x", "fields": {"name": "Sở Nội vụ"}}
    ]
    for n in range(count):
        items.append(
            {
                "id": f"0190a0b0-0000-7000-8000-{n + 1:012d}",
                "kind": "task",
                "scope": "vn/x",
                "fields": {"title": f"Việc số {n}", "lead_unit_id": UNIT, "progress": n % 101},
                "deleted": n % 7 == 0,
            }
        )
    return list(enumerate(items, start=1))


class Entries:
    """Counts the journal entries written (every save is one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = journal.Journal.append

        def append(journal_self: journal.Journal, entry: dict[str, Any]) -> int:
            self.count += 1
            return real(journal_self, entry)

        monkeypatch.setattr(journal.Journal, "append", append)


def test_an_import_of_10k_records_is_one_journal_entry_per_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = export_lines(9_999)  # 10,000 records with the unit
    with Store.create(tmp_path / "p", office="vn/x", name="x") as store:
        entries = Entries(monkeypatch)
        counts = store.import_records(items, enforce_scope=False)
        assert entries.count == 10_000 // store_module.IMPORT_BATCH == 5
        assert counts == {"added": 10_000, "updated": 0, "unchanged": 0}
        assert store.pending_count() == 10_000 + 9_999 // 7 + 1  # a deleted one is two ops
    with Store.open(tmp_path / "p") as again:
        assert len(again.list(None, include_deleted=True)) == 10_000


def test_a_file_with_a_bad_line_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "IMPORT_BATCH", 10)
    items = export_lines(40)
    items[25] = (26, {"id": "x", "kind": "task", "fields": {"title": 5}})
    with Store.create(tmp_path / "p", office="vn/x", name="x") as store:
        entries = Entries(monkeypatch)
        with pytest.raises(ValidationError):
            store.import_records(items, enforce_scope=False)
        assert entries.count == 0 and store.list(None, include_deleted=True) == []


@pytest.mark.parametrize("name", ["_write", "_fsync"])
def test_a_failure_mid_import_keeps_whole_records_and_the_import_again_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(store_module, "IMPORT_BATCH", 10)
    items = export_lines(44)  # 45 records: five batches
    path = tmp_path / "p"
    with Store.create(path, office="vn/x", name="x") as store:
        kept = store.add("unit", {"name": "Đã lưu trước"})
        with monkeypatch.context() as patch:
            Faults(patch, name, 3, errno.EIO)  # the third batch's entry fails
            with pytest.raises(StoreError):
                store.import_records(items, enforce_scope=False)
    with Store.open(path) as store:
        records = store.list(None, include_deleted=True)
        assert kept.id in {r.id for r in records}
        assert len(records) == 1 + 20, "the first two batches, whole"
        ops = store.pending_ops()
        assert [op["op_seq"] for op in ops] == list(range(1, len(ops) + 1))
        assert store.meta("next_op_seq") == len(ops) + 1
        for record in records:  # every record with its ops and its creation in the history
            assert record.doc["pending"] == len(store.ops_for(record.id)) >= 1
            assert store.history(record.id)
        counts = store.import_records(items, enforce_scope=False)
        assert counts == {"added": 25, "updated": 0, "unchanged": 20}
        assert len(store.list(None, include_deleted=True)) == 1 + 45


def test_an_import_reads_the_profile_once_not_once_a_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The office, role and author are the same for every record of a transaction (it holds
    the store's lock): read once, not several times a record."""
    from sync import durable

    read: list[str] = []
    real = durable.Durable.meta

    def counting(self: durable.Durable, key: str, default: Any = None) -> Any:
        read.append(key)
        return real(self, key, default)

    with Store.create(tmp_path / "p", office="vn/x", name="Sở Nội vụ") as store:
        monkeypatch.setattr(durable.Durable, "meta", counting)
        counts = store.import_records(export_lines(200), enforce_scope=False)
        monkeypatch.undo()
        assert counts == {"added": 201, "updated": 0, "unchanged": 0}
        assert {k: read.count(k) for k in ("office", "role", "author")} == {
            "office": 1,
            "role": 1,
            "author": 1,
        }
        assert {op["author"] for op in store.pending_ops()} == {"Sở Nội vụ"}


def test_an_import_past_the_checkpoint_bound_checkpoints_once_after_its_last_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every entry of an import is durable as it is written; the checkpoint the journal's size
    calls for waits for the last one (each checkpoint rewrites the kind files and the core),
    and closing the store then has nothing left to write."""
    from sync import durable

    monkeypatch.setattr(store_module, "IMPORT_BATCH", 10)
    monkeypatch.setattr(durable, "CHECKPOINT_BYTES", 500)  # past it after any entry
    checkpoints: list[int] = []
    real = durable.Durable.checkpoint

    def counting(self: durable.Durable, *, force: bool = False) -> None:
        checkpoints.append(self._journal.entries)
        real(self, force=force)

    path = tmp_path / "p"
    with Store.create(path, office="vn/x", name="x") as store:
        entries = Entries(monkeypatch)
        monkeypatch.setattr(durable.Durable, "checkpoint", counting)
        store.import_records(export_lines(44), enforce_scope=False)
        assert entries.count == 5 and checkpoints == [5], "one, after the 5 entries"
        store.add("unit", {"name": "Sở Tư pháp"})  # later saves checkpoint as before
        assert checkpoints == [5, 1]
    assert checkpoints == [5, 1], "nothing left for close to write"
    with Store.open(path) as again:
        assert len(again.list(None, include_deleted=True)) == 45 + 1
