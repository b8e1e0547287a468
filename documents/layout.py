"""Measures for laying a document out on an A4 page: how wide a line of Times New Roman is,
how wide each table column must be so that its short cells never wrap, and dates written
the way NĐ 30/2020 writes them.

Widths are in twentieths of a point (dxa, Word's unit).  Text width is an estimate from the
average advance of each kind of character in Times New Roman *bold* (so it is on the wide
side for regular text): capitals 0,78 em, small letters 0,52 em, M and W 1 em, I, i, l, j,
f, r, t 0,39 em, digits 0,5 em, spaces 0,25 em, other marks 0,4 em.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

DXA_PER_CM = 567
A4_DXA = (11906, 16838)  # 210 × 297 mm, as Word stores it
# top, bottom, left, right: 20 / 20 / 30 / 20 mm, rounded to dxa inside the decree's ranges
MARGINS_DXA = (1134, 1134, 1701, 1133)
TEXT_WIDTH_DXA = A4_DXA[0] - MARGINS_DXA[2] - MARGINS_DXA[3]  # 9072: 16 cm
CELL_PADDING_DXA = 2 * 108  # Word's default cell margins, left and right (0,19 cm each)

_WIDE = frozenset("MWmwƯƠ")
_NARROW = frozenset("IJfijlrtĨÌÍỈỊ")


@functools.cache
def _em(char: str) -> float:
    if char == " ":
        return 0.25
    if char.isdigit():
        return 0.5
    if char in _WIDE:
        return 1.0
    if char in _NARROW:
        return 0.39
    if char.isupper():
        return 0.78
    if char.isalpha():
        return 0.52
    return 0.4


def text_width(text: str, pt: float) -> int:
    """The width of ``text`` on one line at ``pt`` points, in dxa (an upper estimate)."""
    return round(sum(map(_em, text)) * pt * 20)


def _widest_word(words: set[str], pt: float) -> int:
    return max((text_width(w, pt) for w in words), default=0)


def column_widths(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    pt: float,
    total: int = TEXT_WIDTH_DXA,
    weights: Sequence[float] | None = None,
) -> list[int]:
    """Widths (dxa, summing to ``total``) so that no word of a column is ever split: STT,
    numbers, percentages and dates (one word each) stay on one line, and so do the header's
    words.  The columns whose cells have several words share the rest of the line by
    ``weights`` (else by their longest cell), so the title column gets the slack."""
    count = len(headers)
    words: list[set[str]] = [set() for _ in range(count)]
    longest = [0] * count
    for row in rows:
        for i, cell in enumerate(row[:count]):
            words[i].update(cell.split())
            longest[i] = max(longest[i], len(cell))
    need = [
        max(text_width(max(h.split(), key=len, default=""), pt * 1.05), _widest_word(w, pt))
        + CELL_PADDING_DXA
        for h, w in zip(headers, words, strict=True)
    ]
    flexible = [i for i in range(count) if longest[i] > max(map(len, words[i]), default=0)]
    spare = total - sum(need)
    if spare < 0 or not flexible:  # too many columns, or none to give the slack: scale all
        out = [n * total // (sum(need) or 1) for n in need]
    else:
        given = weights is not None and len(weights) == count
        weight = [float(w) for w in weights] if weights and given else [float(n) for n in longest]
        share = sum(weight[i] for i in flexible) or 1.0
        out = [
            n + (int(spare * weight[i] / share) if i in flexible else 0) for i, n in enumerate(need)
        ]
    out[-1] += total - sum(out)  # the rounding
    return out


_LOOSE_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def _pad(match: re.Match[str]) -> str:
    day, month, year = (int(g) for g in match.groups())
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group(0)
    return f"{day:02d}/{month:02d}/{year}"


def pad_dates(text: str) -> str:
    """Dates typed loosely in free text ("trước 31/3/2010") written dd/mm/yyyy."""
    return _LOOSE_DATE.sub(_pad, text) if "/" in text else text
