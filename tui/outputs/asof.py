"""Records as they stood at a moment, from the store's history (``Store.state_at``).

One addition for reports: a record *entered* after the moment (a backfill: the demo data,
or a secretariat typing last quarter's facts in July) is taken as it was first entered,
and marked so (:attr:`Snapshot.backfilled`), since its history cannot say more.  Callers
that must not guess (the "stalled" rule) skip backfilled records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.records import from_flat
from sync.record import Record
from sync.store import Store

State = tuple[dict[str, Any], bool]  # flat fields, deleted


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in local time, as an aware UTC datetime."""
    local = datetime.combine(day, time(23, 59, 59)).astimezone()
    return local.astimezone(UTC).replace(microsecond=0)


@dataclass
class Snapshot:
    """The state of some records at ``when``; a record absent here did not exist then."""

    when: datetime
    states: dict[str, State] = field(default_factory=dict)
    backfilled: set[str] = field(default_factory=set)

    def state(self, record: Record) -> State:
        return self.states.get(record.id) or ({}, True)

    def logical(self, record: Record, *, allow_backfill: bool = True) -> dict[str, Any] | None:
        """Logical fields plus ``id`` at ``when``; None if deleted then (or, without
        ``allow_backfill``, if the record was entered later)."""
        if not allow_backfill and record.id in self.backfilled:
            return None
        flat, deleted = self.state(record)
        if deleted:
            return None
        out = from_flat(record.kind, flat)
        out["id"] = record.id
        return out


def _unchanged_since(record: Record, when: datetime) -> bool:
    """Was the record last changed at or before ``when``?  (Then its state is the current one.)"""
    if not record.updated_at:
        return False
    changed = datetime.fromisoformat(record.updated_at.replace("Z", "+00:00"))
    if changed.tzinfo is None:
        changed = changed.replace(tzinfo=UTC)
    return changed <= when


def _state(store: Store, record: Record, when: datetime) -> tuple[State | None, bool]:
    """(state at ``when``, backfilled?); None when the record is unknown."""
    if _unchanged_since(record, when):
        return (dict(record.flat), record.deleted), False
    found = store.state_at(record.id, when)
    if found is not None:
        deleted = bool(found.pop("deleted", False))
        return (found, deleted), False
    history = store.history(record.id)
    if not history:
        return None, False
    first = datetime.fromisoformat(history[0]["at"].replace("Z", "+00:00"))
    created = store.state_at(record.id, first)
    if created is None:
        return None, False
    deleted = bool(created.pop("deleted", False))
    return (created, deleted), True


def snapshot(store: Store, when: datetime, records: Iterable[Record]) -> Snapshot:
    """The state of ``records`` at ``when`` (an aware datetime)."""
    stamp = when.astimezone(UTC).replace(microsecond=0)
    snap = Snapshot(stamp)
    for record in records:
        state, backfilled = _state(store, record, stamp)
        if state is None:
            continue
        snap.states[record.id] = state
        if backfilled:
            snap.backfilled.add(record.id)
    return snap


def snapshot_at_day_end(store: Store, day: date, records: Iterable[Record]) -> Snapshot:
    return snapshot(store, end_of_day(day), records)


def day_before(day: date) -> date:
    return day - timedelta(days=1)
