"""Property-based tests of the merge rules: random interleavings of three replicas' ops."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server_stub.merge import Outcome, Who, apply_op, same
from server_stub.state import DELETED, Stored
from server_stub.textmerge import merge_text
from server_stub.wire import OpIn
from sync.protocol import Op

PARAGRAPHS = [
    "Khai mạc hội nghị.",
    "Sở TT&TT báo cáo.",
    "Đại biểu thảo luận.",
    "Trưởng ban kết luận.",
    "Bế mạc.",
]
BASE_NOTES = "\n\n".join(PARAGRAPHS) + "\n"
WRITERS = ("vn/bac-giang|a", "vn/bac-giang|b", "vn|c")
KEYS = ("title", "notes", "coord:u1", "coord:u2", DELETED)
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _notes(edits: dict[int, str]) -> str:
    return "\n\n".join(edits.get(i, p) for i, p in enumerate(PARAGRAPHS)) + "\n"


notes_values = st.dictionaries(
    st.integers(0, len(PARAGRAPHS) - 1), st.sampled_from(["Sửa A.", "Sửa B.", "Sửa C."]), max_size=2
).map(_notes)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": st.sampled_from(["T1", "T2", "T3", None]),
    "notes": notes_values,
    "coord:u1": st.sampled_from([True, None]),
    "coord:u2": st.sampled_from([True, None]),
    DELETED: st.booleans(),
}


def _op(data: dict[str, Any]) -> OpIn:
    return OpIn.from_model(Op.model_validate(data))


class Seqs:
    def __init__(self) -> None:
        self.seq = 0
        self.ids = (f"c{n}" for n in itertools.count())

    def next(self) -> int:
        self.seq += 1
        return self.seq

    def new_id(self) -> str:
        return next(self.ids)


def _who(writer: str, shift: timedelta = timedelta(0), op_seq: int = 0) -> Who:
    office = writer.split("|")[0]
    at = "2024-05-01T09:00:00+00:00"
    if shift:
        from datetime import datetime

        at = (datetime.fromisoformat(at) + shift).isoformat()
    return Who(writer, writer[-1].upper(), office, at, "2024-05-02T00:00:00+00:00", op_seq)


def _draw_op(data: st.DataObject, history: list[Stored], op_seq: int) -> tuple[str, OpIn]:
    """An op made by a replica that last saw one of the earlier states of the record."""
    writer = data.draw(st.sampled_from(WRITERS))
    seen = data.draw(st.sampled_from(history))
    keys = data.draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True))
    changes: dict[str, Any] = {}
    for key in keys:
        change: dict[str, Any] = {
            "value": data.draw(VALUES[key]),
            "base_version": seen.version(key),
        }
        if key == "notes" and isinstance(seen.fields.get("notes"), str):
            change["base_text"] = seen.fields["notes"]
        changes[key] = change
    scope = data.draw(st.sampled_from(["vn/bac-giang", seen.scope, "vn/bac-giang/yen-the"]))
    op = _op(
        {
            "op_seq": op_seq,
            "record_id": "rec",
            "kind": "task",
            "scope": scope,
            "changes": changes,
            "base_seq": seen.seq,
            "edited_at": "2024-05-01T09:00:00+00:00",
        }
    )
    return writer, op


def _new_lines(value: str, base: str | None) -> set[str]:
    return set(value.splitlines()) - set((base or "").splitlines()) - {""}


def _kept(key: str, value: Any, outcome: Outcome, base_text: str | None) -> bool:
    """Is ``value`` (for ``key``) in the record or in one of the op's conflict records?"""
    record = outcome.record
    assert record is not None
    if same(record.value(key), value):
        return True
    if (
        key == "notes"
        and isinstance(value, str)
        and isinstance(record.value(key), str)
        and _new_lines(value, base_text) <= set(record.value(key).splitlines())
    ):
        return True  # merged in
    for c in outcome.conflicts:
        f = c.fields
        if f["field"] == key and (
            same(f.get("current_value"), value) or same(f.get("other_value"), value)
        ):
            return True
        if (
            f["field"] == DELETED
            and key in (f.get("other_fields") or {})
            and same(f["other_fields"][key], value)
        ):
            return True
    return False


