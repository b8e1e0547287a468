"""Ranking (Bảng xếp hạng): weighted totals, competition ranks with shared ties, grades.

Scores are on a 0–1 scale (a typed "85%" is 0.85).  The total is the weighted mean of the
scores a unit has: a missing score is left out (its weight with it), never counted as 0; a
unit with no score at all is not ranked ("chưa có số liệu").  Ranks are "competition"
ranks on the printed precision (3 decimals): equal printed totals share a rank and the next
rank skips — 0,667, 0,667, 0,667, 0,500 rank 1, 1, 1, 4; tied units are listed in
Vietnamese order of their names.  Computed criteria, judged at the year's cut-off (15/12 of
the year before to 14/12):

* ``completion_rate`` — tasks led by the unit and due in the window that were done;
* ``overdue_count``  — scored as 1 − overdue / tasks (the document shows the count);
* ``attainment``     — mean attainment of the unit's indicators with a target (capped at 100%).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.errors import ValidationError
from domain.i18n import Lang, known, t
from domain.rules import attainment, task_status
from domain.text import collation_key

SOURCES = ("manual", "completion_rate", "overdue_count", "attainment")
PLACES = 3  # the printed precision: ties are what the reader sees as equal


@dataclass(frozen=True)
class Band:
    code: str
    minimum: float


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("excellent", 0.9),
    Band("good", 0.8),
    Band("fair", 0.65),
    Band("average", 0.5),
    Band("weak", 0.0),
)


def weighted_total(
    scores: Mapping[str, float | None], weights: Mapping[str, float]
) -> float | None:
    """The weighted mean of the scores present (None when there is none)."""
    if sum(w for w in weights.values() if w > 0) <= 0:
        raise ValidationError.single("criteria", "ranking.no_weight")
    present = {k: w for k, w in weights.items() if w > 0 and scores.get(k) is not None}
    if not present:
        return None
    value = sum(w * float(scores[k] or 0.0) for k, w in present.items())
    return round(value / sum(present.values()), 6)


def competition_ranks(totals: Sequence[float], places: int = PLACES) -> list[int]:
    """Rank of each total (highest first); ties share a rank, the next rank skips."""
    keys = [round(v, places) for v in totals]
    ordered = sorted(keys, reverse=True)
    first: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[k] for k in keys]


def grade(total: float, bands: Sequence[Band] = DEFAULT_BANDS) -> str:
    for band in sorted(bands, key=lambda b: b.minimum, reverse=True):
        if round(total, PLACES) >= band.minimum:
            return band.code
    return bands[-1].code if bands else ""


def parse_bands(text: str) -> tuple[Band, ...]:
    """ "Xuất sắc=0.9,Tốt=0.8,Khá=0.65" → bands (codes are the names people gave)."""
    bands = []
    for part in re.split(r"[,;](?=\s*[^\d\s])", text):
        name, sep, value = part.partition("=")
        try:
            minimum = parse_score(value) if sep else None
        except ValidationError:
            minimum = None
        if not name.strip() or minimum is None:
            raise ValidationError.single("bands", "ranking.bad_bands", value=text)
        bands.append(Band(name.strip(), minimum))
    return tuple(bands)


def parse_score(value: object) -> float:
    """0.85, "0,85" or "85%" → 0.85; anything outside 0–1 is refused."""
    raw = str(value).strip().replace(",", ".")
    percent = raw.endswith("%")
    try:
        number = float(raw.rstrip("%").strip())
    except ValueError:
        raise ValidationError.single("score", "ranking.bad_score", value=value) from None
    if percent:
        number /= 100
    if not 0.0 <= number <= 1.0:
        raise ValidationError.single("score", "ranking.bad_score", value=value)
    return number


@dataclass(frozen=True)
class Placed:
    key: str
    total: float | None  # None: no data, not ranked
    rank: int | None
    grade: str


def rank(
    scores: Mapping[str, Mapping[str, float | None]],
    weights: Mapping[str, float],
    bands: Sequence[Band] = DEFAULT_BANDS,
    names: Mapping[str, str] | None = None,
) -> list[Placed]:
    """Totals, ranks and grades, best first; ties and the unranked in order of name."""
    totals = {k: weighted_total(v, weights) for k, v in scores.items()}
    ranked = [k for k, total in totals.items() if total is not None]
    ranks = competition_ranks([totals[k] or 0.0 for k in ranked])
    placed = [
        Placed(k, totals[k], r, grade(totals[k] or 0.0, bands))
        for k, r in zip(ranked, ranks, strict=True)
    ]
    placed += [Placed(k, None, None, "") for k, total in totals.items() if total is None]
    label = names or {}
    return sorted(
        placed,
        key=lambda p: (p.rank is None, p.rank or 0, collation_key(label.get(p.key, p.key))),
    )


# ---------------------------------------------------------------------------
# Computed criteria
# ---------------------------------------------------------------------------


def _due(task: Mapping[str, Any]) -> date | None:
    value = task.get("due")
    return date.fromisoformat(str(value)[:10]) if value else None


def unit_task_figures(
    tasks: Iterable[Mapping[str, Any]], start: date, cutoff: date
) -> dict[str, int]:
    """Tasks due in [start, cutoff] (cancelled ones left out): how many, done, overdue."""
    total = done = overdue = 0
    for task in tasks:
        due = _due(task)
        if due is None or not start <= due <= cutoff or task.get("status") == "cancelled":
            continue
        total += 1
        status = task_status(task, cutoff)
        done += status.startswith("done")
        overdue += status == "overdue"
    return {"total": total, "done": done, "overdue": overdue}


def computed_scores(
    figures: Mapping[str, int], indicators: Iterable[Mapping[str, Any]], cutoff: date
) -> dict[str, float | None]:
    """The computed criteria from a unit's task figures (:func:`unit_task_figures`) and its
    indicators; None where there is nothing to judge."""
    total = figures["total"]
    shares = [
        min(a.percent_of_target, 100.0) / 100.0
        for a in (attainment(i, cutoff) for i in indicators if i.get("target") is not None)
        if a.percent_of_target is not None
    ]
    return {
        "completion_rate": figures["done"] / total if total else None,
        "overdue_count": 1.0 - figures["overdue"] / total if total else None,
        "attainment": sum(shares) / len(shares) if shares else None,
    }


def band_label(code: str, lang: Lang) -> str:
    return t(f"grade.{code}", lang) if known(f"grade.{code}") else code
