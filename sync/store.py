"""The office's replica on disk: one object, :class:`Store`, composed of three parts.

* :mod:`sync.durable` — the durable core: the lock, the journal, commits, checkpoints, the
  lazy loading of a kind's records, the meta values and THE lookup by ID;
* :mod:`sync.queries` — lists, children, search, the outbox, statistics;
* :mod:`sync.asof` — a record's history and its state as of a past moment;

and, here, the writes: every change is made in a :class:`~sync.transaction.Transaction`
(staged reads, then one commit through :meth:`Durable.commit_writes`).  Every public method
holds the store's re-entrant lock, so the interface may call them from worker threads.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from domain.errors import Problem, SotayError, ValidationError
from sync.asof import AsOf
from sync.docs import base_state, field_version, utc_now
from sync.queries import Queries
from sync.record import Record
from sync.transaction import Transaction

#: Records per journal entry of an import (see :meth:`Transaction.commit_in_batches`).
IMPORT_BATCH = 2000

__all__ = ["Record", "Store", "Transaction", "base_state", "field_version", "utc_now"]


class Store(Queries, AsOf):
    """One profile's replica.  Open with :meth:`open` or :meth:`create`; close when done."""

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Several changes saved as one journal entry: all of them or none."""
        with self._mutex:
            self._check_open()
            tx = Transaction(self)
            yield tx
            tx.commit()

    def set_meta(self, **values: Any) -> None:
        with self.transaction() as tx:
            for key, value in values.items():
                tx.set_meta(key, value)

    def add(
        self,
        kind: str,
        fields: Mapping[str, Any],
        *,
        scope: str | None = None,
        record_id: str | None = None,
    ) -> Record:
        with self.transaction() as tx:
            return tx.add(kind, fields, scope=scope, record_id=record_id)

    def update(self, record_id: str, changes: Mapping[str, Any]) -> Record:
        with self.transaction() as tx:
            return tx.update(record_id, changes)

    def delete(self, record_id: str) -> Record:
        with self.transaction() as tx:
            return tx.delete(record_id)

    def restore(self, record_id: str) -> Record:
        with self.transaction() as tx:
            return tx.restore(record_id)

    def adopt_new_server(self) -> int:
        """Start over with a new (or reset) server without losing anything.

        A new replica identity and cursor; every record this office may write (and every
        record with unsent changes) is queued again as a full op based on nothing (the server
        answers values it already has with no-ops and keeps any difference as a conflict);
        the next sync pulls everything and then drops what the server neither confirmed nor
        sent (see :func:`sync.apply.sweep_unconfirmed`).  Returns the number of ops queued.
        """
        with self.transaction() as tx:
            return tx.requeue_everything()

    def import_records(
        self,
        items: Iterable[tuple[int, Mapping[str, Any]]],
        *,
        enforce_scope: bool = True,
        file: str = "",
    ) -> dict[str, int]:
        """Bring records in the export form into the store, idempotent by ID.

        ``items`` are (line number, record) pairs; every bad line is reported at once, and
        then nothing is written.  A good file is saved in journal entries of
        :data:`IMPORT_BATCH` records (whole records each: a crash mid-import keeps whole
        records, and importing the file again brings the rest), checkpointed once after the
        last (:meth:`one_checkpoint`).
        """
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        problems: builtins.list[Problem] = []
        with self._mutex:
            self._check_open()
            tx = Transaction(self)
            tx.enforce_scope = enforce_scope
            for line, item in items:
                try:
                    counts[tx.put_export(item)] += 1
                except SotayError as exc:
                    problems.append(
                        Problem(
                            "__root__",
                            "import.bad_line",
                            {"line": line, "file": file, "detail": exc.message()},
                        )
                    )
            if problems:
                raise ValidationError(problems)
            with self.one_checkpoint():
                tx.commit_in_batches(IMPORT_BATCH)
        return counts
