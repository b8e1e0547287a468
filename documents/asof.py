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


def _as_entered(store: Store, record: Record) -> State | None:
    """A record entered after the moment: its state when this replica first recorded it."""
    first = store.first_seen(record.id)
    if first is None:
        return None
    created = store.state_at(record.id, first)
    if created is None:
        return None
    deleted = bool(created.pop("deleted", False))
    return created, deleted


def snapshot(store: Store, when: datetime, records: Iterable[Record]) -> Snapshot:
    """The state of ``records`` at ``when`` (an aware datetime)."""
    stamp = when.astimezone(UTC).replace(microsecond=0)
    snap = Snapshot(stamp)
    rewind: list[Record] = []
    for record in records:
        if _unchanged_since(record, stamp):
            snap.states[record.id] = (dict(record.flat), record.deleted)
        else:
            rewind.append(record)
    found = store.states_at([r.id for r in rewind], stamp)
    for record in rewind:
        state = found.get(record.id)
        if state is not None:
            deleted = bool(state.pop("deleted", False))
            snap.states[record.id] = (state, deleted)
            continue
        entered = _as_entered(store, record)
        if entered is not None:
            snap.states[record.id] = entered
            snap.backfilled.add(record.id)
    return snap


def snapshot_at_day_end(store: Store, day: date, records: Iterable[Record]) -> Snapshot:
    return snapshot(store, end_of_day(day), records)


def day_before(day: date) -> date:
    return day - timedelta(days=1)
