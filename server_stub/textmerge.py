"""Three-way line merge of long text fields (minutes, notes), with guards.

A clean merge is only worth taking when it is obviously right, because a wrong merge puts
text in a person's minutes that nobody wrote.  So :func:`merge_text` returns ``None`` (and
the caller keeps both versions in a conflict record) whenever:

* the two edits touch the same or adjacent lines (``merge3`` reports a conflict region);
* a line next to or inside a changed region occurs more than once in the base, so the
  alignment that placed the edits could be wrong;
* the result would contain a line more often than either side does (both offices pasted the
  same paragraph in different places: duplicated text);
* the texts are too large to merge in bounded time.

Blank lines are ignored by the repetition guards: paragraphs are separated by them.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence

import merge3

#: Texts longer than this are never merged (bounded time and memory per op).
MAX_MERGE_CHARS = 200_000
MAX_MERGE_LINES = 5_000


def _changed_ranges(base: Sequence[str], other: Sequence[str]) -> list[tuple[int, int]]:
    """The base line ranges ``[i1, i2)`` that ``other`` replaced, deleted or inserted at."""
    matcher = difflib.SequenceMatcher(None, base, other)
    return [(i1, i2) for tag, i1, i2, _j1, _j2 in matcher.get_opcodes() if tag != "equal"]


def _ambiguous(base: Sequence[str], ranges: list[tuple[int, int]]) -> bool:
    """Does a non-blank line inside or next to a changed range repeat elsewhere in the base?"""
    counts = Counter(line for line in base if line.strip())
    for i1, i2 in ranges:
        for i in range(max(i1 - 1, 0), min(i2 + 1, len(base))):
            line = base[i]
            if line.strip() and counts[line] > 1:
                return True
    return False


def _duplicates(result: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> bool:
    """Would the merge contain some line more often than either side has it?"""
    have_ours = Counter(ours)
    have_theirs = Counter(theirs)
    for line, count in Counter(result).items():
        if line.strip() and count > max(have_ours[line], have_theirs[line]):
            return True
    return False


def merge_text(base: str, ours: str, theirs: str) -> str | None:
    """Merge the edits base→ours and base→theirs, or ``None`` when that is not clearly safe.

    ``ours`` is the text the server holds, ``theirs`` the text the arriving op sets.
    """
    if max(len(base), len(ours), len(theirs)) > MAX_MERGE_CHARS:
        return None
    b = base.splitlines(keepends=True)
    o = ours.splitlines(keepends=True)
    t = theirs.splitlines(keepends=True)
    if max(len(b), len(o), len(t)) > MAX_MERGE_LINES:
        return None
    if _ambiguous(b, _changed_ranges(b, o) + _changed_ranges(b, t)):
        return None
    out: list[str] = []
    for group in merge3.Merge3(b, o, t).merge_groups():
        if group[0] == "conflict":
            return None
        out.extend(group[1])
    if _duplicates(out, o, t):
        return None
    return "".join(out)
