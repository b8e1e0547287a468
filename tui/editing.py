"""Saving from the interface, undoing a save and redoing it.

Headless (no Textual).  Every save is a store transaction; the :class:`Editor` remembers,
per save, each touched record as it was before and after, so "undo" is one more ordinary
edit (it syncs like any other) that puts back only the fields that save changed, and "redo"
puts the save's values back again.

Undo is scoped: each save is tagged with the :attr:`Editor.section` it was made from, and
undo / redo take the last entry of the section the person is in.  They refuse (raise
:class:`UndoRefused`) rather than clobber: when a touched record changed since (an edit from
another section, a sync), or when they would remove a record something still points to (a
live child, or an ID an open form holds).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from domain.errors import SotayError, ValidationError
from sync import conflicts
from sync.record import Record
from sync.store import Store, Transaction

UNDO_DEPTH = 20


@dataclass(frozen=True)
class Touched:
    record_id: str
    before: dict[str, Any] | None  # logical fields, None: the save created it
    before_deleted: bool
    after: dict[str, Any]
    after_deleted: bool
    #: (before, after) when the save moved the record to another scope
    moved: tuple[str, str] | None = None

    def fields(self) -> set[str]:
        """The logical fields the save changed."""
        before = self.before or {}
        keys = set(before) | set(self.after)
        return {k for k in keys if before.get(k) != self.after.get(k)}


@dataclass(eq=False)  # one save is one entry: two equal saves are still two (list.remove)
class UndoEntry:
    what: str
    touched: list[Touched] = field(default_factory=list)
    #: the section the save was made from (see :attr:`Editor.section`)
    section: str | None = None

    @property
    def record_id(self) -> str:
        """The record the save was about (the first one it touched)."""
        return self.touched[0].record_id


class UndoRefused(SotayError):
    """Undo / redo would clobber a later change (``ui.undo.changed_since``) or remove a
    record still pointed to (``ui.undo.referenced``); ``record_id`` says which record."""

    def __init__(self, key: str, record_id: str) -> None:
        super().__init__(key, kind="", title="")
        self.record_id = record_id


@dataclass(frozen=True)
class ItemEdit:
    """One conclusion item of a meeting: a follow-up task (new when ``task_id`` is None)."""

    task_id: str | None
    fields: dict[str, Any]


class ItemInvalid(ValidationError):
    """A conclusion item did not validate; ``index`` says which one."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(error.problems, kind="task")
        self.index = index


