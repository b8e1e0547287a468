"""The bulk path of an initial push (issue 10): a create the server has never seen skips the
merge's layers (server_stub.service._Batch.create).  It must be invisible: whatever the ops —
valid or not, new or not, repeated, out of scope, of a server-owned or unknown kind — one
bulk push leaves exactly the server state and the answers that the general path leaves with
one op per push, and the replicas end up exactly alike."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server_stub import service
from server_stub.auth import authenticate
from server_stub.db import Database
from server_stub.service import Service
from server_stub.wire import parse
from sync.store import Store
from tests.helpers.clock import Clock
from tests.helpers.server import BG, HN, YT, Server, make_op, seed

NOW = "2024-05-01T02:00:00.000+00:00"
REPLICA = "0190a0b0-0000-7000-8000-000000000001"


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both runs stamp the same server time (``updated_at``, the history's ``at``)."""
    monkeypatch.setattr(service, "now_iso", lambda: NOW)


@contextmanager
def general_path_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every op through :meth:`_Batch.apply` (the bulk path declines everything)."""
    with monkeypatch.context() as patch:
        patch.setattr(service._Batch, "create", lambda self, op: False)
        yield


def server_state(db: Database) -> dict[str, Any]:
    with db.read() as r:
        conn = r.conn
        return {
            "seq": r.meta()[1],
            "records": conn.execute("SELECT * FROM records ORDER BY id").fetchall(),
            "changes": conn.execute("SELECT * FROM changes ORDER BY seq").fetchall(),
            "replicas": conn.execute(
                "SELECT office, replica_id, last_op_seq FROM replicas ORDER BY office, replica_id"
            ).fetchall(),
        }


def push_all(folder: Path, name: str, ops: list[dict[str, Any]], per: int) -> dict[str, Any]:
    """``ops`` pushed by Bắc Giang ``per`` at a time; the server's state and every answer."""
    db = Database(folder / f"{name}.db", synchronous="NORMAL")
    try:
        tokens, _ids = seed(db)
        svc = Service(db, _settings(folder), new_id=_ids_from(1))
        who = authenticate(db, tokens["bg"])
        results: list[dict[str, Any]] = []
        for start in range(0, len(ops), per):
            body = {"schema_version": 1, "replica_id": REPLICA, "ops": ops[start : start + per]}
            batch = parse(_json(body), sync=False)
            results.extend(svc.push(who, batch.replica_id, batch.ops).results)
        return {"results": results, **server_state(db)}
    finally:
        db.close()


def _settings(folder: Path) -> Any:
    from server_stub.settings import ServerSettings

    return ServerSettings(db=folder / "unused.db", push_chunk_ops=3)


def _ids_from(start: int) -> Any:
    counter = iter(range(start, 10**9))
    return lambda: f"0190a0b0-0000-7000-9000-{next(counter):012d}"


def _json(value: Any) -> bytes:
    import orjson

    return orjson.dumps(value)


IDS = ["t1", "t2", "t3", "t4", "t5", "t6"]
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": st.sampled_from(
        ["Triển khai phần mềm quản lý văn bản", "Báo cáo quý", "", "  hai  dấu cách", 7, None]
    ),
    "lead_unit_id": st.sampled_from(["unit-so-tttt", "u2", " u3", None]),
    "progress": st.sampled_from([0, 40, 100, 101, "50", True]),
    "notes": st.sampled_from(["Dòng một\nDòng hai", "cuối dòng có dấu cách \n", None]),
    "deleted": st.sampled_from([True, False, "no"]),
    "bogus": st.just("x"),
}


