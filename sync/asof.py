"""The replica's history: a record's lines and its state as of a past moment.

Reports use :meth:`AsOf.state_at` to show a task's status and an indicator's readings as of
a period's data cut-off rather than as of today.  The lines are the history log's (see
:mod:`sync.history`); every method holds the store's lock.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sync.docs import utc_iso
from sync.durable import Durable, locked


class AsOf(Durable):
    """The history reads of :class:`sync.store.Store` (see the module docstring)."""

    @locked
    def history(self, record_id: str) -> builtins.list[dict[str, Any]]:
        """History of a record, oldest first: local edits and changes pulled in."""
        return self.history_log.for_record(record_id)

    @locked
    def seen_before(self, record_ids: Iterable[str]) -> set[str]:
        """Those of ``record_ids`` this replica has history of (a whole page at once)."""
        return self.history_log.with_lines(record_ids)

    def state_at(self, record_id: str, when: datetime) -> dict[str, Any] | None:
        """The record as it was at ``when`` (flat fields plus ``"deleted"``), from its history.

        ``None`` if it did not exist yet.
        """
        return self.states_at([record_id], when).get(record_id)

    @locked
    def states_at(
        self, record_ids: Iterable[str], when: datetime
    ) -> dict[str, dict[str, Any] | None]:
        """:meth:`state_at` for many records at once (a report's whole task table)."""
        stamp = utc_iso(when)
        out: dict[str, dict[str, Any] | None] = {}
        for rid in record_ids:
            doc = self.doc(rid)
            out[rid] = None if doc is None else self._rewind(doc, stamp)
        return out

    def _rewind(self, doc: Mapping[str, Any], stamp: str) -> dict[str, Any] | None:
        history = self.history_log.for_record(doc["id"])
        if not history or history[-1]["at"] <= stamp:
            return {**doc["fields"], "deleted": bool(doc.get("deleted"))}
        fields: dict[str, Any] = dict(doc["fields"])
        deleted = bool(doc.get("deleted"))
        for entry in reversed(history):
            if entry["at"] <= stamp:
                if entry.get("removed"):
                    return None  # it had left this office's reach at that time
                break
            if entry.get("created"):
                return None
            for key, (old, _new) in entry["changes"].items():
                if key == "deleted":
                    deleted = bool(old)
                elif old is None:
                    fields.pop(key, None)
                else:
                    fields[key] = old
        return {**fields, "deleted": deleted}

    def first_seen(self, record_id: str) -> datetime | None:
        """When this replica first recorded the record (its first history line)."""
        history = self.history(record_id)
        if not history:
            return None
        return datetime.fromisoformat(history[0]["at"])