def _check_step(before: Stored, writer: str, op: OpIn, outcome: Outcome) -> None:
    assert outcome.status in ("applied", "merged", "conflict")
    after = outcome.record
    assert after is not None
    for c in outcome.conflicts:
        assert c.kind == "conflict" and c.fields["status"] == "open"
        assert c.fields["record_id"] == "rec" and c.seq > before.seq
    # 1. Every value the op sent is in the record or kept in a conflict record.
    for key, change in op.changes.items():
        assert _kept(key, change.value, outcome, change.base_text), (key, change.value)
    assert after.scope == op.scope or any(
        (c.fields["field"] == "scope" and c.fields.get("other_value") == op.scope)
        or (c.fields.get("other_fields") or {}).get("scope") == op.scope
        for c in outcome.conflicts
    )
    # 2. Every value replaced without having been seen is kept too.
    for key in set(before.fields) | {DELETED}:
        old = before.value(key)
        if same(old, after.value(key)):
            continue
        change = op.changes[key]
        author = before.writer(key)
        if change.base_version >= before.version(key) or (author and author[0] == writer):
            continue
        if key == DELETED and old is True:
            # An undelete that had not seen the delete is never silent.
            assert any(c.fields["field"] == DELETED for c in outcome.conflicts)
            continue
        base = change.base_text if key == "notes" else None
        assert _kept(
            key, old, Outcome(outcome.status, after, conflicts=outcome.conflicts), base
        ) or any(
            c.fields["field"] == key and same(c.fields.get("other_value"), old)
            for c in outcome.conflicts
        ), (key, old)
    # 3. An edit on a record another replica deleted meanwhile leaves it deleted, and the
    #    edit is flagged in a conflict record (not hidden in a tombstone).
    deleter = before.writer(DELETED)
    edits = {k for k in op.changes if k != DELETED}
    if (
        before.deleted
        and before.version(DELETED) > op.base_seq
        and deleter
        and deleter[0] != writer
        and op.changes.get(DELETED, None) is None
        and edits
    ):
        assert after.deleted
        flagged = [c for c in outcome.conflicts if c.fields["field"] == DELETED]
        assert flagged and edits <= set(flagged[0].fields.get("other_fields") or {})
    # 4. A delete keeps the edits it never saw.
    if after.deleted and not before.deleted:
        unseen = {
            k
            for k, v in before.versions.items()
            if k in before.fields and v > op.base_seq and (before.writer(k) or [""])[0] != writer
        }
        if unseen:
            kept = set().union(
                *[
                    set(c.fields.get("other_fields") or {})
                    for c in outcome.conflicts
                    if c.fields["field"] == DELETED
                ]
            )
            assert unseen <= kept


@PROPS
@given(st.data())
def test_every_value_is_current_or_kept_and_replays_change_nothing(data: st.DataObject) -> None:
    seqs = Seqs()
    created = apply_op(
        None,
        _op(
            {
                "op_seq": 1,
                "record_id": "rec",
                "kind": "task",
                "scope": "vn/bac-giang",
                "changes": {"title": {"value": "T0"}, "notes": {"value": BASE_NOTES}},
                "edited_at": "2024-05-01T09:00:00+00:00",
            }
        ),
        _who(WRITERS[0]),
        seqs.next,
        seqs.new_id,
    )
    assert created.record is not None
    history = [created.record]
    for n in range(data.draw(st.integers(1, 8))):
        writer, op = _draw_op(data, history, n + 2)
        before = history[-1]
        outcome = apply_op(before, op, _who(writer, op_seq=op.op_seq), seqs.next, seqs.new_id)
        _check_step(before, writer, op, outcome)
        after = outcome.record
        assert after is not None
        # Replaying the same op (a retried push the server failed to recognise) is harmless.
        replay = apply_op(after, op, _who(writer, op_seq=op.op_seq), seqs.next, seqs.new_id)
        assert replay.record is not None
        assert (replay.record.fields, replay.record.deleted, replay.record.scope) == (
            after.fields,
            after.deleted,
            after.scope,
        )
        history.append(after)


