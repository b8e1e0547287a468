"""An office's pull latency beside the number of *other* offices' changes in the feed (one
command: ``python bench/feed.py``).

One commune office (``vn/p1/c1``) holds 200 task records (~875 B of fields each, written
through the server's own save path) spread evenly over the feed; every other change belongs
to one of 3,300 other communes (loaded by bulk SQL, filed in the feed as the server files
them).  For 10,000 and 1,000,000 other changes (``--others``), on SQLite and PostgreSQL
(``SOTAY_TEST_PG`` or ``--pg``; skipped when none answers), in-process :meth:`Service.pull`:

* ``initial``: the office's whole feed from cursor 0 (200 records, one page);
* ``recent``: from a cursor before its last 20 records (and ~10 % of everyone's changes);
* ``idle``: from its last record's position, with others' changes after it (nothing for it).

Budget (issue 10): the pull with 1M others ≤ 1.5 × the pull with 10k others.  Medians of
``--runs`` runs.  PostgreSQL is analysed after the bulk load, as autovacuum would do.
Prints each figure and ratio beside the budget; exits 1 on a miss.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse
import os
import statistics
import tempfile
import time
import uuid
from typing import Any

from server_stub.auth import Principal
from server_stub.db import Database
from server_stub.service import Service
from server_stub.settings import ServerSettings
from server_stub.state import Stored

OFFICE = "vn/p1/c1"
MINE = 200
BUDGET = 1.5
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"

#: Others' records and their feed rows, generated in SQL (recursive CTE: both backends).
#: ``i`` runs over the feed positions; every ``step``-th one is left for the office.
_SERIES = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?), "
    "o(i, scope) AS (SELECT i, 'vn/p' || CAST(i % 34 AS TEXT) || '/c' || "
    "CAST(2 + i % 97 AS TEXT) FROM n WHERE (i + ?) % ? != 0) "
)
_RECORDS = (
    "INSERT INTO records (id, kind, scope, fields, versions, writers, deleted, seq, "
    "updated_at, updated_by, office, audience, published, doc, sole_writer) "
    "SELECT 'other-' || CAST(i AS TEXT), 'task', scope, ?, ?, ?, 0, i, NULL, NULL, scope, "
    "{blob}, ?, {blob}, NULL FROM o"
)
_AUDIENCE = "'[\"' || scope || '\"]'"
_DOC = '\'{"id":"other-\' || CAST(i AS TEXT) || \'","scope":"\' || scope || \'"}\''
_FEED = (
    "INSERT INTO feed (audience, record_id, seq) SELECT {key}, 'other-' || CAST(i AS TEXT), i "
    "FROM o"
)
#: The keys the server files them under (:func:`server_stub.access.feed_keys`): the province
#: and the commune (the root ``vn`` is not a key: a root office reads every record).
_KEYS = ("substr(scope, 1, instr(scope || '/', '/c') - 1)", "scope")
_PG_KEYS = ("split_part(scope, '/', 1) || '/' || split_part(scope, '/', 2)", "scope")


def task_fields(i: int) -> dict[str, Any]:
    return {
        "title": f"Triển khai hệ thống quản lý văn bản và điều hành điện tử, giai đoạn {i}",
        "lead_unit_id": str(uuid.UUID(int=i + 1)),
        "status": "in_progress",
        "progress": i % 100,
        "start": "2024-01-01",
        "due": "2024-09-30",
        "deliverable": "Hệ thống vận hành chính thức, kết nối liên thông 4 cấp " * 8,
        "notes": "Sở TT&TT chủ trì, phối hợp Văn phòng UBND tỉnh.\nBáo cáo kết quả hằng quý.",
    }


def load(db: Database, others: int) -> tuple[int, int]:
    """The feed: ``others`` changes of other offices around the office's 200; (step, head)."""
    step = others // MINE + 1
    head = step * MINE
    pg = db.dialect.name == "postgresql"
    blob = "convert_to({}, 'UTF8')" if pg else "CAST({} AS BLOB)"
    half = step // 2  # the office's records sit mid-step: others' changes follow its last
    with db.write() as w:
        series = (head, half, step)
        sql = _SERIES + _RECORDS.format(blob="{blob}")
        sql = sql.replace("{blob}", blob.format(_AUDIENCE), 1).replace("{blob}", blob.format(_DOC))
        w.conn.execute(sql, (*series, b"{}", b"{}", b"{}", b"[]"))
        for key in _PG_KEYS if pg else _KEYS:
            w.conn.execute(_SERIES + _FEED.format(key=key), series)
        mine = []
        for j in range(MINE):
            seq = j * step + step - half
            record = Stored(id=f"mine-{j}", kind="task", scope=OFFICE, seq=seq)
            record.fields = task_fields(j)
            record.versions = dict.fromkeys(record.fields, seq)
            record.audience = [OFFICE]
            mine.append(record)
        w.save_records(mine)
        w.seq = head
    if pg:
        with db.write() as w:
            w.conn.execute("ANALYZE records")
            w.conn.execute("ANALYZE feed")
    return step, head


