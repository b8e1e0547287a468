"""Three-way line merge of long text fields (minutes, notes), with guards.

A clean merge is only worth taking when it is obviously right, because a wrong merge puts
text in a person's minutes that nobody wrote, or drops a line somebody did write.  So
:func:`merge_text` returns ``None`` (and the caller keeps both versions in a conflict
record) whenever:

* the two edits overlap or touch (``merge3`` would report a conflict region);
* the two edits are separated only by blank lines and one of them is not a plain rewrite of
  its own lines (an insertion or a deletion there can be read as a shift of the paragraphs
  below, and ``merge3`` may then put the other office's edit into the wrong paragraph);
* a line next to or inside a changed region occurs more than once in the base, or a line that
  occurs once in both texts is not matched to itself (a moved paragraph): the alignment that
  placed the edits could be wrong;
* the result would contain a line more often than either side does (both offices pasted the
  same paragraph in different places: duplicated text);
* the texts are too large (or the edits too many) to merge in bounded time.

Blank lines are ignored by the repetition guards: paragraphs are separated by them.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import merge3

#: Texts longer than this are never merged (bounded time and memory per op).
MAX_MERGE_CHARS = 200_000
MAX_MERGE_LINES = 5_000
MAX_REGIONS = 200


@dataclass(frozen=True)
class _Region:
    """A change of one side against the base: base[i1:i2] became ``lines``."""

    i1: int
    i2: int
    lines: tuple[str, ...]


def _regions(base: Sequence[str], other: Sequence[str]) -> list[_Region]:
    """The changes base→other, aligned exactly as ``merge3`` aligns them (difflib)."""
    matcher = difflib.SequenceMatcher(None, base, other)
    return [
        _Region(i1, i2, tuple(other[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _ambiguous(base: Sequence[str], regions: list[_Region]) -> bool:
    """Does a non-blank line inside or next to a changed range repeat elsewhere in the base?"""
    counts = Counter(line for line in base if line.strip())
    for region in regions:
        for i in range(max(region.i1 - 1, 0), min(region.i2 + 1, len(base))):
            line = base[i]
            if line.strip() and counts[line] > 1:
                return True
    return False


def _misaligned(base: Sequence[str], other: Sequence[str]) -> bool:
    """Does the diff base→other leave a line unique to both texts unmatched or mismatched?

    ``merge3`` aligns with :class:`difflib.SequenceMatcher`, which takes the longest common
    run, blank lines included; when a paragraph moved, that run can be the moved paragraph
    instead of the lines around it.  Lines that occur exactly once in both texts are the
    trustworthy anchors (as in patience diff): each must be matched to its counterpart.
    """
    in_base = Counter(line for line in base if line.strip())
    in_other = Counter(line for line in other if line.strip())
    unique = {line for line, n in in_base.items() if n == 1 and in_other[line] == 1}
    if not unique:
        return False
    where_other = {line: i for i, line in enumerate(other) if line in unique}
    matched: dict[int, int] = {}
    for i, j, size in difflib.SequenceMatcher(None, base, other).get_matching_blocks():
        for k in range(size):
            matched[i + k] = j + k
    return any(matched.get(i) != where_other[line] for i, line in enumerate(base) if line in unique)


def _rewrite(region: _Region, base: Sequence[str], counts: Counter[str]) -> bool:
    """Is the region a plain rewrite: unique base lines replaced by lines new to the base?"""
    if region.i1 == region.i2 or not region.lines:
        return False
    if any(not base[i].strip() or counts[base[i]] != 1 for i in range(region.i1, region.i2)):
        return False
    return all(line not in counts for line in region.lines if line.strip())


def _independent(base: Sequence[str], ours: list[_Region], theirs: list[_Region]) -> bool:
    """Is every change of one side clearly apart from every change of the other?

    Apart means: a non-blank line unique in the base and untouched by both sides lies between
    them, or only blank lines do and both changes are plain rewrites.
    """
    if len(ours) > MAX_REGIONS or len(theirs) > MAX_REGIONS:
        return False
    counts = Counter(line for line in base if line.strip())
    changed = {i for r in (*ours, *theirs) for i in range(r.i1, r.i2)}
    anchor = [
        1 if line.strip() and counts[line] == 1 and i not in changed else 0
        for i, line in enumerate(base)
    ]
    anchors_before = [0, *accumulate(anchor)]  # anchors in base[:k]
    for a in ours:
        for b in theirs:
            if a == b:
                continue  # the very same change on both sides: kept once
            first, second = (a, b) if (a.i1, a.i2) <= (b.i1, b.i2) else (b, a)
            if second.i1 <= first.i2 and (first.i1 < second.i2 or first.i2 == second.i1):
                return False  # overlapping or touching
            if anchors_before[second.i1] - anchors_before[first.i2] > 0:
                continue
            if not (_rewrite(first, base, counts) and _rewrite(second, base, counts)):
                return False
    return True


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
    ours_regions, theirs_regions = _regions(b, o), _regions(b, t)
    if (
        _ambiguous(b, ours_regions + theirs_regions)
        or _misaligned(b, o)
        or _misaligned(b, t)
        or not _independent(b, ours_regions, theirs_regions)
    ):
        return None
    out: list[str] = []
    for group in merge3.Merge3(b, o, t).merge_groups():
        if group[0] == "conflict":
            return None
        out.extend(group[1])
    if _duplicates(out, o, t):
        return None
    return "".join(out)
