"""The change feed indexed by audience (migration 2): an office's pull reads only the feed rows
filed under its keys, through ``feed_audience_seq``, and returns exactly what the read rule
applied to every change returns.

* For any history of records — moved, published, unpublished, audiences grown or arbitrary,
  some written by the pulling replica alone — paging through an office's pull gives the same
  records, removes and final cursor as the rule applied to every row of the feed.
* The query goes through the feed's index on both backends, and the work of an office's pull
  does not grow when another office adds 5,000 changes.
* A database of format 1 is backfilled: every pull from every cursor answers as before the
  upgrade; ``copy`` files the feed anew in the target.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.schema import flat_key
from server_stub.access import reading_keys
from server_stub.auth import Principal
from server_stub.db import Database, Reader
from server_stub.service import PullPage, Service
from server_stub.settings import ServerSettings
from server_stub.state import Stored
from tests.helpers.server import BACKENDS, Databases

#: Offices whose names contain one another ("vn/a" in "vn/ab") and cousins of each other.
SCOPES = ["vn", "vn/a", "vn/a/x", "vn/ab", "vn/ab/y", "vn/b", "hn", "hn/a"]
REPLICA = "r1"
scopes = st.sampled_from(SCOPES)
publications = scopes.map(lambda s: flat_key("published_to", s))
audiences = st.lists(st.one_of(scopes, publications), unique=True)


def _service(location: Path | str) -> Service:
    db = Database(location, synchronous="NORMAL")
    return Service(db, ServerSettings(db=location, synchronous="NORMAL"))


@pytest.fixture(scope="module", params=BACKENDS)
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with Databases.of(request.param, tmp_path_factory.mktemp("feed")) as databases:
        made = _service(databases.new())
        yield made
        made.db.close()


def _who(office: str) -> Principal:
    return Principal(token_id="t", office=office, role="office", user="u")


def _record(rid: str, seq: int, scope: str, published: list[str], audience: list[str]) -> Stored:
    """A record with this scope, publications and audience, written at ``seq``."""
    return Stored(id=rid, kind="plan", scope=scope, seq=seq, audience=audience, published=published)


def _written_by(record: Stored, writer: str | None) -> Stored:
    if writer is not None:
        record.fields = {"title": "Kế hoạch"}
        record.versions = {"title": record.seq}
        record.writers = {str(record.seq): [writer, "An", "vn", "2024-05-01", 1]}
    return record


def _pull_all(service: Service, office: str, since: int, limit: int) -> tuple[Any, ...]:
    """Every page of the office's pull after ``since``: (docs, removes, final cursor)."""
    docs: list[bytes] = []
    removes: list[str] = []
    while True:
        page = service.pull(_who(office), since, limit, replica_id=REPLICA)
        docs += page.docs
        removes += page.remove
        assert page.cursor >= since
        since = page.cursor
        if not page.has_more:
            return docs, removes, since


def _by_the_rule(service: Service, office: str, since: int) -> tuple[Any, ...]:
    """The rule applied to every change after ``since`` (the whole feed, unfiltered)."""
    own = f"{office}|{REPLICA}"
    with service.db.read() as r:
        head = r.meta()[1]
        every = [row for row in r.scan(since, 10**6) if row[6] != own]
    page = PullPage(cursor=since, head=head)
    service._fill(page, _who(office), iter(every), limit=10**6)
    assert not page.has_more
    return page.docs, page.remove, page.cursor


_runs = itertools.count(1)

