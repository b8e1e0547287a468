"""The replica's API as the CLI, the TUI and the sync client use it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from domain.errors import Conflict, NotFound, StoreLocked, ValidationError
from sync.store import Store


def unit(store: Any, name: str = "Sở Thông tin và Truyền thông", abbr: str = "STTTT") -> Any:
    return store.add("unit", {"name": name, "abbr": abbr})


def test_add_update_delete_and_outbox(store: Any) -> None:
    u = unit(store)
    t = store.add("task", {"title": "Triển khai một cửa điện tử", "lead_unit_id": u.id})
    store.update(t.id, {"progress": 40})
    store.delete(t.id)
    ops = store.pending_ops()
    assert [op["op_seq"] for op in ops] == [1, 2, 3, 4]
    assert ops[2]["changes"] == {"progress": {"value": 40}}  # base_version 0 is the default
    assert ops[3]["changes"]["deleted"]["value"] is True
    assert store.get(t.id).deleted and store.list("task") == []
    assert store.list("task", include_deleted=True)[0].id == t.id


def test_invalid_input_changes_nothing(store: Any) -> None:
    u = unit(store)
    t = store.add("task", {"title": "Một việc", "lead_unit_id": u.id})
    before = (store.get(t.id).doc, store.pending_count())
    for bad in ({"due": "31/02/2024"}, {"budget": "1.5"}, {"progress": 130}, {"title": ""}):
        with pytest.raises(ValidationError):
            store.update(t.id, bad)
    assert (store.get(t.id).doc, store.pending_count()) == before


def test_a_transaction_is_all_or_nothing(store: Any) -> None:
    u = unit(store)
    with pytest.raises(ValidationError), store.transaction() as tx:
        meeting = tx.add("meeting", {"title": "Họp quý II", "date": "27/05/2022"})
        tx.add("task", {"title": "Kết luận 1", "lead_unit_id": u.id, "meeting_id": meeting.id})
        tx.add("task", {"title": "", "lead_unit_id": u.id})
    assert store.list("meeting") == [] and store.list("task") == []
    with store.transaction() as tx:
        meeting = tx.add("meeting", {"title": "Họp quý II", "date": "27/05/2022"})
        tx.add("task", {"title": "Kết luận 1", "lead_unit_id": u.id, "meeting_id": meeting.id})
    assert [c.title for c in store.children(meeting.id, "task")] == ["Kết luận 1"]


def test_search_is_accent_insensitive(store: Any) -> None:
    u = unit(store)
    store.add("task", {"title": "Nâng cấp phần mềm quản lý văn bản", "lead_unit_id": u.id})
    store.add("plan", {"title": "Kế hoạch ứng dụng CNTT năm 2012"})
    assert [r.title for r in store.search("ung dung")] == ["Kế hoạch ứng dụng CNTT năm 2012"]
    assert [r.kind for r in store.search("QUAN LY van ban")] == ["task"]
    assert store.search("so thong tin")[0].id == u.id


def test_short_ids_and_names_resolve(store: Any) -> None:
    u = unit(store)
    assert store.resolve_id(u.id[-8:]) == u.id
    assert [r.id for r in store.find_by_name("unit", "so thong tin va truyen thong")] == [u.id]
    with pytest.raises(NotFound):
        store.require("ffffffff")


def test_office_cannot_edit_records_of_another_scope(store: Any) -> None:
    with store.transaction() as tx:
        tx.enforce_scope = False
        plan = tx.add("plan", {"title": "Kế hoạch của trung ương"}, scope="vn")
    with pytest.raises(Conflict) as err:
        store.update(plan.id, {"title": "Sửa"})
    assert "vn/bac-giang" in err.value.message("vi")
    store.add("plan", {"title": "Kế hoạch của huyện"}, scope="vn/bac-giang/yen-the")


def test_history_and_state_at_a_past_moment(store: Any, clock: Any) -> None:
    u = unit(store)
    clock.at(2022, 6, 1)
    t = store.add("task", {"title": "Việc", "lead_unit_id": u.id, "due": "30/06/2022"})
    clock.at(2022, 6, 20)
    store.update(t.id, {"status": "done"})
    assert store.state_at(t.id, datetime(2022, 6, 14, tzinfo=UTC)).get("status") is None
    assert store.state_at(t.id, datetime(2022, 6, 21, tzinfo=UTC))["status"] == "done"
    assert store.state_at(t.id, datetime(2022, 5, 1, tzinfo=UTC)) is None
    assert [h["source"] for h in store.history(t.id)] == ["local", "local"]


def test_everything_survives_reopen_including_history(tmp_path: Path, clock: Any) -> None:
    store = Store.create(tmp_path / "p", office="vn/ubdt", name="UBDT", clock=clock)
    u = unit(store)
    t = store.add("task", {"title": "Việc", "lead_unit_id": u.id})
    store.update(t.id, {"progress": 10})
    store.close()
    again = Store.open(tmp_path / "p", clock=clock)
    assert again.require(t.id).data["progress"] == 10
    assert again.pending_count() == 3
    assert len(again.history(t.id)) == 2
    again.update(t.id, {"progress": 20})
    again.close()
    third = Store.open(tmp_path / "p", clock=clock)
    assert [h["changes"].get("progress") for h in third.history(t.id)][1:] == [[None, 10], [10, 20]]
    third.close()


def test_kinds_load_on_first_use(tmp_path: Path, clock: Any) -> None:
    store = Store.create(tmp_path / "p", office="vn/ubdt", name="UBDT", clock=clock)
    u = unit(store)
    store.add("task", {"title": "Việc", "lead_unit_id": u.id})
    store.add("person", {"name": "Nguyễn Ngọc Hà"})
    store.close()
    again = Store.open(tmp_path / "p", clock=clock)
    assert again.loaded_kinds == set()
    assert len(again.list("task")) == 1
    assert again.loaded_kinds == {"task"}
    assert again.require(u.id).title == "Sở Thông tin và Truyền thông"  # loads the rest on a miss
    assert again.loaded_kinds == {"task", "unit", "person"}
    again.close()


def test_a_second_open_fails_at_once(store: Any) -> None:
    with pytest.raises(StoreLocked) as err:
        Store.open(store.path)
    assert "cửa sổ khác" in err.value.message("vi")
    assert "another window" in err.value.message("en")


def test_conflict_records_are_the_servers_alone(store: Any) -> None:
    """No entry path writes a conflict record: add, import and edits are all refused."""
    fields = {
        "record_id": "r1",
        "field": "title",
        "current_value": "a",
        "other_value": "b",
        "status": "open",
    }
    with pytest.raises(ValidationError):
        store.add("conflict", fields)
    with pytest.raises(ValidationError) as err:
        store.import_records(
            [
                (
                    1,
                    {
                        "id": "0190aaaa-0000-7000-8000-0000000000c1",
                        "kind": "conflict",
                        "scope": store.office,
                        "fields": fields,
                        "deleted": False,
                    },
                )
            ],
            enforce_scope=False,
            file="x.jsonl",
        )
    assert "x.jsonl" in err.value.message("en")
    with store.transaction() as tx:  # as a pull would bring one from the server
        tx.take_base(
            {"id": "c1", "kind": "conflict", "scope": store.office, "fields": fields, "seq": 5}
        )
    with pytest.raises(ValidationError):
        store.update("c1", {"status": "resolved"})
    assert store.open_conflict_count() == 1


def test_import_is_idempotent_by_id(store: Any) -> None:
    from domain import demo

    items = list(enumerate(demo.records(), 1))
    first = store.import_records(items, enforce_scope=False)
    second = store.import_records(items, enforce_scope=False)
    assert first["added"] == len(items) and second == {
        "added": 0,
        "updated": 0,
        "unchanged": len(items),
    }


def test_the_lock_is_the_processs_and_goes_with_it(tmp_path: Path) -> None:
    """Another process cannot open the profile to write while this one has it open; once it
    is closed (or its process gone) the next open succeeds."""
    import subprocess
    import sys

    path = tmp_path / "p"
    probe = (
        "import sys\nfrom sync.store import Store\nfrom domain.errors import StoreLocked\n"
        "try:\n    Store.open(sys.argv[1]).close()\nexcept StoreLocked:\n    sys.exit(3)\n"
    )
    with Store.create(path, office="vn/x", name="x"):
        held = subprocess.run([sys.executable, "-c", probe, str(path)], check=False)
        assert held.returncode == 3
    free = subprocess.run([sys.executable, "-c", probe, str(path)], check=False)
    assert free.returncode == 0
    Store.open(path).close()


@pytest.mark.filterwarnings("ignore:flock not supported:UserWarning")  # filelock says it
def test_without_flock_the_profile_is_still_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system without ``flock`` (ENOSYS): filelock's lock stands in, as strict."""
    import errno
    import fcntl

    def no_flock(fd: int, operation: int) -> None:
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(fcntl, "flock", no_flock)
    with Store.create(tmp_path / "p", office="vn/x", name="x") as store:
        assert store._lock is not None and store._lock._fallback is not None
        with pytest.raises(StoreLocked):
            Store.open(tmp_path / "p")
    Store.open(tmp_path / "p").close()