def timed(service: Service, since: int, runs: int, expect: int) -> float:
    who = Principal(token_id="t", office=OFFICE, role="office", user="bench")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        page = service.pull(who, since, 2000, replica_id="bench")
        times.append(time.perf_counter() - started)
        assert len(page.docs) == expect and not page.has_more, (len(page.docs), page.has_more)
    return statistics.median(times)


def measure(location: Path | str, others: int, runs: int) -> dict[str, float]:
    db = Database(location, synchronous="NORMAL")
    try:
        started = time.perf_counter()
        step, head = load(db, others)
        loaded = time.perf_counter() - started
        service = Service(db, ServerSettings(db=location, synchronous="NORMAL"))
        last = (MINE - 1) * step + step - step // 2
        recent = last - 20 * step
        return {
            "initial": timed(service, 0, runs, MINE),
            "recent": timed(service, recent, runs, 20),
            "idle": timed(service, last, runs, 0),
            "load_s": loaded,
            "head": head,
        }
    finally:
        db.close()


def pg_location(url: str) -> tuple[str, str] | None:
    try:
        import psycopg

        schema = f"bench_feed_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except Exception as exc:
        print(f"postgresql: skipped ({str(exc).strip().splitlines()[0]})")
        return None
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}", schema


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def run_backend(backend: str, sizes: list[int], runs: int, url: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for others in sizes:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                out[others] = measure(Path(folder) / "feed.db", others, runs)
        else:
            made = pg_location(url)
            if made is None:
                return out
            try:
                out[others] = measure(made[0], others, runs)
            finally:
                drop_schema(url, made[1])
        figures = out[others]
        print(
            f"{backend:<10} {others:>9,} others  initial {figures['initial'] * 1e3:7.2f} ms  "
            f"recent {figures['recent'] * 1e3:7.2f} ms  idle {figures['idle'] * 1e3:7.2f} ms  "
            f"(loaded in {figures['load_s']:.1f} s)",
            flush=True,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--others", default="10000,1000000", help="small,large")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default=os.environ.get("SOTAY_TEST_PG", PG_DEFAULT))
    args = parser.parse_args()
    small, large = (int(n) for n in args.others.split(","))
    missed = False
    for backend in args.backends.split(","):
        figures = run_backend(backend, [small, large], args.runs, args.pg)
        if len(figures) < 2:
            continue
        for name in ("initial", "recent", "idle"):
            ratio = figures[large][name] / figures[small][name]
            ok = ratio <= BUDGET
            missed |= not ok
            print(
                f"{backend:<10} {name:<8} {large:,} vs {small:,} others: ratio {ratio:5.2f}   "
                f"budget ≤ {BUDGET}   {'ok' if ok else 'OVER BUDGET'}"
            )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
