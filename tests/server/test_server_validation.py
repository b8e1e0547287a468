"""F10: the server holds every value of an op to the domain's rules (server_stub.validation).

Three properties: the fast path never accepts what the record model refuses; everything the
domain itself produces (a record as a replica saves it) is accepted; and a value the domain
would not store is refused with ``sync.reject.bad_value`` naming the field, one op at a time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.demo import records as demo_records
from domain.errors import ValidationError
from domain.records import prepare, to_flat
from domain.schema import SPECS
from server_stub import validation
from server_stub.validation import check_changes, check_value, model_accepts
from server_stub.wire import Change, OpIn
from tests.helpers.server import BG, Api, make_op, task

KINDS = sorted(k for k in SPECS if k != "conflict")
TEXTS = st.one_of(
    st.text(max_size=30),
    st.text(
        alphabet=st.sampled_from(
            list("aăâ đĐ \t\n\r\x1b[\x9b\u202e\u2066\xa0\u3000.,;:-–/0123456789")
        ),
        max_size=20,
    ),
    st.sampled_from(
        [
            "",
            " ",
            "done",
            "Hoàn thành",
            "in_progress",
            "2024-06-30",
            "30/06/2024",
            "2024-13-01",
            "vn/bac-giang",
            "VN/Bac-Giang",
            "1.500.000",
            "9h30",
            "25:00",
            "present",
            "u1",
            " u1",
            "u1,u2",
            "1772 / KH – BCĐ",
            "1772/KH-BCĐ",
            "Hoa\u0300",
            "Hòa",
            "a\n\nb",
            "a \nb",
            "\na",
            "a\n",
        ]
    ),
)
VALUES = st.one_of(
    TEXTS,
    st.integers(-5, 3000),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.lists(st.one_of(TEXTS, st.integers()), max_size=2),
    st.dictionaries(
        st.sampled_from(["value", "numerator", "denominator", "evidence", "name", "weight", "x"]),
        st.one_of(st.integers(0, 30), TEXTS, st.floats(0, 100)),
        max_size=3,
    ),
)


def _keys(kind: str) -> list[tuple[str, str, str | None]]:
    """(flat key, field name, shape) of every field of ``kind``, with a sample element."""
    spec = SPECS[kind]
    out: list[tuple[str, str, str | None]] = []
    for name in spec.fields:
        if name in spec.sets:
            prefix, shape = spec.sets[name]
            element = (
                "2024-06-30" if prefix == "reading" else "vn/bac-giang" if prefix == "pub" else "e1"
            )
            out.append((f"{prefix}:{element}", name, shape))
        else:
            out.append((name, name, None))
    return out


ALL_KEYS = [(kind, *key) for kind in KINDS for key in _keys(kind)]


def _logical(key: str, shape: str | None, value: Any) -> Any:
    element = key.partition(":")[2]
    return value if shape is None else [element] if shape == "set" else {element: value}


def _canonical(kind: str, name: str, logical: Any) -> Any:
    """What the record model makes of ``logical`` for field ``name`` (None: refused)."""
    from domain.models import KINDS

    model = KINDS[kind]
    instance = model.model_construct()
    try:
        model.__pydantic_validator__.validate_assignment(instance, name, logical)
    except (pydantic.ValidationError, ValueError):
        return None
    return instance.model_dump(mode="json", include={name}, exclude_none=True).get(name)


@settings(max_examples=1500)
@given(st.sampled_from(ALL_KEYS), VALUES)
def test_the_fast_path_never_accepts_what_the_model_refuses(
    where: tuple[str, str, str, str | None], value: Any
) -> None:
    kind, key, name, shape = where
    if value is None:
        return
    accepted = check_value(kind, key, value)
    by_model = (shape != "set" or value is True) and model_accepts(
        kind, name, _logical(key, shape, value)
    )
    assert accepted == by_model, (kind, key, value)
    # … and on what the model makes of the value (mostly accepted: the fast path's "yes").
    canonical = _canonical(kind, name, _logical(key, shape, value))
    if canonical is not None and shape is None:
        assert check_value(kind, key, canonical) == model_accepts(kind, name, canonical)
    elif isinstance(canonical, dict) and shape == "map":
        for element, item in canonical.items():
            assert check_value(kind, f"{key.partition(':')[0]}:{element}", item) == model_accepts(
                kind, name, {element: item}
            )
    elif isinstance(canonical, list) and shape == "set":
        for element in canonical:
            assert check_value(kind, f"{key.partition(':')[0]}:{element}", True) == model_accepts(
                kind, name, [element]
            )


@given(st.sampled_from(ALL_KEYS), VALUES)
def test_a_fresh_rule_and_a_warm_rule_agree(
    where: tuple[str, str, str, str | None], value: Any
) -> None:
    """The remembered values change no decision."""
    kind, key, _name, _shape = where
    if value is None:
        return
    first = check_value(kind, key, value)
    assert check_value(kind, key, value) == first
    validation._rules.cache_clear()
    assert check_value(kind, key, value) == first


def _as_pushed(kind: str, fields: dict[str, Any]) -> OpIn:
    flat = to_flat(kind, prepare(kind, fields, today=date(2024, 5, 1)))
    return OpIn(
        1, "r1", kind, BG, "2024-05-01T09:00:00+07:00", {k: Change(v) for k, v in flat.items()}
    )


def test_every_demo_record_as_a_replica_saves_it_is_accepted() -> None:
    for record in demo_records():
        op = _as_pushed(record["kind"], record["fields"])
        assert check_changes(op, creates=True) is None, (record["kind"], record["fields"])


@given(st.sampled_from(KINDS), st.data())
def test_whatever_the_domain_makes_of_typed_input_is_accepted(
    kind: str, data: st.DataObject
) -> None:
    spec = SPECS[kind]
    fields: dict[str, Any] = {name: "Tên bắt buộc" for name in spec.required}
    fields.update(
        {"lead_unit_id": "u1", "date": "2024-06-28", "report_kind": "quý", "year": 2024}
        if kind in ("task", "meeting", "report", "ranking")
        else {}
    )
    fields = {k: v for k, v in fields.items() if k in spec.fields}
    for name in data.draw(st.lists(st.sampled_from(spec.fields), max_size=4, unique=True)):
        if name in spec.system:
            continue
        fields[name] = data.draw(VALUES)
    try:
        op = _as_pushed(kind, fields)
    except ValidationError:
        return  # the domain refuses it: no replica would send it
    assert check_changes(op, creates=True) is None, (kind, fields)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("title", {"evil": 1}),
        ("title", 42),
        ("title", ["a"]),
        ("title", " padded "),
        ("title", "a\x1b[31mred"),
        ("title", "rtl\u202eevil"),
        ("title", "x" * 4001),
        ("status", "hacked"),
        ("status", "Hoàn thành"),
        ("progress", 101),
        ("progress", True),
        ("progress", "50"),
        ("due", "2024-02-30"),
        ("due", "30/09/2024"),
        ("budget", -1),
        ("budget", 1.5),
        ("group", 3),
        ("coord:u1", "yes"),
        ("pub:VN", True),
        ("notes", "a\n"),
        ("lead_unit_id", "u1, u2"),
        ("plan_id", ""),
    ],
)
def test_values_the_domain_would_not_store_are_refused(key: str, value: Any) -> None:
    op = OpIn(
        1,
        "r1",
        "task",
        BG,
        "2024-05-01T09:00:00+07:00",
        {k: Change(v) for k, v in {**task(), key: value}.items()},
    )
    assert check_changes(op, creates=True) == ("sync.reject.bad_value", key)


def test_required_fields_are_needed_on_create_and_may_not_be_cleared() -> None:
    def op(**changes: Any) -> OpIn:
        return OpIn(
            1,
            "r1",
            "task",
            BG,
            "2024-05-01T09:00:00+07:00",
            {k: Change(v) for k, v in changes.items()},
        )

    assert check_changes(op(title="Chỉ có tên"), creates=True) == (
        "sync.reject.bad_value",
        "lead_unit_id",
    )
    assert check_changes(op(title="Chỉ có tên"), creates=False) is None
    assert check_changes(op(title=None), creates=False) == ("sync.reject.bad_value", "title")
    assert check_changes(op(title="Đã xóa", deleted=True), creates=True) is None
    assert check_changes(op(nope="x"), creates=False) == ("sync.reject.bad_field", "nope")
    assert check_changes(op(**{"coord:": True}), creates=False) == (
        "sync.reject.bad_field",
        "coord:",
    )
    assert check_changes(op(deleted="yes"), creates=False) == ("sync.reject.bad_value", "deleted")


async def test_a_bad_value_rejects_its_op_naming_the_field_and_the_queue_goes_on(api: Api) -> None:
    body = await api.push(
        "bg",
        "laptop",
        [
            make_op(1, "t1", task(status="hacked")),
            make_op(2, "t2", task(title={"evil": True})),
            make_op(3, "t3", task()),
        ],
    )
    first, second, third = body["results"]
    assert (first["status"], first["reason"]) == ("rejected", "sync.reject.bad_value")
    assert "'status'" in first["message"] and first["removed"] is True
    assert (second["reason"], "'title'" in second["message"]) == ("sync.reject.bad_value", True)
    assert third["status"] == "applied" and body["last_op_seq"] == 3
    records, _removed, _cursor = await api.pull_all("hq")
    assert set(records) == {"t3"}


async def test_a_bad_value_on_an_existing_record_sends_the_record_back(api: Api) -> None:
    made = await api.edit("bg", "laptop", "t1", task(progress=10))
    result = await api.edit(
        "bg",
        "laptop",
        "t1",
        {"progress": {"value": 500, "base_version": made["seq"]}},
        base_seq=made["seq"],
    )
    assert result["status"] == "rejected" and result["reason"] == "sync.reject.bad_value"
    assert result["record"]["fields"]["progress"] == 10 and "removed" not in result


SET_FIELDS = [
    (kind, prefix, name)
    for kind in KINDS
    for name, (prefix, shape) in SPECS[kind].sets.items()
    if shape == "set"
]
MAP_FIELDS = [
    (kind, prefix, name)
    for kind in KINDS
    for name, (prefix, shape) in SPECS[kind].sets.items()
    if shape == "map"
]


@settings(max_examples=500)
@given(st.sampled_from(SET_FIELDS), TEXTS.filter(lambda t: 0 < len(t) <= 200))
def test_set_elements_are_held_to_the_rule_of_the_set(
    where: tuple[str, str, str], element: str
) -> None:
    kind, prefix, name = where
    assert check_value(kind, f"{prefix}:{element}", True) == model_accepts(kind, name, [element])


@settings(max_examples=500)
@given(st.sampled_from(MAP_FIELDS), TEXTS.filter(lambda t: 0 < len(t) <= 200), VALUES)
def test_map_elements_are_held_to_the_rule_of_the_map(
    where: tuple[str, str, str], element: str, value: Any
) -> None:
    kind, prefix, name = where
    if value is None:
        return
    assert check_value(kind, f"{prefix}:{element}", value) == model_accepts(
        kind, name, {element: value}
    )
