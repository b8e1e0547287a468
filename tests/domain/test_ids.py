"""Record IDs: UUIDv7 text exactly as :mod:`uuid` writes it, in creation order."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import given
from hypothesis import strategies as st

from domain import ids
from domain.ids import short, uuid7


@contextmanager
def fresh_clock() -> Iterator[None]:
    """The generator's memory of the last millisecond, put back afterwards (other tests make
    IDs at today's time)."""
    kept = ids._last_ms, ids._counter
    ids._last_ms, ids._counter = 0, 0
    try:
        yield
    finally:
        ids._last_ms, ids._counter = kept


@given(st.integers(min_value=1, max_value=2**48 - 2))
def test_an_id_is_the_text_of_a_version_7_uuid(now_ms: int) -> None:
    with fresh_clock():
        text = uuid7(now_ms)
    parsed = uuid.UUID(text)
    assert str(parsed) == text and parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 == now_ms


def test_ids_made_one_after_another_sort_in_creation_order() -> None:
    with fresh_clock():
        made = [uuid7(1_700_000_000_000) for _ in range(5000)]  # > 4096 in one millisecond
    assert made == sorted(made) and len(set(made)) == len(made)
    assert short(made[0]) == made[0].replace("-", "")[-8:]