class Editor:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.undo_stack: list[UndoEntry] = []
        self.redo_stack: list[UndoEntry] = []
        #: where the person works now (the app's section); new entries are tagged with it
        self.section: str | None = None

    # ---------------------------------------------------------------- basics
    def _state(self, tx: Transaction, record_id: str) -> tuple[dict[str, Any] | None, bool]:
        doc = tx.doc(record_id)
        if doc is None:
            return None, False
        return Record(doc).data, bool(doc.get("deleted"))

    def _note(
        self,
        entry: UndoEntry,
        tx: Transaction,
        record_id: str,
        before: tuple[dict[str, Any] | None, bool],
    ) -> None:
        after, after_deleted = self._state(tx, record_id)
        entry.touched.append(Touched(record_id, before[0], before[1], after or {}, after_deleted))

    def _push(self, entry: UndoEntry) -> None:
        if entry.touched:
            entry.section = self.section
            self.undo_stack.append(entry)
            del self.undo_stack[:-UNDO_DEPTH]
            self.redo_stack = [e for e in self.redo_stack if e.section != self.section]

    def save(
        self, kind: str, record_id: str | None, changes: Mapping[str, Any], *, what: str = ""
    ) -> Record:
        """Add a record (``record_id`` None) or change one; returns it as saved."""
        entry = UndoEntry(what)
        with self.store.transaction() as tx:
            if record_id is None:
                record = tx.add(kind, changes)
                self._note(entry, tx, record.id, (None, False))
            else:
                before = self._state(tx, record_id)
                record = tx.update(record_id, changes)
                self._note(entry, tx, record.id, before)
        if record_id is None or entry.touched[0].before != entry.touched[0].after:
            self._push(entry)
        return record

    def delete(self, record_id: str, *, what: str = "") -> Record:
        entry = UndoEntry(what)
        with self.store.transaction() as tx:
            before = self._state(tx, record_id)
            record = tx.delete(record_id)
            self._note(entry, tx, record_id, before)
        self._push(entry)
        return record

    def move(self, record_id: str, scope: str, *, what: str = "") -> Record:
        """Move a record to another scope; undo moves it back."""
        entry = UndoEntry(what)
        with self.store.transaction() as tx:
            old = tx.require(record_id)
            record = tx.move(record_id, scope)
            if record.scope != old["scope"]:
                data = record.data
                entry.touched.append(
                    Touched(
                        record_id,
                        data,
                        record.deleted,
                        data,
                        record.deleted,
                        (old["scope"], record.scope),
                    )
                )
        self._push(entry)
        return record

    def resolve(
        self, conflict_id: str, keep: str, value: Any = None, *, what: str = ""
    ) -> Record | None:
        """Resolve a conflict (see :mod:`sync.conflicts`).  Undo puts the record back as it
        was, as an ordinary edit; the conflict stays closed (only the server writes it)."""
        conflict = self.store.require(conflict_id)
        target = str(conflict.data.get("record_id"))
        entry = UndoEntry(what)
        before = self._doc_state(target)
        record = conflicts.resolve(self.store, conflict_id, keep, value=value)
        after = self._doc_state(target)
        if before[0] is not None and before != after:
            entry.touched.append(Touched(target, before[0], before[1], after[0] or {}, after[1]))
        self._push(entry)
        return record

    def _doc_state(self, record_id: str) -> tuple[dict[str, Any] | None, bool]:
        record = self.store.get(record_id)
        if record is None:
            return None, False
        return dict(record.data), record.deleted

    # --------------------------------------------------------------- meeting
    def save_meeting(
        self,
        meeting_id: str | None,
        changes: Mapping[str, Any],
        notice: Mapping[str, Any],
        items: Sequence[ItemEdit],
        removed: Sequence[str],
        *,
        guests: Mapping[str, str] | None = None,
        guest_note: str = "",
        what: str = "",
    ) -> tuple[Record, list[Record]]:
        """The meeting, its conclusion notice and every follow-up task, in ONE transaction.

        Each item becomes a task linked to the notice (``conclusion_id``) and the meeting;
        ``removed`` tasks are deleted; conclusions that are no task are the notice's
        ``directives`` (one a line).  ``guests`` (name → attendance) become person records
        of the meeting's scope, attending.  Nothing is saved if anything is invalid.
        """
        entry = UndoEntry(what)
        with self.store.transaction() as tx:
            meeting = self._save_in(tx, entry, "meeting", meeting_id, changes)
            if guests:
                meeting = self._add_guests(tx, entry, meeting, guests, guest_note)
            needed = bool(items) or bool(notice.get("directives"))
            conclusion_id = self._notice(tx, entry, meeting, notice, needed)
            tasks = []
            for index, item in enumerate(items):
                fields = {**item.fields, "meeting_id": meeting.id}
                if conclusion_id:
                    fields["conclusion_id"] = conclusion_id
                try:
                    tasks.append(self._save_in(tx, entry, "task", item.task_id, fields))
                except ValidationError as exc:
                    raise ItemInvalid(index, exc) from None
            for task_id in removed:
                before = self._state(tx, task_id)
                tx.delete(task_id)
                self._note(entry, tx, task_id, before)
        self._push(entry)
        return meeting, tasks

    def _add_guests(
        self,
        tx: Transaction,
        entry: UndoEntry,
        meeting: Record,
        guests: Mapping[str, str],
        note: str,
    ) -> Record:
        """Each guest a person of the meeting's scope (no committee role: not a member; the
        note says where they came from), added to the meeting's attendees."""
        attendees = dict(meeting.data.get("attendees") or {})
        for name, role in guests.items():
            fields = {"name": name, "notes": note} if note else {"name": name}
            person = tx.add("person", fields, scope=meeting.scope)
            self._note(entry, tx, person.id, (None, False))
            attendees[person.id] = role
        before = self._state(tx, meeting.id)
        updated = tx.update(meeting.id, {"attendees": attendees})
        self._merge_note(entry, tx, meeting.id, before)
        return updated

    def _merge_note(
        self,
        entry: UndoEntry,
        tx: Transaction,
        record_id: str,
        before: tuple[dict[str, Any] | None, bool],
    ) -> None:
        """Note a second change of a record already noted in this save as ONE change."""
        first = next((i for i, x in enumerate(entry.touched) if x.record_id == record_id), None)
        if first is None:
            self._note(entry, tx, record_id, before)
            return
        after, deleted = self._state(tx, record_id)
        entry.touched[first] = replace(
            entry.touched[first], after=after or {}, after_deleted=deleted
        )

    def _save_in(
        self,
        tx: Transaction,
        entry: UndoEntry,
        kind: str,
        record_id: str | None,
        changes: Mapping[str, Any],
    ) -> Record:
        if record_id is None:
            record = tx.add(kind, changes)
            self._note(entry, tx, record.id, (None, False))
            return record
        before = self._state(tx, record_id)
        record = tx.update(record_id, changes)
        if before[0] != record.data:
            self._note(entry, tx, record_id, before)
        return record

    def _notice(
        self,
        tx: Transaction,
        entry: UndoEntry,
        meeting: Record,
        notice: Mapping[str, Any],
        needed: bool,
    ) -> str | None:
        existing = notice_of(self.store, meeting.id)
        own = {k: notice.get(k) or None for k in ("number", "directives") if k in notice}
        if existing is not None:
            changed = {k: v for k, v in own.items() if v != existing.data.get(k)}
            if changed:
                self._save_in(tx, entry, "conclusion", existing.id, changed)
            return existing.id
        if not needed and not own.get("number"):
            return None
        fields = {
            "doc_type": "notice",
            "meeting_id": meeting.id,
            "title": notice.get("title"),
            **own,
        }
        record = self._save_in(tx, entry, "conclusion", None, fields)
        return record.id

    # ------------------------------------------------------------------ undo
    def last(self, stack: Sequence[UndoEntry]) -> UndoEntry | None:
        """The newest entry of ``stack`` made from the current section."""
        return next((e for e in reversed(stack) if e.section == self.section), None)

    def undo(self, held: Collection[str] = ()) -> UndoEntry | None:
        """Put back what the section's last save changed; ``None`` when there is nothing to
        undo.  ``held``: IDs open forms point to (never removed).  Raises
        :class:`UndoRefused` and changes nothing when that would clobber or orphan."""
        return self._replay(self.undo_stack, self.redo_stack, back=True, held=held)

    def redo(self, held: Collection[str] = ()) -> UndoEntry | None:
        """Put back what the section's last undo took; ``None`` when there is nothing."""
        return self._replay(self.redo_stack, self.undo_stack, back=False, held=held)

    def _replay(
        self,
        source: list[UndoEntry],
        target: list[UndoEntry],
        *,
        back: bool,
        held: Collection[str],
    ) -> UndoEntry | None:
        entry = self.last(source)
        if entry is None:
            return None
        self._check(entry, back=back, held=held)
        with self.store.transaction() as tx:
            for touched in reversed(entry.touched) if back else entry.touched:
                self._put(tx, touched, back=back)
        source.remove(entry)
        target.append(entry)
        return entry

    def _check(self, entry: UndoEntry, *, back: bool, held: Collection[str]) -> None:
        """Refuse a replay whose records moved on since, or that removes a record pointed to."""
        mine = {t.record_id for t in entry.touched}
        for touched in entry.touched:
            record = self.store.get(touched.record_id)
            if record is None:
                continue
            state, deleted = _expected(touched, back=back)
            data = record.data
            if record.deleted != deleted or any(
                data.get(k) != state.get(k) for k in touched.fields()
            ):
                raise UndoRefused("ui.undo.changed_since", touched.record_id)
            removes = _removes(touched, back=back) and not deleted
            if removes and self._pointed_to(touched.record_id, mine, held):
                raise UndoRefused("ui.undo.referenced", touched.record_id)

    def _pointed_to(self, record_id: str, mine: Collection[str], held: Collection[str]) -> bool:
        if record_id in held:
            return True
        return any(child.id not in mine for child in self.store.children(record_id))

    @staticmethod
    def _put(tx: Transaction, touched: Touched, *, back: bool) -> None:
        """Put ``touched`` record as it was before the save (``back``) or after it."""
        doc = tx.doc(touched.record_id)
        if doc is None:
            return
        if touched.moved is not None:
            tx.move(touched.record_id, touched.moved[0 if back else 1])
        if touched.before is None:  # the save created it: undo removes, redo brings back
            if bool(doc.get("deleted")) != back:
                (tx.delete if back else tx.restore)(touched.record_id)
            return
        dst = touched.before if back else touched.after
        if touched.before_deleted != touched.after_deleted:
            dst_deleted = touched.before_deleted if back else touched.after_deleted
            (tx.delete if dst_deleted else tx.restore)(touched.record_id)
            if dst_deleted:
                return
        changes = {k: dst.get(k) for k in touched.fields()}
        if changes:
            tx.update(touched.record_id, changes)


