"""The national end-to-end test (issue 10, acceptance 2).

``sotay-server serve --workers 2`` on PostgreSQL; four replicas of three offices —
headquarters (vn), a province (Bắc Giang, on two computers) and a commune under it (Yên Thế) —
edit and sync at once through a flaky proxy, and midway one worker is SIGKILLed.  Then the
faults stop and every replica syncs until nothing moves, and:

* every replica holds exactly the records its office may see, field for field as the server
  holds them (the database, read here);
* no op a replica queued is lost: its outbox is empty, the server acknowledged its last op,
  no op was applied twice, and every value it wrote is the current one, kept in a conflict,
  or changed again by a change after the op's own row in the server's change log;
* no record is doubled: one record per create, each created title once;
* a puller that only ever pulled from its cursor, all along, holds every record at its last
  change (no change fell behind a cursor already handed out);
* the killed worker was replaced, and both workers answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import random
import signal
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from server_stub.access import can_read, can_write
from server_stub.db import Database
from server_stub.state import Stored
from sync.client import SyncClient
from sync.credentials import client_for, save_token
from sync.errors import SyncError
from sync.store import Record, Store
from tests.helpers.flaky import FlakyProxy
from tests.helpers.server import BG, HN, YT, Databases
from tests.helpers.workers import Served, answered_by, seeded, serving

# A connection cut mid-response can leave httpcore's socket to the garbage collector.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

#: (replica, office, role, token of tests.helpers.server.seed, tag in plan numbers)
REPLICAS = (
    ("hq", "vn", "hq", "hq", "HQ"),
    ("bg-1", BG, "office", "bg", "BG1"),
    ("bg-2", BG, "office", "bg2", "BG2"),
    ("yt", YT, "office", "yt", "YT"),
)
STEPS = 32  # local changes per replica
EDITED = ("task", "plan")
#: A record as compared between a replica and the server.
View = tuple[str, str, dict[str, Any], bool, int]


@dataclass
class Replica:
    name: str
    tag: str
    store: Store
    login: Path  # its saved server address and token
    rng: random.Random
    #: every op it queued, as queued
    ops: list[dict[str, Any]] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # id -> title
    syncs: int = 0
    syncing: bool = False

    @property
    def office(self) -> str:
        return self.store.office

    @property
    def is_hq(self) -> bool:
        return self.store.role == "hq"


def _client(rep: Replica, timeout: float, retries: int) -> SyncClient:
    """The real client as the CLI makes it (the saved login, ``client_for``), with quick
    retries; a new connection for every request, so each one meets the proxy's dice."""
    made = client_for(
        rep.store,
        rep.login,
        transport=httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
        timeout=httpx.Timeout(timeout),
        retries=retries,
        backoff=0.01,
        max_backoff=0.05,
    )
    assert made is not None
    return made


def _replicas(
    tmp: Path, url: str, tokens: dict[str, str], stores: contextlib.ExitStack
) -> list[Replica]:
    """The four replicas, logged in at ``url``; ``stores`` closes their stores."""
    out = []
    for n, (name, office, role, who, tag) in enumerate(REPLICAS):
        made = Store.create(tmp / name, office=office, name=name, role=role, author=name)
        store = stores.enter_context(made)
        save_token(tmp / f"{name}-login", url, tokens[who])
        out.append(Replica(name, tag, store, tmp / f"{name}-login", random.Random(1000 + n)))
    return out


# --------------------------------------------------------------------------- the changes
def _writable(rep: Replica) -> list[Record]:
    return [
        r
        for r in rep.store.list(None)
        if r.kind in EDITED and can_write(rep.office, rep.is_hq, r.scope)
    ]


def _create(rep: Replica, n: int) -> Record:
    rng, store = rep.rng, rep.store
    title = f"Việc {n} của {rep.name}"
    if rep.is_hq and rng.random() < 0.5:
        published = rng.choice([[BG], [HN], []])
        plan = {"title": f"Kế hoạch {n} của {rep.name}", "published_to": published}
        made = store.add("plan", plan, scope="vn")
    else:
        scopes = {"vn": ["vn", BG, YT], BG: [BG, BG, BG, YT], YT: [YT]}[rep.office]
        scope = rng.choice(scopes)
        made = store.add("task", {"title": title, "lead_unit_id": "unit-so-tttt"}, scope=scope)
    rep.created[made.id] = made.title
    return made


def _edit(rep: Replica, n: int, targets: list[Record]) -> Record:
    """An edit (now and then a delete) of one record it may write; half of them among the
    first few (the hot records the other computer of the office, and headquarters, edit
    too)."""
    rng = rep.rng
    hot = targets[:4] if rng.random() < 0.5 else targets
    target = rng.choice(hot)
    if rng.random() < 0.05:  # a delete: an edit on another computer meets it
        return rep.store.delete(target.id)
    if target.kind == "plan":
        changes: dict[str, Any] = {"number": f"{n}/KH-{rep.tag}"}
    else:
        changes = {"deliverable": f"Sản phẩm {n} của {rep.name}", "progress": rng.randint(0, 100)}
    return rep.store.update(target.id, changes)