@PROPS
@given(st.data(), st.timedeltas(min_value=timedelta(days=-800), max_value=timedelta(days=800)))
def test_shifting_client_clocks_changes_no_outcome(data: st.DataObject, shift: timedelta) -> None:
    ops = []
    history_seed = Stored(id="rec", kind="task", scope="vn/bac-giang")
    for n in range(data.draw(st.integers(1, 5))):
        ops.append(_draw_op(data, [history_seed], n + 1))

    def play(delta: timedelta) -> list[Any]:
        seqs = Seqs()
        record: Stored | None = None
        trace = []
        for writer, op in ops:
            outcome = apply_op(record, op, _who(writer, delta), seqs.next, seqs.new_id)
            record = outcome.record or record
            trace.append((outcome.status, len(outcome.conflicts)))
        assert record is not None
        return [trace, record.fields, record.deleted, record.scope, record.versions]

    assert play(timedelta(0)) == play(shift)


paragraph = st.text(alphabet="abcdefghijklmnopqrstuvwxyzăâđêôơư ", min_size=3, max_size=30)


@PROPS
@given(
    st.lists(paragraph.map(str.strip).filter(bool), min_size=3, max_size=8, unique=True), st.data()
)
def test_edits_to_different_paragraphs_merge_without_duplication(
    paragraphs: list[str], data: st.DataObject
) -> None:
    i, j = data.draw(
        st.lists(st.integers(0, len(paragraphs) - 1), min_size=2, max_size=2, unique=True)
    )
    new_i = "Sửa " + paragraphs[i] + " (Bắc Giang)"
    new_j = "Sửa " + paragraphs[j] + " (Hà Nội)"
    base = "\n\n".join(paragraphs) + "\n"
    ours = "\n\n".join(new_i if k == i else p for k, p in enumerate(paragraphs)) + "\n"
    theirs = "\n\n".join(new_j if k == j else p for k, p in enumerate(paragraphs)) + "\n"
    merged = merge_text(base, ours, theirs)
    assert merged is not None
    lines = [line for line in merged.splitlines() if line]
    expected = [new_i if k == i else new_j if k == j else p for k, p in enumerate(paragraphs)]
    assert lines == expected


@PROPS
@given(
    st.lists(paragraph.map(str.strip).filter(bool), min_size=2, max_size=6, unique=True), st.data()
)
def test_edits_to_the_same_paragraph_conflict_keeping_both(
    paragraphs: list[str], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(paragraphs) - 1))
    base = "\n\n".join(paragraphs) + "\n"
    ours = base.replace(paragraphs[i], paragraphs[i] + " — ý kiến Bắc Giang", 1)
    theirs = base.replace(paragraphs[i], paragraphs[i] + " — ý kiến Hà Nội", 1)
    assert merge_text(base, ours, theirs) is None
    seqs = Seqs()
    first = apply_op(
        None,
        _op(
            {
                "op_seq": 1,
                "record_id": "m",
                "kind": "meeting",
                "scope": "vn",
                "changes": {"title": {"value": "Họp"}, "minutes": {"value": ours}},
                "edited_at": "2024-05-01T09:00:00Z",
            }
        ),
        _who(WRITERS[0]),
        seqs.next,
        seqs.new_id,
    )
    assert first.record is not None
    first.record.versions["minutes"] = 1
    second = apply_op(
        first.record,
        _op(
            {
                "op_seq": 1,
                "record_id": "m",
                "kind": "meeting",
                "scope": "vn",
                "changes": {"minutes": {"value": theirs, "base_version": 0, "base_text": base}},
                "edited_at": "2024-05-01T09:00:00Z",
            }
        ),
        _who(WRITERS[2]),
        seqs.next,
        seqs.new_id,
    )
    assert second.status == "conflict" and second.record is not None
    (conflict,) = second.conflicts
    assert {second.record.fields["minutes"], conflict.fields["other_value"]} == {ours, theirs}
