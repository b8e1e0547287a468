"""A property-based model of the whole system: four replicas of three offices and the server.

Hypothesis drives edits, deletions, set-element changes, publications, syncs over a link
that drops requests, drops responses after the server committed, or delivers a request
twice, crashes (a replica dies without closing and is reopened from its journal) and clock
skews of days.  After healing (every replica syncs over a clean link until nothing moves):

* convergence — every replica of an office holds exactly the server's view of its scope,
  and headquarters holds everything;
* nothing silently lost — every value any replica committed is current, or kept in a
  conflict record, or was overwritten by a replica that had seen it;
* replaying any request that already succeeded changes nothing;
* no office ever holds a record outside what it may read (checked after every step);
* clock skew changes no outcome — the same run without the skews ends in the same state.

CI runs the profile's examples (100) with ``--sync-steps`` steps (50); for a long run:
``SOTAY_HYPOTHESIS=deep pytest tests/sync/test_model.py --sync-steps 100``.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.errors import Conflict as StoreRefused
from domain.scopes import within
from server_stub.app import create_app
from server_stub.auth import add_office, create_token
from server_stub.db import Database
from server_stub.service import Service
from server_stub.settings import ServerSettings
from sync.client import SyncClient
from sync.errors import SyncError
from sync.store import Store

REPLICAS = {
    "a1": ("vn/a", "office"),
    "a2": ("vn/a", "office"),
    "b1": ("vn/b", "office"),
    "hq": ("vn", "hq"),
}
FAULTS = ("none", "none", "drop_request", "drop_response", "duplicate")
TITLES = st.builds(
    "{} {}".format,
    st.sampled_from(["Triển khai", "Nâng cấp", "Đào tạo", "Rà soát"]),
    st.integers(1, 99),
)


class Link(httpx.AsyncBaseTransport):
    """The ASGI app behind a link that fails the way mobile links do."""

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.fault = "none"
        self.countdown = 0  # the fault hits this many requests later (mid-sync)
        self.sent: list[tuple[str, str, bytes, dict[str, str]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = "none"
        if self.countdown == 0:
            fault, self.fault = self.fault, "none"
        self.countdown -= 1
        body = await request.aread()
        if fault == "drop_request":
            raise httpx.ConnectError("link down", request=request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if fault == "duplicate":
            again = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self.inner.handle_async_request(again)
            await response.aread()
        if fault == "drop_response":
            raise httpx.ReadError("cut after commit", request=request)
        if response.status_code == 200 and request.method == "POST":
            self.sent.append((request.method, str(request.url), body, dict(request.headers)))
        return response


class SkewClock:
    def __init__(self) -> None:
        self.skew = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.skew


@dataclass
class World:
    """A server and its replicas; every action of the model is a method here."""

    root: Path
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    stores: dict[str, Store] = field(default_factory=dict)
    clients: dict[str, SyncClient] = field(default_factory=dict)
    clocks: dict[str, SkewClock] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    #: (record id, flat key, value) committed by some replica
    committed: set[tuple[str, str, str]] = field(default_factory=set)
    #: values a replica overwrote while seeing them
    superseded: set[tuple[str, str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        settings = ServerSettings(
            db=self.root / "server.db", rate=1e6, burst=10**6, synchronous="NORMAL"
        )
        self.db = Database(settings.db, synchronous="NORMAL")
        for scope in ("vn", "vn/a", "vn/b"):
            add_office(self.db, scope, scope)
        self.app = create_app(settings, db=self.db)
        self.link = Link(self.app)
        self.service = Service(self.db, settings)
        for name, (office, role) in REPLICAS.items():
            self.tokens[name] = create_token(self.db, office, role, name).token
            self.clocks[name] = SkewClock()
            self.stores[name] = Store.create(
                self.root / name, office=office, name=name, role=role, clock=self.clocks[name]
            )
            self._client(name)

    def _client(self, name: str) -> None:
        self.clients[name] = SyncClient(
            self.stores[name],
            server_url="http://server",
            token=self.tokens[name],
            transport=self.link,
            retries=0,
            clock=self.clocks[name],
            batch_ops=2,
            pull_limit=3,
        )  # small batches and pages: rebase and paging happen

    # -- actions -------------------------------------------------------------
    def _commit(self, name: str, rid: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        for key in set(before) | set(after):
            if before.get(key) != after.get(key):
                if key in before:
                    self.superseded.add((rid, key, _v(before[key])))
                if key in after:
                    self.committed.add((rid, key, _v(after[key])))

    def _flat(self, name: str, rid: str) -> dict[str, Any]:
        doc = self.stores[name].doc(rid)
        if doc is None:
            return {}
        return {**doc["fields"], "deleted": bool(doc["deleted"])}

    def create(self, name: str, rid: str, title: str, scope: str | None, publish: bool) -> None:
        store = self.stores[name]
        fields: dict[str, Any] = {"title": title, "lead_unit_id": "u1"}
        if publish:
            fields["published_to"] = ["vn/a"]
        try:
            store.add("task", fields, scope=scope, record_id=rid)
        except StoreRefused:
            return
        self._commit(name, rid, {}, self._flat(name, rid))

    def edit(self, name: str, rid: str, changes: dict[str, Any]) -> None:
        store = self.stores[name]
        record = store.get(rid)
        if record is None or record.deleted:
            return
        before = self._flat(name, rid)
        try:
            if changes.get("deleted"):
                store.delete(rid)
            elif changes.get("deleted") is False:
                store.restore(rid)
            else:
                store.update(rid, changes)
        except StoreRefused:
            return
        self._commit(name, rid, before, self._flat(name, rid))

    def restore(self, name: str, rid: str) -> None:
        store = self.stores[name]
        record = store.get(rid)
        if record is None or not record.deleted:
            return
        before = self._flat(name, rid)
        try:
            store.restore(rid)
        except StoreRefused:
            return
        self._commit(name, rid, before, self._flat(name, rid))

    def sync(self, name: str, fault: str, at: int = 0) -> None:
        self.link.fault, self.link.countdown = fault, at
        try:
            self.loop.run_until_complete(self.clients[name].sync())
        except SyncError:
            pass
        finally:
            self.link.fault = "none"

    def crash(self, name: str) -> None:
        """Die without closing: no checkpoint; the next open replays the journal."""
        store = self.stores[name]
        self.loop.run_until_complete(self.clients[name].aclose())
        store._journal.close()
        assert store._lock is not None
        store._lock.release()
        self.stores[name] = Store.open(self.root / name, clock=self.clocks[name])
        self._client(name)

    def skew(self, name: str, days: int) -> None:
        self.clocks[name].skew = timedelta(days=days)

    def heal(self) -> None:
        for _ in range(3):
            for name in REPLICAS:
                self.loop.run_until_complete(self.clients[name].sync())

    def close(self) -> None:
        for name, client in self.clients.items():
            self.loop.run_until_complete(client.aclose())
            self.stores[name].close()
        self.loop.close()
        self.db.close()

    # -- what the world looks like -------------------------------------------
    def server_records(self) -> list[dict[str, Any]]:
        return [orjson.loads(line) for line in self.service.export_lines()]

    def replica_records(self, name: str) -> list[dict[str, Any]]:
        records = self.stores[name].list(None, include_deleted=True)
        return sorted((r.export() for r in records), key=lambda r: r["id"])


def _v(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def readable(office: str, role: str, record: dict[str, Any]) -> bool:
    if role == "hq":
        return True
    scope = record["scope"]
    if within(scope, office):
        return True
    published = record["fields"].get("published_to") or []
    return within(office, scope) and any(within(office, p) for p in published)


class SyncModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="sotay-model-"))
        self.world = World(self.root / "w1")
        self.log: list[tuple[str, tuple[Any, ...]]] = []
        self.next_id = 0

    def do(self, action: str, *args: Any) -> None:
        self.log.append((action, args))
        getattr(self.world, action)(*args)

    @rule(
        name=st.sampled_from(sorted(REPLICAS)),
        title=TITLES,
        where=st.sampled_from(["own", "vn/a", "vn/b"]),
        publish=st.booleans(),
    )
    def create(self, name: str, title: str, where: str, publish: bool) -> None:
        rid = f"0190{self.next_id:08x}-0000-7000-8000-000000000000"
        self.next_id += 1
        role = REPLICAS[name][1]
        scope = None if where == "own" or role != "hq" else where
        self.do("create", name, rid, title, scope, publish and role == "hq" and scope is None)

    @initialize()
    def seed(self) -> None:
        """Start from a few tasks every replica of their office already holds."""
        for name, title in (
            ("a1", "Triển khai 1"),
            ("a1", "Nâng cấp 2"),
            ("b1", "Đào tạo 3"),
            ("hq", "Rà soát 4"),
        ):
            rid = f"0190{self.next_id:08x}-0000-7000-8000-000000000000"
            self.next_id += 1
            self.do("create", name, rid, title, None if name != "hq" else "vn/a", False)
        for name in ("a1", "b1", "hq", "a1", "a2", "b1"):
            self.do("sync", name, "none")

    def _visible(self, name: str) -> list[str]:
        return sorted(r.id for r in self.world.stores[name].list("task"))

    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        editors = [n for n in sorted(REPLICAS) if self._visible(n)]
        if not editors:
            return
        name = data.draw(st.sampled_from(editors))
        rid = data.draw(st.sampled_from(self._visible(name)))
        change = data.draw(
            st.one_of(
                st.fixed_dictionaries({"title": TITLES}),
                st.fixed_dictionaries({"progress": st.integers(0, 100)}),
                st.fixed_dictionaries({"deleted": st.just(True)}),
                st.fixed_dictionaries(
                    {
                        "coordinators": st.lists(
                            st.sampled_from(["u2", "u3", "u4"]), max_size=3, unique=True
                        )
                    }
                ),
            )
        )
        self.do("edit", name, rid, change)

    @rule(data=st.data())
    def edit_again(self, data: st.DataObject) -> None:
        """A second editor of the same office: concurrent edits are what the merge is for."""
        self.edit(data)

    @rule(name=st.sampled_from(sorted(REPLICAS)), data=st.data())
    def restore(self, name: str, data: st.DataObject) -> None:
        deleted = sorted(
            r.id for r in self.world.stores[name].list("task", include_deleted=True) if r.deleted
        )
        if deleted:
            self.do("restore", name, data.draw(st.sampled_from(deleted)))

    @rule(
        name=st.sampled_from(sorted(REPLICAS)), fault=st.sampled_from(FAULTS), at=st.integers(0, 3)
    )
    def sync(self, name: str, fault: str, at: int) -> None:
        self.do("sync", name, fault, at)

    @rule(order=st.permutations(sorted(REPLICAS)))
    def everyone_syncs(self, order: list[str]) -> None:
        """Every replica syncs once over a clean link, in an order hypothesis chooses."""
        for name in order:
            self.do("sync", name, "none")

    @rule(name=st.sampled_from(sorted(REPLICAS)))
    def crash(self, name: str) -> None:
        self.do("crash", name)

    @rule(name=st.sampled_from(sorted(REPLICAS)), days=st.integers(-400, 400))
    def skew(self, name: str, days: int) -> None:
        self.do("skew", name, days)

    @invariant()
    def offices_hold_only_what_they_may_read(self) -> None:
        for name, (office, role) in REPLICAS.items():
            for record in self.world.replica_records(name):
                if record["kind"] == "conflict":
                    continue
                assert readable(office, role, record) or self.world.stores[name].ops_for(
                    record["id"]
                ), f"{name} holds {record['id']} of {record['scope']}"

    @invariant()
    def local_edits_stay_visible_until_sent(self) -> None:
        """A replica shows its own unsent edits on top of whatever it pulled (rebase)."""
        for name, store in self.world.stores.items():
            latest: dict[tuple[str, str], Any] = {}
            for op in store.pending_ops():
                for key, change in op["changes"].items():
                    latest[(op["record_id"], key)] = change.get("value")
            for (rid, key), value in latest.items():
                doc = store.doc(rid)
                assert doc is not None, f"{name} lost {rid} with unsent edits"
                shown = bool(doc["deleted"]) if key == "deleted" else doc["fields"].get(key)
                assert shown == value, f"{name} shows {key}={shown!r}, its unsent edit is {value!r}"

    def teardown(self) -> None:
        try:
            self._check_after_heal()
        finally:
            self.world.close()
            shutil.rmtree(self.root, ignore_errors=True)

    def _check_after_heal(self) -> None:
        w = self.world
        w.heal()
        server = w.server_records()
        self._converged(w, server)
        self._nothing_silently_lost(w, server)
        self._replay_is_a_no_op(w, server)
        self._skew_changed_nothing(server)

    def _converged(self, w: World, server: list[dict[str, Any]]) -> None:
        for name, (office, role) in REPLICAS.items():
            assert w.stores[name].pending_count() == 0, f"{name} still has changes to send"
            expected = [r for r in server if readable(office, role, r)]
            assert w.replica_records(name) == expected, f"{name} differs from the server"

    def _nothing_silently_lost(self, w: World, server: list[dict[str, Any]]) -> None:
        current: set[tuple[str, str, str]] = set()
        kept: set[tuple[str, str, str]] = set()
        from domain.records import to_flat

        for r in server:
            flat = to_flat(r["kind"], r["fields"])
            if r["kind"] == "conflict":
                f = r["fields"]
                for side in ("current_value", "other_value"):
                    kept.add((f["record_id"], f["field"], _v(f.get(side))))
                for key, value in (f.get("other_fields") or {}).items():
                    kept.add((f["record_id"], key, _v(value)))
                continue
            current.update((r["id"], k, _v(v)) for k, v in flat.items())
            current.add((r["id"], "deleted", _v(r["deleted"])))
        lost = w.committed - current - kept - w.superseded
        assert not lost, f"values silently lost: {sorted(lost)[:5]}"

    def _replay_is_a_no_op(self, w: World, server: list[dict[str, Any]]) -> None:
        async def resend() -> None:
            async with httpx.AsyncClient(transport=w.link.inner) as http:
                for method, url, body, headers in w.link.sent[-20:]:
                    await http.request(method, url, content=body, headers=headers)

        w.loop.run_until_complete(resend())
        assert w.server_records() == server

    def _skew_changed_nothing(self, server: list[dict[str, Any]]) -> None:
        if not any(action == "skew" for action, _ in self.log):
            return
        twin = World(self.root / "w2")
        try:
            for action, args in self.log:
                if action != "skew":
                    getattr(twin, action)(*args)
            twin.heal()
            assert _outcome(twin.server_records()) == _outcome(server)
        finally:
            twin.close()


#: shown, never compared: edit times, and which computer wrote a side (random per world)
_TIMES = {"current_at", "other_at", "current_replica", "other_replica"}


def _outcome(records: list[dict[str, Any]]) -> list[Any]:
    """Server state without server-made conflict IDs, edit times and replica ids."""
    out = []
    for r in records:
        if r["kind"] == "conflict":
            fields = {k: v for k, v in r["fields"].items() if k not in _TIMES}
            out.append(("conflict", _v(fields)))
        else:
            out.append((r["id"], _v(r)))
    return sorted(out)


@pytest.fixture
def sync_steps(request: pytest.FixtureRequest) -> int:
    return int(request.config.getoption("--sync-steps"))


def test_sync_model(sync_steps: int) -> None:
    SyncModel.TestCase.settings = settings(stateful_step_count=sync_steps, deadline=None)
    SyncModel.TestCase().runTest()