def _change(rep: Replica, n: int) -> None:
    """One random local change; the op it queued is kept in ``rep.ops``."""
    op_seq = int(rep.store.meta("next_op_seq", 1))
    targets = _writable(rep)
    if targets and rep.rng.random() < 0.6:
        _edit(rep, n, targets)
    else:
        _create(rep, n)
    (op,) = [op for op in rep.store.pending_ops() if op["op_seq"] == op_seq]
    rep.ops.append(op)


async def _sync(rep: Replica, client: SyncClient) -> None:
    rep.syncing = True
    try:
        with contextlib.suppress(SyncError):  # the link gave up this time: changes wait
            await client.sync()
    finally:
        rep.syncing = False
        rep.syncs += 1


async def _work(rep: Replica) -> None:
    """STEPS local changes, a sync after about a third of them, and one at the end."""
    async with _client(rep, timeout=0.8, retries=3) as client:
        for n in range(STEPS):
            _change(rep, n)
            if rep.rng.random() < 0.35:
                await _sync(rep, client)
            await asyncio.sleep(0)
        await _sync(rep, client)


# --------------------------------------------------------------------------- the witnesses
class Puller:
    """Headquarters pulling the feed from its cursor, in small pages, all along: what it
    holds at the end is what a cursor let through."""

    def __init__(self, url: str, token: str) -> None:
        self.http = httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=5.0
        )
        self.cursor = 0
        self.pages = 0
        self.seen: dict[str, View] = {}

    async def pull(self) -> None:
        """Every page after the cursor (a failed request leaves the cursor where it is)."""
        while True:
            try:
                answer = await self.http.get("/v1/pull", params={"since": self.cursor, "limit": 7})
            except httpx.TransportError:  # the worker that took it was killed
                return
            assert answer.status_code == 200, answer.text
            page = answer.json()
            self.pages += 1
            assert page["cursor"] >= self.cursor and not page["remove"]
            for rec in page["records"]:
                self.seen[rec["id"]] = _wire_view(rec)
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return

    async def follow(self, done: asyncio.Event) -> None:
        while not done.is_set():
            await self.pull()
            await asyncio.sleep(0.2)


async def _kill_a_worker(served: Served, replicas: list[Replica]) -> int:
    """SIGKILL one worker (never the master) once a third of the syncs are done, at a moment
    when at least two replicas are in the middle of a sync."""
    while sum(r.syncs for r in replicas) < len(replicas) * STEPS * 0.35 / 3:
        await asyncio.sleep(0.01)
    while sum(r.syncing for r in replicas) < 2:
        await asyncio.sleep(0.001)
    victim = served.pids()[0]
    os.kill(victim, signal.SIGKILL)
    return victim


async def _chaos(served: Served, replicas: list[Replica], puller: Puller) -> int:
    """Everyone at once, and a worker killed midway: the pid of the killed one."""
    done = asyncio.Event()
    following = asyncio.ensure_future(puller.follow(done))
    killing = asyncio.ensure_future(_kill_a_worker(served, replicas))
    await asyncio.gather(*(_work(rep) for rep in replicas))
    done.set()
    await following
    assert killing.done(), "the replicas finished before a worker was killed"
    return killing.result()


async def _run(
    served: Served, replicas: list[Replica], puller: Puller, proxy: FlakyProxy
) -> tuple[int, int]:
    """The chaos, then the faults stop and everyone syncs until quiet: (the killed worker,
    the quiet rounds it took)."""
    try:
        victim = await _chaos(served, replicas, puller)
        proxy.faulty = False
        return victim, await _quiesce(replicas, puller)
    finally:
        await puller.http.aclose()


async def _quiesce(replicas: list[Replica], puller: Puller) -> int:
    """Sync every replica in turn until a whole round moves nothing; the rounds it took."""
    for round_ in range(1, 8):
        moved = 0
        for rep in replicas:
            async with _client(rep, timeout=10.0, retries=8) as client:
                result = await client.sync()
            moved += result.pushed + result.pulled + result.removed
        if not moved:
            await puller.pull()
            return round_
    raise AssertionError("the replicas never became quiet")


# --------------------------------------------------------------------------- the server
def _wire_view(rec: dict[str, Any]) -> View:
    return rec["kind"], rec["scope"], rec["fields"], bool(rec["deleted"]), int(rec["seq"])


def _view(rec: Stored) -> View:
    return rec.kind, rec.scope, rec.fields, rec.deleted, rec.seq


def _local(store: Store) -> dict[str, View]:
    docs = (r.doc for r in store.list(None, include_deleted=True))
    return {
        d["id"]: (d["kind"], d["scope"], d["fields"], bool(d["deleted"]), int(d["seq"]))
        for d in docs
    }


