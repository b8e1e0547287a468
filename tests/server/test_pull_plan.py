"""An office's pull page is read through ``records_seq`` in order (issue 10): the records'
JSON is never sorted in a temporary tree, which took 0.4 s of a 5,000-record page."""

from __future__ import annotations

from pathlib import Path

from server_stub.access import reading_keys
from server_stub.db import Database, Reader


def test_an_office_pull_sorts_no_rows_in_a_temporary_tree(tmp_path: Path) -> None:
    db = Database(tmp_path / "plan.db")
    try:
        keys = reading_keys("vn/bac-giang/yen-the")
        assert keys is not None
        sql, params = Reader._feed_query(0, 2001, keys, "vn/bac-giang/yen-the|r1")
        with db.read() as r:
            plan = [row[3] for row in r.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    finally:
        db.close()
    assert [step for step in plan if "TEMP B-TREE FOR ORDER BY" in step] == []
    assert plan[0] == "SEARCH r USING INDEX records_seq (seq=?)"