def _expected(touched: Touched, *, back: bool) -> tuple[Mapping[str, Any], bool]:
    """The state a touched record must be in to be replayed: as the save left it (undo),
    or as the undo left it (redo)."""
    if back:
        return touched.after, touched.after_deleted
    if touched.before is None or touched.before_deleted:
        return touched.after, True  # the undo only put the tombstone back
    return touched.before, False


def _removes(touched: Touched, *, back: bool) -> bool:
    """Whether the replay leaves the record deleted."""
    if back:
        return touched.before is None or touched.before_deleted
    return touched.after_deleted


def notice_of(store: Store, meeting_id: str) -> Record | None:
    """The meeting's conclusion notice (the first one, by date), if any."""
    found = store.children(meeting_id, "conclusion")
    if not found:
        return None
    return sorted(found, key=lambda r: (str(r.flat.get("date") or "9999"), r.id))[0]


def follow_ups(store: Store, meeting_id: str) -> list[Record]:
    """Tasks assigned at the meeting, in the order they were created."""
    tasks = [t for t in store.children(meeting_id, "task")]
    notice = notice_of(store, meeting_id)
    if notice is not None:
        seen = {t.id for t in tasks}
        tasks += [t for t in store.children(notice.id, "task") if t.id not in seen]
    return sorted(tasks, key=lambda r: r.id)