steps = st.lists(
    st.tuples(
        st.integers(0, 5),  # which record
        scopes,
        st.lists(scopes, unique=True).map(sorted),  # published to
        st.one_of(st.none(), audiences),  # None: grown as the merge does; else arbitrary
        st.sampled_from([None, f"vn/a|{REPLICA}", f"vn/b|{REPLICA}", "vn/a|r2"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=120, deadline=None)
@given(history=steps, limit=st.integers(1, 4))
def test_an_office_pull_through_the_feed_is_the_rule_over_every_change(
    service: Service, history: list[Any], limit: int
) -> None:
    run = next(_runs)
    with service.db.read() as r:
        start = r.meta()[1]
    known: dict[str, Stored] = {}
    for n, scope, published, audience, writer in history:
        rid = f"run{run}-{n}"
        before = known[rid].audience if rid in known else []
        if audience is None:  # every scope it lived in and every publication it had
            pubs = [flat_key("published_to", p) for p in published]
            audience = sorted({*before, scope, *pubs})
        with service.db.write() as w:
            record = _record(rid, w.next_seq(), scope, published, audience)
            known[rid] = _written_by(record, writer)
            w.save_records([record])
    for office in SCOPES:
        assert _pull_all(service, office, start, limit) == _by_the_rule(service, office, start)


# ---------------------------------------------------------------------------
# Through the index: the work of a pull does not grow with other offices' changes
# ---------------------------------------------------------------------------
def _save_many(db: Database, scope: str, count: int, tag: str) -> None:
    with db.write() as w:
        made = []
        for n in range(count):
            seq = w.next_seq()
            made.append(_record(f"{tag}-{n}", seq, scope, [], [scope]))
        w.save_records(made)


def _sqlite_cost(r: Reader, sql: str, params: list[Any]) -> tuple[str, int]:
    """(the query plan, the virtual machine steps the query took)."""
    plan = " | ".join(row[3] for row in r.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    raw: Any = r.conn
    raw.set_progress_handler(count, 1)
    try:
        r.conn.execute(sql, params).fetchall()
    finally:
        raw.set_progress_handler(None, 1)
    return plan, steps[0]


def _pg_cost(r: Reader, sql: str, params: list[Any]) -> tuple[str, int]:
    """(the query plan, the rows the plan's scans of the tables visited)."""
    explained = r.conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params).fetchone()[0]
    plan = explained if isinstance(explained, list) else orjson.loads(explained)
    names: list[str] = []
    visited = 0

    def walk(node: dict[str, Any]) -> None:
        nonlocal visited
        names.append(f"{node['Node Type']} {node.get('Index Name', node.get('Relation Name'))}")
        if "Relation Name" in node:
            rows = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            visited += rows * node["Actual Loops"]
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return " | ".join(names), visited


def _pull_cost(db: Database, office: str) -> tuple[str, int]:
    keys = reading_keys(office)
    assert keys is not None
    sql, params = Reader._feed_query(0, 4001, keys, f"{office}|{REPLICA}")
    with db.read() as r:
        if db.dialect.name == "sqlite":
            return _sqlite_cost(r, sql, params)
        return _pg_cost(r, sql, params)


def test_an_office_pull_reads_the_index_and_not_other_offices_changes(
    databases: Databases,
) -> None:
    service = _service(databases.new())
    try:
        _save_many(service.db, "vn/b/x", 5, "mine")
        _save_many(service.db, "vn/a", 50, "theirs")
        plan, before = _pull_cost(service.db, "vn/b")
        _save_many(service.db, "vn/a/x", 5_000, "more")
        again, after = _pull_cost(service.db, "vn/b")
        assert "feed_audience_seq" in plan and "feed_audience_seq" in again, again
        assert "SCAN r" not in again and "Seq Scan" not in again, again
        assert after <= before * 1.2, (before, after)
        docs, removes, _cursor = _pull_all(service, "vn/b", 0, 2)
        assert [orjson.loads(d)["id"] for d in docs] == [f"mine-{n}" for n in range(5)]
        assert removes == []
    finally:
        service.db.close()


# ---------------------------------------------------------------------------
# Upgrade: the feed backfilled from the records; copy files it anew
# ---------------------------------------------------------------------------
def _feed(db: Database) -> list[tuple[str, str, int]]:
    with db.read() as r:
        rows = r.conn.execute("SELECT audience, record_id, seq FROM feed ORDER BY 1, 2")
        return [(a, rid, seq) for a, rid, seq in rows]


def _history(db: Database) -> None:
    """Records moved, published and unpublished over time, as the merge leaves them."""
    pub = flat_key("published_to", "vn/a")
    states = [
        ("p1", "vn", ["vn/a"], ["vn", pub]),
        ("t1", "vn/a/x", [], ["vn/a/x"]),
        ("t2", "vn/b", [], ["vn/b"]),
        ("t1", "vn/b", [], ["vn/a/x", "vn/b"]),  # moved out of vn/a: a remove there
        ("p1", "vn", [], ["vn", pub]),  # unpublished: a remove in vn/a
        ("t3", "hn/a", ["hn"], ["hn/a", flat_key("published_to", "hn")]),
    ]
    for rid, scope, published, audience in states:
        with db.write() as w:
            w.save_records([_record(rid, w.next_seq(), scope, published, audience)])


def _every_pull(service: Service) -> dict[tuple[str, int], tuple[Any, ...]]:
    return {
        (office, since): _pull_all(service, office, since, 1)
        for office in SCOPES
        for since in range(0, 8)
    }


def test_a_format_1_database_is_backfilled_and_every_cursor_answers_as_before(
    databases: Databases,
) -> None:
    location = databases.new()
    service = _service(location)
    _history(service.db)
    feed, pulls = _feed(service.db), _every_pull(service)
    with service.db.write() as w:  # the database as a server of format 1 left it
        w.conn.execute("DROP TABLE feed")
        w.conn.execute("DELETE FROM schema_migrations WHERE version = 2")
        w.conn.execute("UPDATE meta SET db_version = 1 WHERE id = 1")
    service.db.close()

    upgraded = _service(location)
    try:
        assert upgraded.db.applied == [2]
        assert _feed(upgraded.db) == feed
        assert ("vn/a", "t1", 4) in feed and ("vn/b", "t1", 4) in feed
        assert [row for row in feed if row[0] in ("vn", "hn")] == []  # roots read records
        assert _every_pull(upgraded) == pulls
        docs, removes, cursor = pulls[("vn/a", 0)]
        assert ([orjson.loads(d)["id"] for d in docs], removes, cursor) == ([], ["t1", "p1"], 6)
    finally:
        upgraded.db.close()


def test_copy_files_the_feed_anew_in_the_target(databases: Databases, tmp_path: Path) -> None:
    source = _service(tmp_path / "source.db")
    target = _service(databases.new("target"))
    try:
        _history(source.db)
        source.db.copy_to(target.db)
        assert _feed(target.db) == _feed(source.db)
        assert _every_pull(target) == _every_pull(source)
    finally:
        source.db.close()
        target.db.close()
