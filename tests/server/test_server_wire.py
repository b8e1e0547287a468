"""The fast request reader must never accept what the protocol models refuse."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server_stub.errors import BadRequest, Invalid, UpgradeRequired
from server_stub.wire import Batch, OpIn, _fast, parse
from sync.protocol import MAX_SEQ, PushRequest, SyncRequest

TIMES = [
    "2024-05-01T09:00:00+07:00",
    "2024-05-01T09:00:00Z",
    "2024-05-01T09:00:00.5Z",
    "2024-05-01T09:00:00.123456-03:30",
    "2024-05-01T09:00:00.1234567Z",
    "2024-05-01 09:00:00Z",
    "2024-05-01t09:00:00z",
    "2024-05-01T09:00:00",
    "2024-02-30T09:00:00Z",
    "2024-05-01T24:00:00Z",
    "2024-05-01T09:00:00+24:00",
    "2024-05-01T09:00:00+23:59",
    "2024-05-01T09:00Z",
    "2024-05-01",
    "20240501T090000Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999-23:59",
    "2024-05-01T09:00:60Z",
    1714550400,
    None,
]
ODD = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2.0,
    2.5,
    MAX_SEQ,
    MAX_SEQ + 1,
    "",
    "x",
    "1",
    "x" * 64,
    "x" * 65,
    "x" * 200,
    "x" * 201,
    [],
    {},
    [1],
    {"a": 1},
    float(10**20),
]


def _body(sync: bool) -> dict[str, Any]:
    op = {
        "op_seq": 1,
        "record_id": "0190e0b0-aaaa",
        "kind": "task",
        "scope": "vn/bac-giang",
        "changes": {
            "title": {"value": "Nhiệm vụ", "base_version": 0},
            "notes": {"value": "a\nb", "base_version": 3, "base_text": "a"},
            "coord:u1": {"value": None},
        },
        "base_seq": 3,
        "edited_at": "2024-05-01T09:00:00+07:00",
        "author": "An",
        "noop": False,
    }
    body: dict[str, Any] = {"schema_version": 1, "replica_id": "laptop-1", "ops": [op]}
    if sync:
        body.update(since=0, limit=500)
    return body


def _paths(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    op_keys = [
        "op_seq",
        "record_id",
        "kind",
        "scope",
        "changes",
        "base_seq",
        "edited_at",
        "author",
        "noop",
    ]
    out: list[tuple[Any, ...]] = [(k,) for k in body]
    out += [("ops", 0, k) for k in op_keys]
    out += [("ops", 0, "changes", "notes", k) for k in ("value", "base_version", "base_text")]
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bool, dict[str, Any]]:
    sync = draw(st.booleans())
    body = _body(sync)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(body)))
        *parent_path, last = path
        parent: Any = body
        try:
            for step in parent_path:
                parent = parent[step]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced the container
        if not isinstance(parent, dict):
            continue
        action = draw(st.sampled_from(["set", "set", "time", "drop", "extra"]))
        if action == "drop":
            parent.pop(last, None)
        elif action == "extra":
            parent[draw(st.sampled_from(["surprise", "since", "limit", "noop", "value"]))] = 1
        elif (
            action == "time"
            and isinstance(body.get("ops"), list)
            and body["ops"]
            and isinstance(body["ops"][0], dict)
        ):
            body["ops"][0]["edited_at"] = draw(st.sampled_from(TIMES))
        else:
            parent[last] = copy.deepcopy(draw(st.sampled_from(ODD)))
    return sync, body


def _model(sync: bool, body: dict[str, Any]) -> Batch | None:
    model = SyncRequest if sync else PushRequest
    try:
        request = model.model_validate_json(orjson.dumps(body), strict=True)
    except pydantic.ValidationError:
        return None
    ops = [OpIn.from_model(op) for op in request.ops]
    if isinstance(request, SyncRequest):
        return Batch(request.replica_id, ops, request.since, request.limit)
    return Batch(request.replica_id, ops)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_reader_accepts_only_what_the_model_accepts(case: tuple[bool, dict[str, Any]]) -> None:
    sync, body = case
    fast = _fast(copy.deepcopy(body), sync)
    if fast is not None:
        assert _model(sync, body) == fast


def _single_mutations() -> list[tuple[bool, dict[str, Any]]]:
    cases = []
    for sync in (False, True):
        for path in _paths(_body(sync)):
            for value in [*ODD, "drop", "extra", *(("time", t) for t in TIMES)]:
                body = _body(sync)
                *parent_path, last = path
                parent: Any = body
                for step in parent_path:
                    parent = parent[step]
                if value == "drop":
                    parent.pop(last, None)
                elif value == "extra":
                    parent["surprise"] = 1
                elif isinstance(value, tuple):
                    body["ops"][0]["edited_at"] = value[1]
                else:
                    parent[last] = copy.deepcopy(value)
                cases.append((sync, body))
    return cases


def test_every_single_mutation_is_judged_like_the_model() -> None:
    """Exhaustive over one wrong thing at a time (the hypothesis test above mixes several)."""
    accepted = 0
    for sync, body in _single_mutations():
        fast = _fast(copy.deepcopy(body), sync)
        if fast is not None:
            accepted += 1
            assert _model(sync, body) == fast, body
    assert accepted > 50  # the fast path is really exercised


@pytest.mark.parametrize("sync", [False, True])
def test_a_typical_client_body_takes_the_fast_path(sync: bool) -> None:
    body = _body(sync)
    fast = _fast(body, sync)
    assert fast is not None and fast == _model(sync, body)
    assert fast.ops[0].edited_at == "2024-05-01T09:00:00+07:00"


def test_unusual_but_valid_bodies_are_accepted_by_the_model() -> None:
    body = _body(True)
    body["ops"][0]["op_seq"] = 1.0
    body["ops"][0]["edited_at"] = "2024-05-01T09:00:00"  # no offset: allowed by the model
    assert _fast(body, True) is None
    batch = parse(orjson.dumps(body), sync=True)
    assert batch.ops[0].op_seq == 1 and batch.ops[0].edited_at == "2024-05-01T09:00:00"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{", BadRequest),
        (b"[]", Invalid),
        (b'{"schema_version": 2, "replica_id": 5}', UpgradeRequired),
        (b'{"schema_version": 2.0}', UpgradeRequired),
        (b'{"schema_version": true, "replica_id": "r"}', Invalid),
        (b'{"schema_version": 1, "replica_id": "r", "ops": [{"op_seq": false}]}', Invalid),
    ],
)
def test_parse_errors(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse(body, sync=False)
