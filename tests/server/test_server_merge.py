"""The merge rules on plain values (no HTTP, no database)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from server_stub.merge import MERGED_SUFFIX, Outcome, Who, apply_op, keep_orphan_edit, same
from server_stub.state import Stored
from server_stub.textmerge import MAX_MERGE_CHARS, merge_text
from server_stub.wire import OpIn
from sync.protocol import Op

MINUTES = (
    "1. Khai mạc: đồng chí Chủ tịch phát biểu.\n"
    "\n"
    "2. Sở TT&TT báo cáo kết quả 6 tháng đầu năm.\n"
    "\n"
    "3. Các đại biểu thảo luận.\n"
    "\n"
    "4. Kết luận của đồng chí Trưởng ban.\n"
)


class Counter:
    """Sequence numbers and ids as the store would hand them out."""

    def __init__(self, start: int = 0) -> None:
        self.seq = start
        self.ids = (f"conflict-{n}" for n in itertools.count(1))

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def new_id(self) -> str:
        return next(self.ids)


def who(
    replica: str = "a",
    office: str = "vn/bac-giang",
    author: str = "An",
    at: str = "2024-05-01T09:00:00+07:00",
    op_seq: int = 1,
) -> Who:
    return Who(f"{office}|{replica}", author, office, at, "2024-05-02T00:00:00+00:00", op_seq)


def op(
    changes: dict[str, Any],
    *,
    record_id: str = "rec-1",
    kind: str = "task",
    scope: str = "vn/bac-giang",
    base_seq: int = 0,
    op_seq: int = 1,
    edited_at: str = "2024-05-01T09:00:00+07:00",
) -> OpIn:
    wire = {
        k: v if isinstance(v, dict) and "value" in v else {"value": v} for k, v in changes.items()
    }
    return OpIn.from_model(
        Op.model_validate(
            {
                "op_seq": op_seq,
                "record_id": record_id,
                "kind": kind,
                "scope": scope,
                "changes": wire,
                "base_seq": base_seq,
                "edited_at": edited_at,
                "author": "x",
            }
        )
    )


def ch(value: Any, base: int = 0, text: str | None = None) -> dict[str, Any]:
    return {"value": value, "base_version": base, "base_text": text}


def run(current: Stored | None, the_op: OpIn, by: Who, counter: Counter) -> Outcome:
    return apply_op(current, the_op, by, counter.next_seq, counter.new_id)


@pytest.fixture
def counter() -> Counter:
    return Counter()


@pytest.fixture
def created(counter: Counter) -> Stored:
    out = run(None, op({"title": "Cũ", "lead_unit_id": "u1", "notes": MINUTES}), who("a"), counter)
    assert out.status == "applied" and out.record is not None
    return out.record


# ---------------------------------------------------------------------------
# Plain fields
# ---------------------------------------------------------------------------
def test_create_takes_every_field_and_remembers_who_wrote_it(created: Stored) -> None:
    assert created.fields == {"title": "Cũ", "lead_unit_id": "u1", "notes": MINUTES}
    assert created.seq == 1
    assert set(created.versions.values()) == {1}
    assert created.writer("title") == [
        "vn/bac-giang|a",
        "An",
        "vn/bac-giang",
        "2024-05-01T09:00:00+07:00",
        1,
    ]
    assert created.audience == ["vn/bac-giang"]


def test_edit_on_the_current_version_is_taken(created: Stored, counter: Counter) -> None:
    out = run(created, op({"title": ch("Mới", base=1)}, base_seq=1), who("b"), counter)
    assert out.status == "applied" and not out.conflicts
    assert out.record is not None and out.record.fields["title"] == "Mới"
    assert out.record.version("title") == 2 and out.record.version("lead_unit_id") == 1
    assert out.changed == {"title": {"old": "Cũ", "new": "Mới"}}


def test_concurrent_edit_wins_and_keeps_the_other_value(created: Stored, counter: Counter) -> None:
    first = run(
        created,
        op({"title": ch("Bắc Giang sửa", base=1)}, base_seq=1),
        who("b", author="Bình", at="2024-05-01T10:00:00+07:00"),
        counter,
    )
    assert first.record is not None
    later = run(
        first.record,
        op({"title": ch("Hà Nội sửa", base=1)}, base_seq=1),
        who("c", office="vn", author="Chi", at="2023-01-01T00:00:00+00:00"),
        counter,
    )
    assert later.status == "conflict"
    assert later.record is not None and later.record.fields["title"] == "Hà Nội sửa"
    (conflict,) = later.conflicts
    assert conflict.kind == "conflict" and conflict.scope == "vn/bac-giang"
    assert conflict.fields == {
        "record_id": "rec-1",
        "record_kind": "task",
        "record_title": "Hà Nội sửa",
        "field": "title",
        "current_value": "Hà Nội sửa",
        "other_value": "Bắc Giang sửa",
        "current_author": "Chi",
        "current_office": "vn",
        "current_at": "2023-01-01T00:00:00+00:00",
        "other_author": "Bình",
        "other_office": "vn/bac-giang",
        "other_at": "2024-05-01T10:00:00+07:00",
        "current_replica": "c",
        "other_replica": "b",
        "status": "open",
    }
    assert conflict.seq == later.record.seq + 1


def test_concurrent_same_value_is_nothing_to_do(created: Stored, counter: Counter) -> None:
    first = run(created, op({"title": ch("Giống", base=1)}), who("b"), counter)
    assert first.record is not None
    again = run(first.record, op({"title": ch("Giống", base=1)}), who("c"), counter)
    assert again.status == "applied" and not again.conflicts and not again.changed
    assert again.record is first.record


def test_own_earlier_op_is_not_a_conflict(created: Stored, counter: Counter) -> None:
    """Ops 1 and 2 of one replica, both made offline on version 1."""
    one = run(created, op({"title": ch("Lần 1", base=1)}), who("b"), counter)
    assert one.record is not None
    two = run(one.record, op({"title": ch("Lần 2", base=1)}, op_seq=2), who("b", op_seq=2), counter)
    assert two.status == "applied" and not two.conflicts
    assert two.record is not None and two.record.fields["title"] == "Lần 2"


def test_same_replica_id_in_another_office_is_another_writer(
    created: Stored, counter: Counter
) -> None:
    one = run(created, op({"title": ch("Bắc Giang", base=1)}), who("r"), counter)
    assert one.record is not None
    other = run(
        one.record,
        op({"title": ch("Hà Nội", base=1)}, scope="vn/bac-giang"),
        who("r", office="vn"),
        counter,
    )
    assert other.status == "conflict"


def test_the_very_same_op_applied_again_changes_nothing(created: Stored, counter: Counter) -> None:
    """Even a merged text: applying its op again must not merge (or overwrite) it twice."""
    b_text = MINUTES.replace("Khai mạc", "Khai mạc hội nghị")
    c_text = MINUTES.replace("Kết luận", "Kết luận và giao nhiệm vụ")
    one = run(created, op({"notes": ch(b_text, base=1, text=MINUTES)}), who("b"), counter)
    assert one.record is not None
    c_op = op({"notes": ch(c_text, base=1, text=MINUTES)}, op_seq=7)
    two = run(one.record, c_op, who("c", op_seq=7), counter)
    assert two.status == "merged" and two.record is not None
    again = run(two.record, c_op, who("c", op_seq=7), counter)
    assert again.status == "applied" and not again.changed and not again.conflicts
    assert again.record is two.record


def test_json_equality_is_strict() -> None:
    assert same({"a": [1, True]}, {"a": [1, True]})
    assert not same(True, 1) and not same(1, 1.0) and not same([1], [True])


def test_set_elements_from_two_offices_both_stay(created: Stored, counter: Counter) -> None:
    one = run(created, op({"coord:so-tc": True}, base_seq=1), who("b"), counter)
    assert one.record is not None
    two = run(one.record, op({"coord:so-kh": True}, base_seq=1), who("c"), counter)
    assert two.status == "applied" and not two.conflicts
    assert two.record is not None
    assert {"coord:so-tc", "coord:so-kh"} <= set(two.record.fields)


def test_clearing_a_field_removes_it_and_versions_the_clear(
    created: Stored, counter: Counter
) -> None:
    out = run(created, op({"lead_unit_id": ch(None, base=1)}), who("b"), counter)
    assert out.record is not None and "lead_unit_id" not in out.record.fields
    assert out.record.version("lead_unit_id") == 2
    late = run(out.record, op({"lead_unit_id": ch("u9", base=1)}), who("c"), counter)
    (conflict,) = late.conflicts
    # The other side cleared the field: the conflict says so by having no other value.
    assert "other_value" not in conflict.fields and conflict.fields["current_value"] == "u9"
    assert late.record is not None and late.record.fields["lead_unit_id"] == "u9"


def test_wall_clocks_decide_nothing(created: Stored) -> None:
    outcomes = []
    for at in ("1999-01-01T00:00:00+00:00", "2024-05-01T09:00:00+07:00", "2099-12-31T23:00:00Z"):
        counter = Counter(created.seq)
        one = run(created, op({"title": ch("B", base=1)}, edited_at=at), who("b", at=at), counter)
        assert one.record is not None
        two = run(one.record, op({"title": ch("C", base=1)}), who("c"), counter)
        assert two.record is not None
        outcomes.append((one.status, two.status, two.record.fields, len(two.conflicts)))
    assert outcomes[0] == outcomes[1] == outcomes[2]


# ---------------------------------------------------------------------------
# Long text
# ---------------------------------------------------------------------------
def test_long_text_edits_to_different_paragraphs_merge(created: Stored, counter: Counter) -> None:
    mine = MINUTES.replace("6 tháng đầu năm", "6 tháng đầu năm 2024")
    theirs = MINUTES.replace("Các đại biểu thảo luận.", "Các đại biểu thảo luận sôi nổi.")
    one = run(created, op({"notes": ch(mine, base=1, text=MINUTES)}), who("b"), counter)
    assert one.record is not None
    two = run(one.record, op({"notes": ch(theirs, base=1, text=MINUTES)}), who("c"), counter)
    assert two.status == "merged" and not two.conflicts
    assert two.record is not None
    text = two.record.fields["notes"]
    assert "6 tháng đầu năm 2024" in text and "thảo luận sôi nổi" in text
    assert text.count("Khai mạc") == 1 and text.count("Kết luận") == 1
    assert two.record.writer("notes") == [
        "vn/bac-giang|c" + MERGED_SUFFIX,
        "An",
        "vn/bac-giang",
        "2024-05-01T09:00:00+07:00",
        1,
    ]


def test_same_paragraph_is_a_conflict_keeping_both(created: Stored, counter: Counter) -> None:
    mine = MINUTES.replace("thảo luận.", "thảo luận, thống nhất.")
    theirs = MINUTES.replace("thảo luận.", "thảo luận, còn ý kiến khác.")
    one = run(created, op({"notes": ch(mine, base=1, text=MINUTES)}), who("b"), counter)
    assert one.record is not None
    two = run(one.record, op({"notes": ch(theirs, base=1, text=MINUTES)}), who("c"), counter)
    assert two.status == "conflict"
    assert two.record is not None and two.record.fields["notes"] == theirs
    (conflict,) = two.conflicts
    assert conflict.fields["other_value"] == mine
    assert conflict.fields["base_value"] == MINUTES


def test_merged_text_is_not_overwritten_by_a_later_op_of_the_same_replica(
    created: Stored, counter: Counter
) -> None:
    """Replica c's op 2 was made on its own op-1 text, before it saw b's paragraph."""
    b_text = MINUTES.replace("Khai mạc", "Khai mạc hội nghị")
    c1 = MINUTES.replace("Kết luận", "Kết luận và giao nhiệm vụ")
    c2 = c1.replace("báo cáo kết quả", "báo cáo tóm tắt kết quả")
    one = run(created, op({"notes": ch(b_text, base=1, text=MINUTES)}), who("b"), counter)
    assert one.record is not None
    two = run(one.record, op({"notes": ch(c1, base=1, text=MINUTES)}), who("c"), counter)
    assert two.status == "merged" and two.record is not None
    three = run(
        two.record, op({"notes": ch(c2, base=1, text=c1)}, op_seq=2), who("c", op_seq=2), counter
    )
    assert three.record is not None
    text = three.record.fields["notes"]
    assert "Khai mạc hội nghị" in text, "b's paragraph was dropped"
    assert "giao nhiệm vụ" in text and "tóm tắt" in text


def test_long_text_without_base_text_is_a_conflict(created: Stored, counter: Counter) -> None:
    one = run(created, op({"notes": ch(MINUTES + "5. Bế mạc.\n", base=1)}), who("b"), counter)
    assert one.record is not None
    two = run(one.record, op({"notes": ch("Viết lại hết.\n", base=1)}), who("c"), counter)
    assert two.status == "conflict" and len(two.conflicts) == 1


@pytest.mark.parametrize(
    ("base", "ours", "theirs"),
    [
        # adjacent lines
        ("A\nB\nC\nD\n", "A1\nB\nC\nD\n", "A\nB1\nC\nD\n"),
        # both appended different text at the end
        ("A\nB\n", "A\nB\nX\n", "A\nB\nY\n"),
        # the same new paragraph pasted at two different places: never duplicate it
        ("A\n\nB\n\nC\n\nD\n", "A\n\nX\n\nB\n\nC\n\nD\n", "A\n\nB\n\nC\n\nX\n\nD\n"),
        # a repeated line next to the change makes the alignment doubtful
        (
            "Đồng ý.\nP1\nĐồng ý.\nP2\nP3\nP4\n",
            "Đồng ý.\nP1 sửa\nĐồng ý.\nP2\nP3\nP4\n",
            "Đồng ý.\nP1\nĐồng ý.\nP2\nP3\nP4 sửa\n",
        ),
    ],
)
def test_unsafe_merges_are_refused(base: str, ours: str, theirs: str) -> None:
    assert merge_text(base, ours, theirs) is None


def test_the_same_insertion_on_both_sides_is_kept_once() -> None:
    base = "A\n\nB\n\nC\n"
    ours = "A\n\nX\n\nB\n\nC\n"
    theirs = "A\n\nX\n\nB\n\nC sửa\n"
    assert merge_text(base, ours, theirs) == "A\n\nX\n\nB\n\nC sửa\n"


def test_huge_texts_are_not_merged() -> None:
    big = "dòng\n" * (MAX_MERGE_CHARS // 5 + 10)
    assert merge_text(big, big + "a\n", "b\n" + big) is None


# ---------------------------------------------------------------------------
# Deletes
# ---------------------------------------------------------------------------
def test_delete_concurrent_with_an_edit_keeps_the_edit(created: Stored, counter: Counter) -> None:
    edit = run(
        created,
        op({"title": ch("Sửa tiêu đề", base=1)}, base_seq=1),
        who("b", author="Bình"),
        counter,
    )
    assert edit.record is not None
    gone = run(edit.record, op({"deleted": ch(True)}, base_seq=1), who("c", author="Chi"), counter)
    assert gone.status == "conflict"
    assert gone.record is not None and gone.record.deleted
    assert gone.record.fields["title"] == "Sửa tiêu đề"  # a tombstone keeps its fields
    (conflict,) = gone.conflicts
    assert conflict.fields["field"] == "deleted"
    assert conflict.fields["current_value"] is True and conflict.fields["other_value"] is False
    assert conflict.fields["other_fields"] == {"title": "Sửa tiêu đề"}
    assert conflict.fields["current_author"] == "Chi"
    assert conflict.fields["other_author"] == "Bình"


def test_delete_after_seeing_every_edit_is_plain(created: Stored, counter: Counter) -> None:
    edit = run(created, op({"title": ch("Sửa", base=1)}), who("b"), counter)
    assert edit.record is not None
    gone = run(edit.record, op({"deleted": ch(True)}, base_seq=edit.record.seq), who("c"), counter)
    assert gone.status == "applied" and not gone.conflicts
    assert gone.record is not None and gone.record.deleted


def test_edit_on_a_record_deleted_meanwhile_keeps_it_deleted(
    created: Stored, counter: Counter
) -> None:
    gone = run(created, op({"deleted": ch(True)}, base_seq=1), who("b", author="Bình"), counter)
    assert gone.record is not None and gone.status == "applied"
    edit = run(
        gone.record,
        op({"title": ch("Vẫn sửa", base=1), "progress": ch(50, base=0)}, base_seq=1),
        who("c", author="Chi"),
        counter,
    )
    assert edit.status == "conflict"
    assert edit.record is gone.record and edit.record.deleted  # nothing came back
    assert not edit.changed
    (conflict,) = edit.conflicts
    assert conflict.fields["other_fields"] == {"title": "Vẫn sửa", "progress": 50}
    assert conflict.fields["current_author"] == "Bình"
    assert conflict.fields["other_author"] == "Chi"
    # A person resolves it by undeleting, having seen the delete:
    back = run(
        gone.record,
        op(
            {"deleted": ch(False, base=gone.record.seq), "title": ch("Vẫn sửa", base=1)},
            base_seq=gone.record.seq,
        ),
        who("c"),
        counter,
    )
    assert back.status == "applied" and back.record is not None
    assert not back.record.deleted and back.record.fields["title"] == "Vẫn sửa"


# ---------------------------------------------------------------------------
# Moves and rejections
# ---------------------------------------------------------------------------
def test_move_seen_applies_and_widens_the_audience(created: Stored, counter: Counter) -> None:
    out = run(created, op({}, scope="vn/bac-giang/yen-the", base_seq=1), who("b"), counter)
    assert out.status == "applied" and out.record is not None
    assert out.record.scope == "vn/bac-giang/yen-the"
    assert out.record.audience == ["vn/bac-giang", "vn/bac-giang/yen-the"]


def test_unseen_move_is_not_undone_by_a_stale_scope(created: Stored, counter: Counter) -> None:
    moved = run(created, op({}, scope="vn/bac-giang/yen-the", base_seq=1), who("hq"), counter)
    assert moved.record is not None
    edit = run(moved.record, op({"title": ch("Sửa", base=1)}, base_seq=1), who("b"), counter)
    assert edit.record is not None
    assert edit.record.scope == "vn/bac-giang/yen-the" and edit.record.fields["title"] == "Sửa"
    (conflict,) = edit.conflicts
    assert conflict.fields["field"] == "scope"
    assert conflict.fields["other_value"] == "vn/bac-giang"


def test_orphan_edit_is_kept_in_the_offices_scope(created: Stored, counter: Counter) -> None:
    out = keep_orphan_edit(
        created, op({"title": ch("Sửa", base=1)}), who("b"), counter.next_seq, counter.new_id
    )
    (conflict,) = out.conflicts
    assert out.record is None and conflict.scope == "vn/bac-giang"
    assert conflict.fields["other_fields"] == {"title": "Sửa"}


@pytest.mark.parametrize(
    ("changes", "kind", "scope", "reason"),
    [
        ({"title": "x"}, "spaceship", "vn", "sync.reject.unknown_kind"),
        ({"no_such_field": "x"}, "task", "vn", "sync.reject.bad_field"),
        ({"attendee:p1": "present"}, "task", "vn", "sync.reject.bad_field"),
        ({"title": float("nan")}, "task", "vn", "sync.reject.bad_value"),
        ({"notes": [[[[["deep"]]]]]}, "task", "vn", "sync.reject.bad_value"),
        ({"deleted": "yes"}, "task", "vn", "sync.reject.bad_value"),
        ({"title": "x"}, "task", "Việt Nam", "sync.reject.bad_scope"),
    ],
)
def test_bad_ops_are_rejected_with_a_reason(
    changes: dict[str, Any], kind: str, scope: str, reason: str, counter: Counter
) -> None:
    out = run(None, op(changes, kind=kind, scope=scope), who(), counter)
    assert out.status == "rejected" and out.reason == reason
    assert counter.seq == 0 and out.record is None


def test_kind_cannot_change(created: Stored, counter: Counter) -> None:
    out = run(created, op({"title": "x"}, kind="plan"), who(), counter)
    assert out.status == "rejected" and out.reason == "sync.reject.kind_mismatch"
    assert out.record is created


def test_stored_wire_json_splices_the_same_bytes(created: Stored, counter: Counter) -> None:
    import orjson

    edit = run(created, op({"coord:u1": True, "lead_unit_id": ch(None, base=1)}), who("b"), counter)
    assert edit.record is not None
    record = edit.record
    assert record.wire_json(orjson.dumps(record.fields)) == orjson.dumps(record.wire())
    # coord:u1 was set at the record's seq (inferred); the cleared lead_unit_id is listed.
    assert record.wire()["versions"] == {"title": 1, "notes": 1, "lead_unit_id": 2}
    assert "lead_unit_id" in record.versions and "@scope" not in record.wire()["versions"]