@st.composite
def pushes(draw: st.DrawFn) -> list[dict[str, Any]]:
    ops = []
    for n in range(1, draw(st.integers(1, 9)) + 1):
        keys = draw(st.lists(st.sampled_from(sorted(VALUES)), max_size=5, unique=True))
        changes = {k: draw(VALUES[k]) for k in keys}
        if draw(st.booleans()):  # most creates carry what a task requires
            changes.setdefault("title", "Việc cần làm")
            changes.setdefault("lead_unit_id", "unit-so-tttt")
        ops.append(
            make_op(
                n,
                draw(st.sampled_from(IDS)),
                changes,
                kind=draw(st.sampled_from(["task", "task", "task", "unit", "conflict", "x"])),
                scope=draw(st.sampled_from([BG, BG, YT, HN, "không phải scope"])),
                noop=draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans()),
            )
        )
    return ops


@given(ops=pushes())
def test_one_bulk_push_is_the_general_path_op_by_op(
    ops: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bulk = push_all(folder, "bulk", ops, per=len(ops))
        with general_path_only(monkeypatch):
            single = push_all(folder, "single", ops, per=1)
    assert bulk == single


def test_the_bulk_path_takes_an_initial_push(monkeypatch: pytest.MonkeyPatch) -> None:
    """It is used (a counted spy): every new valid record of the push, none of the rest."""
    taken: list[str] = []
    real = service._Batch.create

    def spy(self: service._Batch, op: Any) -> bool:
        done = real(self, op)
        if done:
            taken.append(op.record_id)
        return done

    monkeypatch.setattr(service._Batch, "create", spy)
    ops = [make_op(n, f"t{n}", {"title": "Việc", "lead_unit_id": "u1"}) for n in range(1, 6)]
    ops.append(make_op(6, "t1", {"title": "Việc đã sửa"}))  # an edit: the general path
    ops.append(make_op(7, "t7", {"title": "Việc"}, scope=HN))  # out of scope: refused there
    with tempfile.TemporaryDirectory() as tmp:
        state = push_all(Path(tmp), "bulk", ops, per=len(ops))
    assert taken == ["t1", "t2", "t3", "t4", "t5"]
    assert [r["status"] for r in state["results"]] == ["applied"] * 6 + ["rejected"]


def _replica(folder: Path, name: str, count: int) -> Store:
    clock = Clock(datetime(2024, 5, 1, 2, 0, tzinfo=UTC))
    store = Store.create(folder / name, office=BG, name="Bắc Giang", clock=clock)
    store.set_meta(replica_id=REPLICA)
    with store.transaction() as tx:
        for n in range(count):
            tx.add(
                "task",
                {"title": f"Việc số {n}", "lead_unit_id": "u1", "progress": n % 101},
                record_id=f"0190a0b0-0000-7000-8000-{n:012d}",
            )
    return store


def _client_state(store: Store) -> dict[str, Any]:
    docs = {r.id: r.doc for r in store.list(None, include_deleted=True)}
    meta = {k: store.meta(k) for k in ("cursor", "acked_op_seq", "next_op_seq", "full_pull")}
    return {"docs": docs, "meta": meta, "pending": store.pending_ops()}


@settings(max_examples=20)
@given(count=st.integers(1, 12))
def test_a_replica_pushing_in_bulk_ends_as_one_pushing_op_by_op(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        states = []
        for name, batch_ops in (("bulk", 5000), ("single", 1)):
            server = Server.make(folder / f"{name}.db")
            store = _replica(folder, name, count)
            try:
                with monkeypatch.context() as patch:
                    if name == "single":
                        patch.setattr(service._Batch, "create", lambda self, op: False)
                    client, _switch = server.client(store, batch_ops=batch_ops)
                    asyncio.run(_sync_and_close(client))
                states.append((_client_state(store), server_state(server.db)))
            finally:
                store.close()
                server.db.close()
    (bulk_client, bulk_server), (single_client, single_server) = states
    assert bulk_client == single_client
    assert bulk_server["records"] == single_server["records"]
    assert bulk_server["changes"] == single_server["changes"]
    assert not bulk_client["pending"] and len(bulk_client["docs"]) == count


async def _sync_and_close(client: Any) -> None:
    async with client:
        await client.sync()