@dataclass
class ServerState:
    records: dict[str, Stored]
    history: dict[str, list[Any]]  # record id -> its change rows
    last_op: dict[str, int]  # replica name -> the last op_seq acknowledged

    def visible(self, office: str, is_hq: bool) -> dict[str, View]:
        return {
            rid: _view(rec)
            for rid, rec in self.records.items()
            if can_read(office, is_hq, rec.scope, rec.published)
        }

    def conflicts(self, rid: str) -> Iterator[Stored]:
        """The conflict records about record ``rid``."""
        for rec in self.records.values():
            if rec.kind == "conflict" and rec.fields["record_id"] == rid:
                yield rec

    def kept(self, rid: str, key: str) -> Iterator[Any]:
        """The values of ``key`` that conflicts about ``rid`` keep: both sides of a conflict
        on that field, and the edits a conflict with a delete keeps."""
        for rec in self.conflicts(rid):
            f = rec.fields
            if f["field"] == key:
                yield f.get("current_value")
                yield f.get("other_value")
            yield (f.get("other_fields") or {}).get(key)

    def rows_of(self, rid: str, replica_id: str, op_seq: int) -> tuple[list[Any], list[Any]]:
        """The change rows an op left: on the record, and on conflicts about it (an edit of a
        record deleted meanwhile changes only a new conflict)."""
        aside = [c for k in self.conflicts(rid) for c in self.history[k.id]]

        def of_op(rows: list[Any]) -> list[Any]:
            return [c for c in rows if (c.replica_id, c.op_seq) == (replica_id, op_seq)]

        return of_op(self.history[rid]), of_op(aside)


def _server_state(location: str, replicas: list[Replica]) -> ServerState:
    db = Database(location)
    try:
        with db.read() as r:
            records = r.records(rid for rid, *_rest in r.all_records())
            history = {rid: r.history(rid) for rid in records}
            last = {
                rep.name: r.replica_last_op(rep.office, str(rep.store.meta("replica_id")))
                for rep in replicas
            }
    finally:
        db.close()
    return ServerState(records, history, last)


def _current(rec: Stored, key: str) -> Any:
    return rec.deleted if key == "deleted" else rec.fields.get(key)


def _lost(rep: Replica, server: ServerState) -> list[str]:
    """The ops of ``rep`` the server applied twice, and the values it wrote that are neither
    current, nor kept in a conflict, nor changed again after the op's row in the change log
    (an op with no row, which changed nothing, must be current or kept)."""
    replica_id = rep.store.meta("replica_id")
    missing = []
    for op in rep.ops:
        rid = op["record_id"]
        if rid not in server.records:
            missing.append(f"{rep.name} op {op['op_seq']}: {rid} is not on the server")
            continue
        rows = server.history[rid]
        mine, aside = server.rows_of(rid, replica_id, op["op_seq"])
        if len(mine) > 1:
            missing.append(f"{rep.name} op {op['op_seq']}: applied {len(mine)} times")
            continue
        # no row at all: it changed nothing (a delete of a record deleted meanwhile)
        at = (mine or aside or [None])[0]
        for key, change in op["changes"].items():
            value = change["value"]
            later = at is not None and any(c.seq > at.seq and key in c.changes for c in rows)
            kept = value in server.kept(rid, key)
            if _current(server.records[rid], key) != value and not later and not kept:
                missing.append(f"{rep.name} op {op['op_seq']}: {key}={value!r}")
    return missing


# --------------------------------------------------------------------------- the test
def test_four_replicas_of_three_offices_converge_through_a_flaky_link_and_a_killed_worker(
    tmp_path: Path,
) -> None:
    with Databases.of("postgresql", tmp_path) as pg, contextlib.ExitStack() as stores:
        location = str(pg.new("national"))
        tokens = seeded(location)
        with serving(location, 2) as served:
            proxy = FlakyProxy(served.port, seed=2026, stall_seconds=1.0)
            url = f"http://127.0.0.1:{proxy.start()}"
            replicas = _replicas(tmp_path, url, tokens, stores)
            puller = Puller(served.url, tokens["hq"])
            try:
                victim, rounds = asyncio.run(_run(served, replicas, puller, proxy))
            finally:
                proxy.stop()
                gc.collect()
            workers = served.wait_for_workers(2, gone=victim)
            assert [answered_by(served.url, workers, alone) for alone in workers] == [200, 200]
            server = _server_state(location, replicas)
        faults = proxy.tally.by_mode
        assert faults["cut_request"] > 3 and faults["cut_response"] > 3 and faults["stall"] > 1
        assert rounds <= 3 and puller.pages > 20
        _check(replicas, server, puller)


def _check(replicas: list[Replica], server: ServerState, puller: Puller) -> None:
    for rep in replicas:
        assert (rep.store.pending_count(), rep.store.rejected()) == (0, []), rep.name
        assert server.last_op[rep.name] == rep.ops[-1]["op_seq"], rep.name
        assert _local(rep.store) == server.visible(rep.office, rep.is_hq), rep.name
        assert _lost(rep, server) == [], rep.name
    created = {rid: title for rep in replicas for rid, title in rep.created.items()}
    made = {rid: rec for rid, rec in server.records.items() if rec.kind in EDITED}
    assert sorted(made) == sorted(created), "one record per create, no other"
    titles = Counter(str(rec.fields["title"]) for rec in made.values())
    assert titles == Counter(created.values()), "each created title once"
    assert puller.seen == server.visible("vn", True), "a change fell behind a cursor"
